"""What of a learning community is embedded, for search by meaning (apps.semantics)."""

from collections.abc import Callable

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning_soon, text_of

from .models import LearningCommunity

SOURCE = "communities.learningcommunity"

EMBEDDED_COMMUNITY = EmbeddedText(
    source=SOURCE,
    rows=lambda: LearningCommunity.objects.all(),
    text=lambda: text_of("name", "goal", "learning_objectives"),
    watches=(LearningCommunity,),
)


def community_ids_by_meaning_soon(text: str) -> Callable[[], list[int]]:
    """The directory's search by meaning, started (`ids_by_meaning_soon`)."""
    return ids_by_meaning_soon(SOURCE, text)
