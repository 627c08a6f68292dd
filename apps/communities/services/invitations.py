"""Answers to an invitation into a community: accepted (the person becomes a member) or
declined; the coordinators hear either way."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.challenges.models import Challenge
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from ..models import (
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
)
from ..selectors import (
    community_coordinators,
)
from .common import person_name


def invitee_notify(
    *, invitation: CommunityInvitation, challenge: Challenge, own_challenge: bool
) -> None:
    community = invitation.community
    role_label = CommunityMembership.Role(invitation.role).label

    def text(person):
        if own_challenge:
            return (
                _("A learning community was formed for your challenge “%(title)s”")
                % {"title": challenge.title},
                _(
                    "The AI hub formed the learning community %(community)s around your "
                    "challenge, with the partners it accepted. You are invited to take part "
                    "as %(role)s: accept or decline the invitation."
                )
                % {"community": community.name, "role": role_label},
            )
        return (
            _("You are invited to the learning community %(community)s")
            % {"community": community.name},
            _(
                "The AI hub formed %(community)s around the challenge “%(title)s” and "
                "invites you to take part as %(role)s. Accept or decline the invitation."
            )
            % {"community": community.name, "title": challenge.title, "role": role_label},
        )

    notify(
        recipients=[invitation.user],
        kind=NotificationKind.COMMUNITY_INVITATION,
        text=text,
        url=notice_path("communities:invitation", pk=invitation.pk),
        dedupe_key=f"community-invitation-{invitation.pk}",
    )


def _lock_invitation(invitation: CommunityInvitation, *, by: User) -> CommunityInvitation:
    locked = (
        CommunityInvitation.objects.select_for_update(of=("self",))
        .select_related("community", "user", "organisation")
        .get(pk=invitation.pk)
    )
    if locked.user_id != by.pk:
        # Only the invited person answers; the views hide the invitation from anyone else.
        raise PermissionDenied
    return locked


def _notify_coordinators_of_answer(*, invitation: CommunityInvitation) -> None:
    """Tell the community's coordinators. The kind is the one for people joining (the
    coordinators' side of membership), so their preference for it covers both ways in."""
    community = invitation.community
    invitee = invitation.user
    accepted = invitation.state == CommunityInvitation.State.ACCEPTED
    role_label = CommunityMembership.Role(invitation.role).label
    organisation = invitation.organisation.name if invitation.organisation else ""

    def text(person):
        values = {"person": person_name(invitee), "community": community.name}
        title = (
            _("%(person)s accepted the invitation to %(community)s")
            if accepted
            else _("%(person)s declined the invitation to %(community)s")
        ) % values
        body = _("Role: %(role)s.") % {"role": role_label}
        if organisation:
            body = f"{body} " + _("On behalf of %(organisation)s.") % {"organisation": organisation}
        return title, body

    notify(
        recipients=community_coordinators(community=community),
        kind=NotificationKind.COMMUNITY_JOIN_REQUEST,
        text=text,
        url=notice_path("communities:detail", fragment="members", slug=community.slug),
        dedupe_key=f"community-invitation-{invitation.pk}-{invitation.state}",
        exclude=invitee,
    )


@transaction.atomic
def community_invitation_accept(
    *, invitation: CommunityInvitation, by: User
) -> CommunityMembership:
    """Take up an invitation: the invitee becomes a member, in the invited role and on behalf
    of the invited organisation. Accepting twice changes nothing the second time; a declined
    invitation can still be accepted (a wrong click is easily made)."""
    locked = _lock_invitation(invitation, by=by)
    community = locked.community
    if locked.state == CommunityInvitation.State.ACCEPTED:
        membership = CommunityMembership.objects.filter(community=community, user=by).first()
        if membership is not None:
            return membership
        # Accepted once and removed since: the old invitation does not bring them back.
        raise ValidationError(
            _("This invitation was already used. Ask the coordinators to join again."),
            code="used",
        )
    if community.status == CommunityStatus.COMPLETED:
        raise ValidationError(
            _("This community has completed its work and takes no new members."),
            code="completed",
        )
    membership, _created = CommunityMembership.objects.get_or_create(
        community=community,
        user=by,
        defaults={"role": locked.role, "organisation": locked.organisation},
    )
    if locked.organisation_id is not None:
        community.organisations.add(locked.organisation_id)
    # A pending request to join is answered by the invitation.
    JoinRequest.objects.filter(
        community=community, user=by, state=JoinRequest.State.PENDING
    ).update(state=JoinRequest.State.WITHDRAWN, decided_at=timezone.now(), decided_by=by)
    locked.state = CommunityInvitation.State.ACCEPTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    _notify_coordinators_of_answer(invitation=locked)
    invitation.__dict__.update(state=locked.state, decided_at=locked.decided_at)
    return membership


@transaction.atomic
def community_invitation_decline(
    *, invitation: CommunityInvitation, by: User
) -> CommunityInvitation:
    """Say no to an invitation; the coordinators hear it. Declining twice is one decline."""
    locked = _lock_invitation(invitation, by=by)
    if locked.state == CommunityInvitation.State.DECLINED:
        return locked
    if locked.state == CommunityInvitation.State.ACCEPTED:
        raise ValidationError(
            _(
                "You accepted this invitation already. To leave the community, ask its "
                "coordinators."
            ),
            code="accepted",
        )
    locked.state = CommunityInvitation.State.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    _notify_coordinators_of_answer(invitation=locked)
    invitation.__dict__.update(state=locked.state, decided_at=locked.decided_at)
    return locked
