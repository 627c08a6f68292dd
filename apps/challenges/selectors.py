"""Reads of challenges. Every list and page starts from `Challenge.objects.visible_to`."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from apps.taxonomy.models import AITopic

from .filters import LISTED_STATUSES, NEWEST_FIRST, ChallengeFilterSet
from .models import OPEN_STATUSES, Challenge, ChallengeInterest, Visibility


def _with_card_data(queryset: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """What a challenge card shows, fetched in a fixed number of queries."""
    return queryset.select_related("organisation", "province").prefetch_related(
        Prefetch("topics", queryset=AITopic.objects.order_by("position"))
    )


def challenge_listed_queryset(*, user) -> QuerySet[Challenge]:
    """The open challenges the user may see, unfiltered and unordered (for counting)."""
    return Challenge.objects.visible_to(user).filter(status__in=LISTED_STATUSES)


def challenge_filterset(*, user, filters: Mapping[str, Any] | None) -> ChallengeFilterSet:
    """The directory's FilterSet: its `.form` and facets for the page, its `.qs` for the rows
    (searched, filtered and sorted), `.facet_counts()` for the counts beside the options.

    Starts from all out-in-the-open challenges the user may see (closed ones included, for
    the status facet); the FilterSet narrows that to the open ones unless asked otherwise.
    `filters`: `request.GET`, or a plain mapping with a value or a list per facet.
    """
    queryset = Challenge.objects.visible_to(user).filter(status__in=OPEN_STATUSES)
    return ChallengeFilterSet(filters, queryset=_with_card_data(queryset), user=user)


def challenge_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Challenge]:
    return challenge_filterset(user=user, filters=filters).qs


def challenge_list_latest_public(*, limit: int = 6) -> QuerySet[Challenge]:
    """The newest published challenges anyone may read, for the home page."""
    queryset = (
        Challenge.objects.published()
        .of_verified_organisations()
        .filter(visibility=Visibility.PUBLIC)
    )
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


# --- The organisation's follow-up and partners' interest ---------------------------------------


def challenge_list_for_member(*, user) -> QuerySet[Challenge]:
    """Every challenge of the organisations the user is an active member of, drafts and
    rejected ones included, most recently changed first, with its organisation (My
    overview)."""
    from apps.organisations.models import Membership

    memberships = Membership.objects.active_for(user)
    return (
        Challenge.objects.filter(organisation__in=memberships.values("organisation"))
        .select_related("organisation")
        .order_by("-updated_at", "-pk")
    )


def challenge_interest_list(*, challenge: Challenge) -> QuerySet[ChallengeInterest]:
    """Who showed interest in a challenge, newest first."""
    return ChallengeInterest.objects.filter(challenge=challenge).select_related("user")


def challenge_interest_get(*, challenge: Challenge, user) -> ChallengeInterest | None:
    if not user.is_authenticated:
        return None
    return ChallengeInterest.objects.filter(challenge=challenge, user=user).first()


def challenge_interests_by_challenge(*, user, challenge_ids) -> dict[int, ChallengeInterest]:
    """The user's interests in these challenges, by challenge id (one query)."""
    if not user.is_authenticated:
        return {}
    return {
        interest.challenge_id: interest
        for interest in ChallengeInterest.objects.filter(user=user, challenge_id__in=challenge_ids)
    }


def challenge_interest_list_for_user(*, user) -> QuerySet[ChallengeInterest]:
    """The interests a person showed, in challenges they may still see, newest first."""
    return ChallengeInterest.objects.filter(
        user=user, challenge__in=Challenge.objects.visible_to(user)
    ).select_related("challenge__organisation")


def challenge_list_by_ids(*, user, ids) -> dict[int, Challenge]:
    """Challenges by id with their card data, only those the user may see (for pages that
    got ids from the matcher)."""
    queryset = _with_card_data(Challenge.objects.visible_to(user).filter(pk__in=list(ids)))
    return {challenge.pk: challenge for challenge in queryset}


def challenge_progress(*, challenge: Challenge) -> list[dict[str, Any]]:
    """The workflow as steps for the status page: each with its label, date when known and
    state ("done", "current", "todo"). A rejected challenge stands at the review step."""
    from django.utils.translation import gettext as _

    from .models import ChallengeStatus

    steps = [
        (ChallengeStatus.DRAFT, _("Written"), challenge.created_at),
        (ChallengeStatus.SUBMITTED, _("Reviewed by the AI hub"), challenge.submitted_at),
        (ChallengeStatus.PUBLISHED, _("Published and matched"), challenge.published_at),
        (ChallengeStatus.IN_COMMUNITY, _("In a learning community"), None),
        (ChallengeStatus.CLOSED, _("Closed"), challenge.closed_at),
    ]
    position = {status: index for index, (status, _label, _at) in enumerate(steps)}
    current = position.get(challenge.status, position[ChallengeStatus.SUBMITTED])
    return [
        {
            "status": status,
            "label": label,
            "at": at if index <= current else None,
            "state": "done" if index < current else "current" if index == current else "todo",
        }
        for index, (status, label, at) in enumerate(steps)
    ]
