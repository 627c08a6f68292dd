"""What of a knowledge item is embedded, for search by meaning (apps.semantics)."""

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning, text_of

from .models import KnowledgeItem

SOURCE = "knowledge.knowledgeitem"

EMBEDDED_KNOWLEDGE_ITEM = EmbeddedText(
    source=SOURCE,
    rows=lambda: KnowledgeItem.objects.all(),
    text=lambda: text_of("title", "summary", "body"),
    watches=(KnowledgeItem,),
)


def knowledge_item_ids_by_meaning(text: str) -> list[int]:
    return ids_by_meaning(SOURCE, text)
