"""Reads of challenges. Every list and page starts from `Challenge.objects.visible_to`."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.taxonomy.models import AITopic

from .filters import LISTED_STATUSES, NEWEST_FIRST, ChallengeFilterSet
from .models import OPEN_STATUSES, Challenge, Visibility


def _with_card_data(queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """What a challenge card shows, fetched in a fixed number of queries."""
    return queryset.select_related("organisation", "province").prefetch_related(
        Prefetch("topics", queryset=AITopic.objects.order_by("position"))
    )


def challenge_listed_queryset(*, user) -> QuerySet[Challenge]:
    """The open challenges the user may see, unfiltered and unordered (for counting)."""
    return Challenge.objects.visible_to(user).filter(status__in=LISTED_STATUSES)


def challenge_filterset(*, user, filters: Mapping[str, Any] | None) -> ChallengeFilterSet:
    """The directory's FilterSet: its `.form` for the page, its `.qs` for the rows.

    Starts from all out-in-the-open challenges the user may see (closed ones included, for
    the status filter); the FilterSet narrows that to the open ones unless asked otherwise.
    """
    queryset = (
        Challenge.objects.visible_to(user).filter(status__in=OPEN_STATUSES).order_by(*NEWEST_FIRST)
    )
    return ChallengeFilterSet(filters or {}, queryset=_with_card_data(queryset))


def challenge_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Challenge]:
    return challenge_filterset(user=user, filters=filters).qs


def challenge_list_latest_public(*, limit: int = 6) -> QuerySet[Challenge]:
    """The newest published challenges anyone may read, for the home page."""
    queryset = Challenge.objects.published().filter(visibility=Visibility.PUBLIC)
    return _with_card_data(queryset.order_by(*NEWEST_FIRST))[:limit]


def challenge_list_for_organisation(*, user, organisation) -> QuerySet[Challenge]:
    """The organisation's open challenges that the user may see, newest first."""
    queryset = challenge_listed_queryset(user=user).filter(organisation=organisation)
    return _with_card_data(queryset.order_by(*NEWEST_FIRST))


def challenge_list_for_hub(*, user, hub) -> QuerySet[Challenge]:
    """The open challenges in the hub's provinces that the user may see, newest first."""
    queryset = challenge_listed_queryset(user=user).filter(province__in=hub.provinces.all())
    return _with_card_data(queryset.order_by(*NEWEST_FIRST))


def challenge_get_visible(*, user, pk: int) -> Challenge | None:
    """One challenge with everything its page shows, or None when the user may not see it."""
    return (
        Challenge.objects.visible_to(user)
        .select_related("organisation__kind", "province")
        .prefetch_related(
            Prefetch(
                "topics",
                queryset=AITopic.objects.select_related("parent").order_by("position"),
            ),
            "sectors",
            "formats",
        )
        .filter(pk=pk)
        .first()
    )
