"""What of a challenge is embedded, for search and matching by meaning (apps.semantics)."""

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning, text_of

from .models import Challenge

SOURCE = "challenges.challenge"

EMBEDDED_CHALLENGE = EmbeddedText(
    source=SOURCE,
    rows=lambda: Challenge.objects.all(),
    text=lambda: text_of("title", "description", "learning_goals"),
    watches=(Challenge,),
)


def challenge_ids_by_meaning(text: str) -> list[int]:
    return ids_by_meaning(SOURCE, text)
