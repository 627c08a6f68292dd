"""What of a learning community is embedded, for search by meaning (apps.semantics)."""

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning, text_of

from .models import LearningCommunity

SOURCE = "communities.learningcommunity"

EMBEDDED_COMMUNITY = EmbeddedText(
    source=SOURCE,
    rows=lambda: LearningCommunity.objects.all(),
    text=lambda: text_of("name", "goal", "learning_objectives"),
    watches=(LearningCommunity,),
)


def community_ids_by_meaning(text: str) -> list[int]:
    return ids_by_meaning(SOURCE, text)
