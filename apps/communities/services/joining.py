"""Joining a community: a person asks (with a role), withdraws, and a coordinator approves
or declines; the community's coordinators and the person are told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.transitions import StateConflict
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from ..models import (
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
)
from ..selectors import (
    community_coordinators,
    join_request_pending_of,
    user_single_active_organisation,
)
from .common import person_name

PARTICIPANT_ROLE_VALUES = frozenset(
    role.value for role in CommunityMembership.Role if role != CommunityMembership.Role.COORDINATOR
)


def join_request_check_open(*, community: LearningCommunity, user: User) -> None:
    """Refuse (409 in the API) when the person cannot ask at all: the community completed its
    work, or they are a member already. A caller checks before validating a form, so the
    answer is the state, not the fields."""
    if community.status == CommunityStatus.COMPLETED:
        raise StateConflict(
            _("This community has completed its work and takes no new members."),
            code="completed",
        )
    if CommunityMembership.objects.filter(community=community, user=user).exists():
        raise StateConflict(_("You are already a member of this community."), code="member")


@transaction.atomic
def join_request_create(
    *, community: LearningCommunity, user: User, role: str, message: str = ""
) -> tuple[JoinRequest, bool]:
    """Ask to join. A second request while one is pending returns the pending one."""
    if role not in PARTICIPANT_ROLE_VALUES:
        raise ValidationError(_("Choose one of the participant roles."), code="invalid_role")
    join_request_check_open(community=community, user=user)
    pending = join_request_pending_of(community=community, user=user)
    if pending is not None:
        return pending, False
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                community=community, user=user, role=role, message=message.strip()
            )
    except IntegrityError:
        # A concurrent submit stored its request first (one pending request per person).
        return JoinRequest.objects.get(
            community=community, user=user, state=JoinRequest.State.PENDING
        ), False

    role_label = CommunityMembership.Role(role).label

    def text(person):
        title = _("%(person)s asks to join %(community)s") % {
            "person": person_name(user),
            "community": community.name,
        }
        body = _("Role: %(role)s.") % {"role": role_label}
        if join_request.message:
            body = f"{body}\n\n{join_request.message}"
        return title, body

    notify(
        recipients=community_coordinators(community=community),
        kind=NotificationKind.COMMUNITY_JOIN_REQUEST,
        text=text,
        url=notice_path("communities:requests", slug=community.slug),
        dedupe_key=f"join-request-{join_request.pk}",
        exclude=user,
    )
    return join_request, True


def _lock_request(join_request: JoinRequest) -> JoinRequest:
    return (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .get(pk=join_request.pk)
    )


def _already_decided(join_request: JoinRequest) -> StateConflict:
    return StateConflict(
        _("This request is no longer pending (%(state)s).")
        % {"state": join_request.get_state_display()},
        code="not_pending",
    )


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, by: User) -> JoinRequest:
    locked = _lock_request(join_request)
    if locked.state == JoinRequest.State.WITHDRAWN:
        return locked
    if locked.state != JoinRequest.State.PENDING:
        raise _already_decided(locked)
    locked.state = JoinRequest.State.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    return locked


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, by: User) -> CommunityMembership:
    """Approve: the requester becomes a member, on behalf of their organisation when they
    have exactly one. Approving twice changes nothing the second time."""
    locked = _lock_request(join_request)
    community = locked.community
    if locked.state == JoinRequest.State.APPROVED:
        membership = CommunityMembership.objects.filter(
            community=community, user=locked.user
        ).first()
        if membership is not None:
            return membership
        # Approved once and removed since: a stale second approval must not bring them back.
        raise _already_decided(locked)
    if locked.state != JoinRequest.State.PENDING:
        raise _already_decided(locked)
    if community.status == CommunityStatus.COMPLETED:
        raise StateConflict(
            _("This community has completed its work and takes no new members."),
            code="completed",
        )
    organisation = user_single_active_organisation(user=locked.user)
    membership, created = CommunityMembership.objects.get_or_create(
        community=community,
        user=locked.user,
        defaults={"role": locked.role, "organisation": organisation},
    )
    if created and organisation is not None:
        community.organisations.add(organisation)
    locked.state = JoinRequest.State.APPROVED
    locked.decided_at = locked.decided_at or timezone.now()
    locked.decided_by = locked.decided_by or by
    locked.save(update_fields=["state", "decided_at", "decided_by"])

    def text(person):
        return (
            _("Welcome to %(community)s") % {"community": community.name},
            _("Your request to join %(community)s was approved. You are now a member.")
            % {"community": community.name},
        )

    _tell_the_decision(join_request, locked, text)
    return membership


def _tell_the_decision(join_request: JoinRequest, locked: JoinRequest, text) -> None:
    """The person who asked hears the decision (once per request), and the caller's object
    shows it."""
    notify(
        recipients=[locked.user],
        kind=NotificationKind.COMMUNITY_JOIN_DECISION,
        text=text,
        url=notice_path("communities:detail", slug=locked.community.slug),
        dedupe_key=f"join-request-{locked.pk}-decision",
    )
    join_request.__dict__.update(state=locked.state, decided_at=locked.decided_at)


@transaction.atomic
def join_request_decline(*, join_request: JoinRequest, by: User) -> JoinRequest:
    locked = _lock_request(join_request)
    if locked.state == JoinRequest.State.DECLINED:
        return locked
    if locked.state != JoinRequest.State.PENDING:
        raise _already_decided(locked)
    community = locked.community
    locked.state = JoinRequest.State.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["state", "decided_at", "decided_by"])

    def text(person):
        return (
            _("Your request to join %(community)s was declined") % {"community": community.name},
            _(
                "The coordinators of %(community)s did not accept your request this time. "
                "You can ask them for the reason, or look for another community."
            )
            % {"community": community.name},
        )

    _tell_the_decision(join_request, locked, text)
    return locked
