"""What of a hub is embedded, for search by meaning (apps.semantics)."""

from collections.abc import Callable

from apps.semantics.embeddings import EmbeddedText, ids_by_meaning_soon, text_of

from .models import Hub

SOURCE = "hubs.hub"

EMBEDDED_HUB = EmbeddedText(
    source=SOURCE,
    rows=lambda: Hub.objects.all(),
    text=lambda: text_of("name", "description_nl", "description_en"),
    watches=(Hub,),
)


def hub_ids_by_meaning_soon(text: str) -> Callable[[], list[int]]:
    """The directory's search by meaning, started (`ids_by_meaning_soon`)."""
    return ids_by_meaning_soon(SOURCE, text)
