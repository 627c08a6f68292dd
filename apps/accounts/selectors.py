"""Reads for a person's own pages (the overview) and for other people's profile pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from apps.challenges.models import Challenge
from apps.challenges.selectors import challenge_interest_list_for_user
from apps.communities.models import CommunityMembership, JoinRequest
from apps.communities.selectors import community_invitations_pending_for_user
from apps.matching.permissions import introductions_visible_to
from apps.organisations.models import Membership, Organisation
from apps.organisations.selectors import membership_list_for_user, membership_requests_to_decide
from apps.taxonomy.models import AITopic

from .models import User


def challenge_list_of_my_organisations(*, user) -> QuerySet[Challenge]:
    """Every challenge (drafts included) of the organisations the user is an active member
    of, most recently changed first."""
    return (
        Challenge.objects.filter(
            organisation__in=Membership.objects.filter(
                user=user, state=Membership.State.ACTIVE
            ).values("organisation")
        )
        .select_related("organisation")
        .order_by("-updated_at", "-pk")
    )


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
    A new section adds an entry here and a partial in templates/accounts/."""
    return {
        "memberships": membership_list_for_user(user=user),
        "requests_to_decide": membership_requests_to_decide(user=user),
        "challenges": challenge_list_of_my_organisations(user=user),
        "community_memberships": community_membership_list_for_user(user=user),
        "community_join_requests": community_join_request_list_for_user(user=user),
        "community_invitations": community_invitations_pending_for_user(user=user),
        "challenge_interests": challenge_interest_list_for_user(user=user),
        "introductions": introductions_visible_to(user)
        .select_related("match__challenge", "match__organisation")
        .order_by("-created_at")[:DASHBOARD_INTRODUCTIONS],
    }


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
