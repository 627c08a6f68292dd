"""Reads of the knowledge base. Every list and page starts from
`KnowledgeItem.objects.visible_to`; the source community is only named to those who may see it."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.communities.models import LearningCommunity
from apps.taxonomy.models import AITopic

from .filters import KnowledgeItemFilterSet
from .models import KnowledgeItem


def _visible_source_community(user) -> Prefetch:
    """The item's source community, or None (`item.source_community`) when the user may not
    see it."""
    return Prefetch(
        "source_community",
        queryset=LearningCommunity.objects.visible_to(user).select_related("hub"),
    )


def knowledge_item_filterset(*, user, filters: Mapping[str, Any] | None) -> KnowledgeItemFilterSet:
    """The knowledge base's FilterSet: its facets for the page, its `.qs` for the rows.
    `filters`: `request.GET`, or a plain mapping with a value or a list per facet."""
    queryset = KnowledgeItem.objects.visible_to(user).prefetch_related(
        _visible_source_community(user),
        Prefetch("topics", queryset=AITopic.objects.order_by("position")),
    )
    return KnowledgeItemFilterSet(filters, queryset=queryset, user=user)


def knowledge_item_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet:
    return knowledge_item_filterset(user=user, filters=filters).qs


def knowledge_item_get_visible(*, user, slug: str) -> KnowledgeItem | None:
    """One item with everything its page shows, or None when the user may not see it."""
    return (
        KnowledgeItem.objects.visible_to(user)
        .select_related("author")
        .prefetch_related(
            _visible_source_community(user),
            Prefetch(
                "topics",
                queryset=AITopic.objects.select_related("parent").order_by("position"),
            ),
            "sectors",
        )
        .filter(slug=slug)
        .first()
    )
