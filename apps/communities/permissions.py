"""Who may do what in a learning community. Views ask here and never check inline.

A community that the user may not see is "not found" (404), so its existence is never
revealed. A community the user sees but may not act on answers 403.

The **community coordinators** decide on join requests, plan activities and move the status
along: members with the coordinator role, the coordinators of the community's hub, and the
programme coordinators (and superusers), who work nationally.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.models import User
from apps.accounts.permissions import sees_all_hubs
from apps.hubs.models import HubCoordinator

from .ical import calendar_token_user_id
from .models import (
    Activity,
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
    Update,
)
from .selectors import community_get_visible, community_membership_of

# The roles a person may ask for; coordinators are appointed, not self-chosen.
PARTICIPANT_ROLES = [
    role for role in CommunityMembership.Role if role != CommunityMembership.Role.COORDINATOR
]


_NOT_LOADED = object()


def is_community_coordinator(user, community: LearningCommunity, membership=_NOT_LOADED) -> bool:
    """Whether `user` coordinates `community`. Pass the user's membership (or None) when it is
    loaded already; a community from `selectors.community_queryset` carries the hub check."""
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_all_hubs(user):
        return True
    coordinates_hub = getattr(community, "viewer_coordinates_hub", None)
    if coordinates_hub is None:
        coordinates_hub = HubCoordinator.objects.filter(hub=community.hub_id, user=user).exists()
    if coordinates_hub:
        return True
    if membership is _NOT_LOADED:
        membership = community_membership_of(community=community, user=user)
    return membership is not None and membership.role == CommunityMembership.Role.COORDINATOR


@dataclass(frozen=True)
class CommunityAccess:
    """A user's standing in one community, computed once per request."""

    community: LearningCommunity
    user: object
    membership: CommunityMembership | None
    coordinates: bool

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def accepts_join_requests(self) -> bool:
        """A completed community takes no new members."""
        return self.community.status != CommunityStatus.COMPLETED

    @property
    def can_request_to_join(self) -> bool:
        return bool(
            self.user.is_authenticated and not self.is_member and self.accepts_join_requests
        )

    @property
    def can_contribute(self) -> bool:
        """Post updates and add results: members, and the coordinators who run it."""
        return self.is_member or self.coordinates

    @property
    def can_record_learning(self) -> bool:
        """A learning record is a participant's own: members only."""
        return self.is_member

    @property
    def can_manage(self) -> bool:
        """Decide on join requests, plan activities, change the status."""
        return self.coordinates

    def can_delete_update(self, update: Update) -> bool:
        return self.coordinates or (
            self.user.is_authenticated
            and update.author_id is not None
            and update.author_id == self.user.pk
        )


def community_access(user, community: LearningCommunity) -> CommunityAccess:
    membership = community_membership_of(community=community, user=user)
    return CommunityAccess(
        community=community,
        user=user,
        membership=membership,
        coordinates=is_community_coordinator(user, community, membership),
    )


def get_community_for_view_or_404(user, slug: str) -> CommunityAccess:
    community = community_get_visible(user=user, slug=slug)
    if community is None:
        raise Http404
    return community_access(user, community)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def get_community_for_coordination_or_404(user, slug: str) -> CommunityAccess:
    access = get_community_for_view_or_404(user, slug)
    _require(access.can_manage)
    return access


def get_community_for_contribution_or_404(user, slug: str) -> CommunityAccess:
    access = get_community_for_view_or_404(user, slug)
    _require(access.can_contribute)
    return access


def get_community_for_learning_record_or_404(user, slug: str) -> CommunityAccess:
    access = get_community_for_view_or_404(user, slug)
    _require(access.can_record_learning)
    return access


def get_community_for_joining_or_404(user, slug: str) -> CommunityAccess:
    """Members are let through (the view sends them back to the page); a completed community
    refuses."""
    access = get_community_for_view_or_404(user, slug)
    _require(access.is_member or access.accepts_join_requests)
    return access


def get_join_request_for_decision_or_404(
    user, slug: str, pk: int
) -> tuple[CommunityAccess, JoinRequest]:
    access = get_community_for_coordination_or_404(user, slug)
    join_request = (
        JoinRequest.objects.filter(community=access.community, pk=pk).select_related("user").first()
    )
    if join_request is None:
        raise Http404
    return access, join_request


def get_activity_for_planning_or_404(user, slug: str, pk: int) -> tuple[CommunityAccess, Activity]:
    access = get_community_for_coordination_or_404(user, slug)
    activity = Activity.objects.filter(community=access.community, pk=pk).first()
    if activity is None:
        raise Http404
    return access, activity


def get_update_for_deletion_or_404(user, slug: str, pk: int) -> tuple[CommunityAccess, Update]:
    access = get_community_for_view_or_404(user, slug)
    update = Update.objects.filter(community=access.community, pk=pk).first()
    if update is None:
        raise Http404
    _require(access.can_delete_update(update))
    return access, update


def get_community_for_calendar_or_404(user, slug: str, token: str | None) -> LearningCommunity:
    """The community whose activities are read as iCalendar: by whoever may see it, or, for
    an app that cannot sign in, by the person whose personal calendar `token` is given (an
    invalid token, or a person who may not see it, is a 404 like a hidden community)."""
    viewer = user
    if token:
        community = LearningCommunity.objects.filter(slug=slug).first()
        user_id = (
            calendar_token_user_id(token, community=community) if community is not None else None
        )
        viewer = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
        if viewer is None:
            raise Http404
    community = community_get_visible(user=viewer, slug=slug)
    if community is None:
        raise Http404
    return community


def get_invitation_for_answer_or_404(user, pk: int) -> CommunityInvitation:
    """An invitation is the invited person's business: for anyone else it does not exist
    (coordinators follow invitations in the admin)."""
    invitation = (
        CommunityInvitation.objects.filter(pk=pk, user=user)
        .select_related("community__hub", "organisation", "invited_by")
        .first()
        if user.is_authenticated
        else None
    )
    if invitation is None:
        raise Http404
    return invitation
