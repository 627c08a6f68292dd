"""Reads that gather from several apps: the home page's figures, My overview, another
person's page and the hub pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from apps.accounts.models import User
from apps.challenges.permissions import demand_organisations_of
from apps.challenges.selectors import (
    challenge_interest_list_for_user,
    challenge_list_for_hub,
    challenge_list_for_member,
    challenge_listed_queryset,
)
from apps.communities.models import (
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
)
from apps.communities.selectors import (
    communities_not_taken_up,
    community_invitations_pending_for_user,
    community_queryset,
)
from apps.core.data_version import cached_for_data_version
from apps.hubs.filters import HubFilterSet
from apps.hubs.models import Hub
from apps.hubs.selectors import provinces_by_name
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.organisations.models import Membership, Organisation
from apps.organisations.selectors import (
    membership_list_for_user,
    membership_requests_to_decide,
    organisation_list_for_hub,
)
from apps.taxonomy.models import AITopic


def platform_figures(*, user) -> dict[str, int]:
    """How many listed challenges, active communities and organisations the user can see.

    One query (a UNION of three counts), so the home page does not pay per figure; only
    what the user may open is counted, so the figures match the lists they link to. Shared
    until the data changes by everyone whose query is the same (all visitors; a member's
    query names them): counting every visible challenge takes 30 ms at national size.
    """
    parts = {
        "challenges": challenge_listed_queryset(user=user),
        "communities": LearningCommunity.objects.visible_to(user).filter(
            status=CommunityStatus.ACTIVE
        ),
        "organisations": Organisation.objects.visible_to(user),
    }
    counts = [
        queryset.order_by()
        .annotate(figure=Value(name))
        .values("figure")
        .annotate(n=Count("pk"))
        .values_list("figure", "n")
        for name, queryset in parts.items()
    ]
    union = counts[0].union(*counts[1:], all=True)
    sql, params = union.query.sql_with_params()
    figures = dict.fromkeys(parts, 0)
    figures.update(
        cached_for_data_version("platform-figures", f"{sql}|{params!r}", lambda: list(union))
    )
    return figures


# My overview ---------------------------------------------------------------------------------


def community_membership_list_for_user(*, user) -> QuerySet[CommunityMembership]:
    return (
        CommunityMembership.objects.filter(user=user)
        .select_related("community__hub")
        .order_by("community__name", "pk")
    )


def community_join_request_list_for_user(*, user) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("community").order_by("-created_at")


# Coordinators see every introduction in their regions; the overview shows the latest.
DASHBOARD_INTRODUCTIONS = 20


def dashboard_sections(*, user) -> dict[str, QuerySet]:
    """What "My overview" shows, one entry per section (each one query, however many rows).
    A new section adds an entry here and a partial in templates/portal/."""
    return {
        "memberships": membership_list_for_user(user=user),
        "requests_to_decide": membership_requests_to_decide(user=user),
        "challenges": challenge_list_for_member(user=user),
        "community_memberships": community_membership_list_for_user(user=user),
        "community_join_requests": community_join_request_list_for_user(user=user),
        "community_invitations": community_invitations_pending_for_user(user=user),
        "challenge_interests": challenge_interest_list_for_user(user=user),
        "introductions": IntroductionRequest.objects.visible_to(user)
        .select_related("match__challenge", "match__organisation")
        .order_by("-created_at")[:DASHBOARD_INTRODUCTIONS],
    }


# Another person's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonView:
    """Another person as one viewer may see them: the name, and each detail only when the
    person allowed it for this viewer."""

    person: User
    show_email: bool
    show_profile: bool
    organisations: list[Organisation]
    topics: list[AITopic]


def person_get_for_viewer(*, viewer, pk: int) -> PersonView | None:
    """The person page's data, or None when the viewer may not see the page at all.

    Signed-in members always see the name (it is shown next to everything people write);
    visitors only see the page of someone who made part of their profile public."""
    person = User.objects.filter(pk=pk, is_active=True).select_related("province").first()
    if person is None:
        return None
    show_email = person.shows_email_to(viewer)
    show_profile = person.shows_profile_to(viewer)
    if not viewer.is_authenticated and not (show_email or show_profile):
        return None
    organisations: list[Organisation] = []
    topics: list[AITopic] = []
    if show_profile:
        organisations = list(
            Organisation.objects.visible_to(viewer)
            .filter(
                memberships__user=person,
                memberships__state=Membership.State.ACTIVE,
            )
            .select_related("kind")
            .order_by("name")
        )
        topics = list(person.expertise_topics.order_by("position", "slug"))
    return PersonView(
        person=person,
        show_email=show_email,
        show_profile=show_profile,
        organisations=organisations,
        topics=topics,
    )


# Hub pages ----------------------------------------------------------------------------------


def _counts_by_province(queryset: QuerySet) -> tuple[QuerySet, str]:
    grouped = queryset.order_by().values_list("province_id").annotate(n=Count("pk"))
    sql, params = grouped.query.sql_with_params()
    return grouped, f"{sql}|{params!r}"


def _per_hub(counts: dict[int, int], provinces_of_hub: dict[int, list[int]]) -> Case:
    """A hub's count as a CASE over its id (the hubs are few), so the result stays a
    queryset the directory can filter and sort."""
    whens = [
        When(pk=hub_id, then=Value(sum(counts.get(p, 0) for p in provinces)))
        for hub_id, provinces in provinces_of_hub.items()
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def hub_list(*, user) -> QuerySet[Hub]:
    """All hubs with their provinces and how many open challenges and organisations in
    their region the user can see, so each count matches the list it links to.

    The counts are one grouped scan per kind, shared through the cache until data changes:
    at national size a scan of every challenge the user may see takes a good part of a
    second."""
    challenges, challenges_key = _counts_by_province(challenge_listed_queryset(user=user))
    organisations, organisations_key = _counts_by_province(Organisation.objects.visible_to(user))

    def count():
        provinces_of_hub: dict[int, list[int]] = {}
        for hub_id, province_id in Hub.provinces.through.objects.values_list(
            "hub_id", "province_id"
        ):
            provinces_of_hub.setdefault(hub_id, []).append(province_id)
        return provinces_of_hub, dict(challenges), dict(organisations)

    provinces_of_hub, by_challenges, by_organisations = cached_for_data_version(
        "hub-counts", f"{challenges_key}/{organisations_key}", count
    )
    return (
        Hub.objects.annotate(
            open_challenge_count=_per_hub(by_challenges, provinces_of_hub),
            organisation_count=_per_hub(by_organisations, provinces_of_hub),
        )
        .prefetch_related(provinces_by_name())
        .order_by("name")
    )


def hub_filterset(*, user, filters: Mapping[str, Any] | None) -> HubFilterSet:
    """The hub directory's FilterSet (search box and province) over `hub_list`."""
    return HubFilterSet(filters, queryset=hub_list(user=user), user=user)


