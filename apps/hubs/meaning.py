"""What of a hub is embedded, for search by meaning (apps.semantics)."""

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning, text_of

from .models import Hub

SOURCE = "hubs.hub"

EMBEDDED_HUB = EmbeddedText(
    source=SOURCE,
    rows=lambda: Hub.objects.all(),
    text=lambda: text_of("name", "description_nl", "description_en"),
    watches=(Hub,),
)


def hub_ids_by_meaning(text: str) -> list[int]:
    return ids_by_meaning(SOURCE, text)
