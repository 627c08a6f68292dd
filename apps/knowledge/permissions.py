"""Who may see a knowledge item: the object, or a 404 when it must stay hidden (missing and
hidden look the same)."""

from django.http import Http404

from .models import KnowledgeItem
from .selectors import knowledge_item_get_visible


def get_knowledge_item_for_view_or_404(user, slug: str) -> KnowledgeItem:
    item = knowledge_item_get_visible(user=user, slug=slug)
    if item is None:  # missing and hidden look the same
        raise Http404
    return item