# The hub page shows a sample of each list and links to the filtered directory.
ORGANISATIONS_ON_HUB_PAGE = 12
CHALLENGES_ON_HUB_PAGE = 6
# The newest few, like the other sections: a busy hub has a thousand communities, and the
# page would grow with them (1 100 rows and 0.35 s of rendering for Zuid-Holland at
# national size).
COMMUNITIES_ON_HUB_PAGE = 12


def hub_page(*, user, hub: Hub) -> dict[str, Any]:
    """What a hub's page gathers: a sample of its organisations, open challenges and
    communities that the user may see, and how many there are of each."""
    organisations = organisation_list_for_hub(user=user, hub=hub)
    challenges = challenge_list_for_hub(user=user, hub=hub)
    communities = hub_communities(user=user, hub=hub)
    return {
        "organisations": organisations[:ORGANISATIONS_ON_HUB_PAGE],
        "organisation_count": organisations.count(),
        "challenges": challenges[:CHALLENGES_ON_HUB_PAGE],
        "challenge_count": challenges.count(),
        "communities": communities[:COMMUNITIES_ON_HUB_PAGE],
        "community_count": communities.count(),
    }


def hub_communities(*, user, hub: Hub) -> QuerySet[LearningCommunity]:
    """The hub's learning communities that the user may see, newest first."""
    return LearningCommunity.objects.visible_to(user).filter(hub=hub).order_by("-created_at")


# --- "For you" of a company or public organisation --------------------------------------------

FOR_YOU_DEMAND_LIMIT = 10


@dataclass(frozen=True)
class DemandForYou:
    """What "For you" shows someone who posts challenges: the newest matches and
    introductions of their organisations' challenges, and communities near them."""

    matches: list[Match]
    introductions: list[IntroductionRequest]
    communities: list[LearningCommunity]


def for_you_for_demand(*, user) -> DemandForYou | None:
    """For an active member of a company or public organisation; None for anyone else.

    The communities are those in the region of the organisations (their hub covers one of
    their provinces) or in their sector (a challenge or organisation in it shares a sector
    with them), in the region first, without completed ones and without those the person
    already answered (member, asked, declined: `communities_not_taken_up`).
    """
    organisations = list(demand_organisations_of(user).only("pk", "province_id"))
    if not organisations:
        return None
    organisation_ids = [organisation.pk for organisation in organisations]
    province_ids = {organisation.province_id for organisation in organisations}
    sector_ids = Organisation.sectors.through.objects.filter(
        organisation_id__in=organisation_ids
    ).values("sector_id")

    matches = (
        Match.objects.filter(
            challenge__organisation_id__in=organisation_ids, organisation__isnull=False
        )
        .exclude(status=MatchStatus.DECLINED)
        .select_related("challenge", "organisation__kind", "organisation__province")
        .order_by("-computed_at", "-pk")[:FOR_YOU_DEMAND_LIMIT]
    )
    introductions = (
        IntroductionRequest.objects.filter(match__challenge__organisation_id__in=organisation_ids)
        .select_related("match__challenge", "match__organisation")
        .order_by("-created_at", "-pk")[:FOR_YOU_DEMAND_LIMIT]
    )
    near = LearningCommunity.objects.filter(
        Q(hub__provinces__in=province_ids)
        | Q(challenges__sectors__in=sector_ids)
        | Q(organisations__sectors__in=sector_ids)
    ).values("pk")
    hub_provinces = Hub.provinces.through.objects
    in_region = Exists(
        hub_provinces.filter(hub_id=OuterRef("hub_id"), province_id__in=province_ids)
    )
    communities = (
        communities_not_taken_up(
            community_queryset(user=user).exclude(status=CommunityStatus.COMPLETED), user=user
        )
        .filter(pk__in=near)
        .annotate(in_region=in_region)
        .order_by("-in_region", "-created_at", "-pk")[:FOR_YOU_DEMAND_LIMIT]
    )
    return DemandForYou(
        matches=list(matches), introductions=list(introductions), communities=list(communities)
    )
