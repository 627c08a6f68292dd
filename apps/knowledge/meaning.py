"""What of a knowledge item is embedded, for search by meaning (apps.semantics)."""

from collections.abc import Callable

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning_soon, text_of

from .models import KnowledgeItem

SOURCE = "knowledge.knowledgeitem"

EMBEDDED_KNOWLEDGE_ITEM = EmbeddedText(
    source=SOURCE,
    rows=lambda: KnowledgeItem.objects.all(),
    text=lambda: text_of("title", "summary", "body"),
    watches=(KnowledgeItem,),
)


def knowledge_item_ids_by_meaning_soon(text: str) -> Callable[[], list[int]]:
    """The directory's search by meaning, started (`ids_by_meaning_soon`)."""
    return ids_by_meaning_soon(SOURCE, text)
