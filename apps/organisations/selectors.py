"""Reads of organisations. Every list and page starts from `Organisation.objects.visible_to`."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.taxonomy.models import AITopic

from .filters import OrganisationFilterSet
from .models import Organisation


def _with_card_data(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.select_related("kind", "province").prefetch_related(
        Prefetch("topics", queryset=AITopic.objects.order_by("position"))
    )


def organisation_filterset(*, user, filters: Mapping[str, Any] | None) -> OrganisationFilterSet:
    """The directory's FilterSet: its `.form` for the page, its `.qs` for the rows."""
    queryset = Organisation.objects.visible_to(user).order_by("name", "pk")
    return OrganisationFilterSet(filters or {}, queryset=_with_card_data(queryset))


def organisation_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Organisation]:
    return organisation_filterset(user=user, filters=filters).qs


def organisation_list_for_hub(*, user, hub) -> QuerySet[Organisation]:
    """The organisations in the hub's provinces that the user may see, by name."""
    queryset = Organisation.objects.visible_to(user).filter(province__in=hub.provinces.all())
    return _with_card_data(queryset.order_by("name", "pk"))


def organisation_get_visible(*, user, slug: str) -> Organisation | None:
    """One organisation with everything its page shows, or None when the user may not
    see it. Parent and children are only those the user may see as well."""
    visible = Organisation.objects.visible_to(user)
    return (
        visible.select_related("kind", "province")
        .prefetch_related(
            Prefetch("parent", queryset=Organisation.objects.visible_to(user)),
            Prefetch(
                "children",
                queryset=Organisation.objects.visible_to(user)
                .select_related("kind")
                .order_by("name"),
                to_attr="visible_children",
            ),
            Prefetch("topics", queryset=AITopic.objects.order_by("position")),
            "sectors",
            "formats",
        )
        .filter(slug=slug)
        .first()
    )
