"""Reads for learning communities. Every read starts from `LearningCommunity.objects.visible_to`
(or from a community the permission helpers already returned) and fetches what its page shows
in a fixed number of queries, however many members, activities or updates there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from apps.accounts.models import User
from apps.challenges.models import Challenge
from apps.hubs.models import HubCoordinator
from apps.matching.models import Match, MatchStatus
from apps.organisations.models import Membership, Organisation

from .models import (
    Activity,
    CommunityInvitation,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)

# How much of each list the community page shows.
UPCOMING_ON_PAGE = 10
PAST_ON_PAGE = 10
UPDATES_ON_PAGE = 10
RESULTS_ON_PAGE = 30
LEARNING_RECORDS_ON_PAGE = 50
DECIDED_REQUESTS_ON_PAGE = 20

# Members are shown per role, in this order (the coordinators first: they are the contact).
ROLE_ORDER = [
    CommunityMembership.Role.COORDINATOR,
    CommunityMembership.Role.COMPANY_PARTICIPANT,
    CommunityMembership.Role.LECTURER,
    CommunityMembership.Role.RESEARCHER,
    CommunityMembership.Role.STUDENT,
]


def community_queryset(*, user) -> QuerySet[LearningCommunity]:
    """Communities the user may see, with the hub and whether the user coordinates that hub
    (`viewer_coordinates_hub`), so the permission check needs no query of its own."""
    queryset = LearningCommunity.objects.visible_to(user).select_related("hub")
    if user.is_authenticated:
        coordinates = Exists(HubCoordinator.objects.filter(hub=OuterRef("hub"), user=user))
    else:
        coordinates = Value(False)
    return queryset.annotate(viewer_coordinates_hub=coordinates)


def community_get_visible(*, user, slug: str) -> LearningCommunity | None:
    return community_queryset(user=user).filter(slug=slug).first()


def community_membership_of(*, community: LearningCommunity, user) -> CommunityMembership | None:
    if not user.is_authenticated:
        return None
    return CommunityMembership.objects.filter(community=community, user=user).first()


def join_request_latest_of(*, community: LearningCommunity, user) -> JoinRequest | None:
    """The user's most recent request to join (any state), for the status on the page."""
    if not user.is_authenticated:
        return None
    return (
        JoinRequest.objects.filter(community=community, user=user)
        .order_by("-created_at", "-pk")
        .first()
    )


def community_coordinators(*, community: LearningCommunity) -> QuerySet[User]:
    """Who is told about join requests: members with the coordinator role and the coordinators
    of the community's hub. Programme coordinators may decide too, but are not notified about
    every community in the country."""
    condition = Q(
        community_memberships__community=community,
        community_memberships__role=CommunityMembership.Role.COORDINATOR,
    ) | Q(hub_links__hub_id=community.hub_id)
    return User.objects.filter(
        pk__in=User.objects.filter(condition).values("pk"), is_active=True
    ).order_by("pk")


def community_member_users(*, community: LearningCommunity) -> QuerySet[User]:
    return User.objects.filter(community_memberships__community=community, is_active=True)


def _organisations_of(users: Iterable[int]) -> dict[int, Organisation]:
    """Each user's only active organisation (none when they have several or none)."""
    by_user: dict[int, list[Organisation]] = {}
    memberships = (
        Membership.objects.active().filter(user_id__in=list(users)).select_related("organisation")
    )
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership.organisation)
    return {user_id: orgs[0] for user_id, orgs in by_user.items() if len(orgs) == 1}


def user_single_active_organisation(*, user) -> Organisation | None:
    """The organisation a new member joins on behalf of: their active organisation if they
    have exactly one (with several, the platform cannot tell which)."""
    return _organisations_of([user.pk]).get(user.pk)


@dataclass
class RoleGroup:
    role: str
    label: str
    memberships: list[CommunityMembership]


@dataclass
class LearningEntry:
    record: LearningRecord
    membership: CommunityMembership | None


@dataclass
class CommunityPage:
    """Everything the community page shows, loaded in a fixed number of queries."""

    challenges: list[Challenge]
    organisations: list[Organisation]
    member_groups: list[RoleGroup]
    member_count: int
    upcoming_activities: list[Activity]
    past_activities: list[Activity]
    updates: list[Update]
    # The knowledge items it produced (the knowledge app's, read through the relation).
    results: list
    learning: list[LearningEntry]
    own_learning_record: LearningRecord | None = None


