"""What of a challenge is embedded, for search and matching by meaning (apps.semantics)."""

from collections.abc import Callable

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning_soon, text_of

from .models import Challenge

SOURCE = "challenges.challenge"

EMBEDDED_CHALLENGE = EmbeddedText(
    source=SOURCE,
    rows=lambda: Challenge.objects.all(),
    text=lambda: text_of("title", "description", "learning_goals"),
    watches=(Challenge,),
)


def challenge_ids_by_meaning_soon(text: str) -> Callable[[], list[int]]:
    """The directory's search by meaning, started (`ids_by_meaning_soon`)."""
    return ids_by_meaning_soon(SOURCE, text)