def community_page(
    *, community: LearningCommunity, user, now: datetime | None = None
) -> CommunityPage:
    now = now or timezone.now()
    memberships = list(
        community.memberships.select_related("user", "organisation").order_by(
            "user__full_name", "pk"
        )
    )
    by_user = {membership.user_id: membership for membership in memberships}
    groups = []
    for role in ROLE_ORDER:
        in_role = [membership for membership in memberships if membership.role == role]
        if in_role:
            groups.append(RoleGroup(role=role, label=role.label, memberships=in_role))

    challenges = list(
        Challenge.objects.visible_to(user)
        .filter(communities=community)
        .select_related("organisation")
        .order_by("title")
    )
    organisations = list(
        Organisation.objects.visible_to(user).filter(communities=community).order_by("name")
    )
    activities = Activity.objects.filter(community=community)
    # An activity that has started but not ended is still "upcoming": people may join it.
    not_over = Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
    upcoming = list(activities.filter(not_over).order_by("starts_at", "pk")[:UPCOMING_ON_PAGE])
    past = list(activities.exclude(not_over).order_by("-starts_at", "-pk")[:PAST_ON_PAGE])
    updates = list(
        Update.objects.filter(community=community)
        .select_related("author")
        .order_by("-created_at", "-pk")[:UPDATES_ON_PAGE]
    )
    results = list(
        community.knowledge_items.visible_to(user)
        .select_related("author")
        .order_by("-created_at", "-pk")[:RESULTS_ON_PAGE]
    )
    records = list(
        LearningRecord.objects.filter(community=community)
        .select_related("user")
        .order_by("-updated_at", "-pk")[:LEARNING_RECORDS_ON_PAGE]
    )
    own = None
    if user.is_authenticated:
        own = next((record for record in records if record.user_id == user.pk), None)
        if own is None and user.pk in by_user:
            own = learning_record_of(community=community, user=user)
    return CommunityPage(
        challenges=challenges,
        organisations=organisations,
        member_groups=groups,
        member_count=len(memberships),
        upcoming_activities=upcoming,
        past_activities=past,
        updates=updates,
        results=results,
        learning=[LearningEntry(record, by_user.get(record.user_id)) for record in records],
        own_learning_record=own,
    )


def join_requests_pending(*, community: LearningCommunity) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(community=community, state=JoinRequest.State.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def join_requests_pending_count(*, community: LearningCommunity) -> int:
    return join_requests_pending(community=community).count()


def join_request_pending_of(*, community: LearningCommunity, user) -> JoinRequest | None:
    """The person's open request to join, if any (at most one: a unique constraint)."""
    return JoinRequest.objects.filter(
        community=community, user=user, state=JoinRequest.State.PENDING
    ).first()


def learning_record_of(*, community: LearningCommunity, user) -> LearningRecord | None:
    return LearningRecord.objects.filter(community=community, user=user).first()


def join_requests_recently_decided(*, community: LearningCommunity) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(
            community=community,
            state__in=[JoinRequest.State.APPROVED, JoinRequest.State.DECLINED],
        )
        .select_related("user", "decided_by")
        .order_by("-decided_at", "-pk")[:DECIDED_REQUESTS_ON_PAGE]
    )


def join_requests_of_user(*, user) -> QuerySet[JoinRequest]:
    """A person's requests to join communities, newest first, with the community (for an
    overview page: "see the status of each request")."""
    return (
        JoinRequest.objects.filter(user=user)
        .select_related("community", "community__hub")
        .order_by("-created_at", "-pk")
    )


def join_request_of(*, user, pk: int) -> JoinRequest | None:
    """One of the person's own requests to join, in any state (None for anyone else's)."""
    return join_requests_of_user(user=user).filter(pk=pk).first()


def activities_for_calendar(*, community: LearningCommunity) -> QuerySet[Activity]:
    return Activity.objects.filter(community=community).order_by("starts_at", "pk")


# --- Forming a community from a challenge's accepted matches ---------------------------------

# A supplier's people take part as lecturers where the organisation teaches (hogeschool, MBO
# college and its centres for craftsmanship) and as researchers where it researches or
# experiments (university, lectoraat, practoraat, centre of expertise, innovation lab).
LECTURER_KINDS = frozenset({"hbo", "mbo", "civ"})


def invitation_role_for(organisation: Organisation | None) -> str:
    """The role a person is invited in, from the kind of organisation they come for."""
    if organisation is None:
        return CommunityMembership.Role.LECTURER
    kind = organisation.kind
    if kind.role != "supply":
        return CommunityMembership.Role.COMPANY_PARTICIPANT
    if kind.slug in LECTURER_KINDS:
        return CommunityMembership.Role.LECTURER
    return CommunityMembership.Role.RESEARCHER


def join_role_suggested_for(*, user) -> str | None:
    """The role the join form proposes: the one an invitation would give, from the kind of
    the person's organisation (an SME's people take part as company participants, a
    hogeschool's as lecturers); None when they have no single organisation to tell by."""
    organisation = user_single_active_organisation(user=user)
    if organisation is None:
        return None
    return invitation_role_for(organisation)


def challenge_accepted_matches(*, challenge: Challenge) -> QuerySet[Match]:
    """The partners the hub accepted for a challenge, best first: organisations (with their
    kind, for the role) and individual people."""
    return (
        Match.objects.filter(challenge=challenge, status=MatchStatus.ACCEPTED)
        .select_related("organisation__kind", "organisation__province", "person")
        .order_by("rank", "-score", "pk")
    )


@dataclass(frozen=True)
class Invitee:
    user: User
    organisation: Organisation | None
    role: str
    # Whether the person belongs to the organisation that posted the challenge.
    from_challenge_organisation: bool

    @property
    def role_label(self) -> str:
        return CommunityMembership.Role(self.role).label


def community_invitees_for_challenge(
    *,
    challenge: Challenge,
    matches: Iterable[Match],
    exclude_user_ids: Iterable[int] = (),
) -> list[Invitee]:
    """Who is invited when a community is formed around `challenge`, in three queries.

    - The challenge's organisation: all its active members. The community exists for their
      learning goals, and demand organisations on the platform are small.
    - Each accepted organisation: its active administrators, who speak for it and bring in
      colleagues; all its active members when it has no administrator, so that no accepted
      partner is left without a contact. A hogeschool may have hundreds of members: they are
      not all invited.
    - Each accepted person (a lecturer matched directly): that person, for their one
      organisation when they have exactly one.

    Everyone appears once (their first reason counts); inactive accounts are left out.
    """
    matches = list(matches)
    excluded = set(exclude_user_ids)
    organisation_ids = [challenge.organisation_id] + [
        match.organisation_id for match in matches if match.organisation_id
    ]
    memberships = list(
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            state=Membership.State.ACTIVE,
            user__is_active=True,
        )
        .select_related("user", "organisation__kind")
        .order_by("user__full_name", "user_id")
    )
    people = [match.person for match in matches if match.person_id and match.person.is_active]
    person_organisations = _organisations_with_kind_of([person.pk for person in people])

    invitees: dict[int, Invitee] = {}

    def add(user: User, organisation: Organisation | None, *, own: bool = False) -> None:
        if user.pk in excluded or user.pk in invitees:
            return
        invitees[user.pk] = Invitee(
            user=user,
            organisation=organisation,
            role=CommunityMembership.Role.COMPANY_PARTICIPANT
            if own
            else invitation_role_for(organisation),
            from_challenge_organisation=own,
        )

    for membership in memberships:
        if membership.organisation_id == challenge.organisation_id:
            add(membership.user, membership.organisation, own=True)
    for match in matches:
        if match.organisation_id:
            members = [m for m in memberships if m.organisation_id == match.organisation_id]
            admins = [m for m in members if m.role == Membership.Role.ADMIN]
            for membership in admins or members:
                add(membership.user, membership.organisation)
        elif match.person_id and match.person.is_active:
            add(match.person, person_organisations.get(match.person_id))
    return list(invitees.values())


def _organisations_with_kind_of(user_ids: list[int]) -> dict[int, Organisation]:
    """Like `_organisations_of`, with each organisation's kind loaded."""
    if not user_ids:
        return {}
    by_user: dict[int, list[Organisation]] = {}
    for membership in (
        Membership.objects.active()
        .filter(user_id__in=user_ids)
        .select_related("organisation__kind")
    ):
        by_user.setdefault(membership.user_id, []).append(membership.organisation)
    return {user_id: orgs[0] for user_id, orgs in by_user.items() if len(orgs) == 1}


def community_invitations_pending_for_user(
    *, user, community: LearningCommunity | None = None
) -> QuerySet[CommunityInvitation]:
    """A person's open invitations, oldest first (for "My overview"), or those into one
    community (for its page)."""
    if not user.is_authenticated:
        return CommunityInvitation.objects.none()
    invitations = CommunityInvitation.objects.pending().filter(user=user)
    if community is not None:
        invitations = invitations.filter(community=community)
    return invitations.select_related("community__hub", "organisation").order_by("created_at", "pk")


def communities_not_taken_up(
    queryset: QuerySet[LearningCommunity], *, user: User
) -> QuerySet[LearningCommunity]:
    """`queryset` without the communities the person already answered: they are a member,
    they asked to join (still pending, or declined by the coordinators), or they declined
    an invitation. What "For you" offers leaves these out."""
    return (
        queryset.exclude(
            pk__in=CommunityMembership.objects.filter(user=user).values("community_id")
        )
        .exclude(
            pk__in=JoinRequest.objects.filter(
                user=user, state__in=[JoinRequest.State.PENDING, JoinRequest.State.DECLINED]
            ).values("community_id")
        )
        .exclude(
            pk__in=CommunityInvitation.objects.filter(
                user=user, state=CommunityInvitation.State.DECLINED
            ).values("community_id")
        )
    )
