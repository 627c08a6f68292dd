"""Writes in a learning community: joining, activities, updates, learning records and the
status. Views, the admin and tasks all call these, so each change has one definition and
notifies the same people.

Creating functions return `(object, created)`: a double submit (two identical requests in a
row) gets the first object back instead of a second one. Where no unique constraint says
what "identical" is, the community row is locked (`FOR NO KEY UPDATE`, which leaves other
writes to the community alone) so two requests are compared one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.accounts.permissions import coordinates_region_of
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.services import challenge_change_status
from apps.core.slugs import unique_slug
from apps.core.transitions import transition_allowed, transition_check
from apps.hubs.models import Hub
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from .models import (
    STATUS_TRANSITIONS,
    Activity,
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from .selectors import (
    challenge_accepted_matches,
    community_coordinators,
    community_invitees_for_challenge,
    community_member_users,
    user_single_active_organisation,
)

# Two identical updates by one person within this time are one double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _name(user: User | None) -> str:
    """Names only in notices; never an email address."""
    if user is None:
        return _("Someone")
    return user.full_name or _("Someone")


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _lock_community(community: LearningCommunity) -> LearningCommunity:
    return LearningCommunity.objects.select_for_update(no_key=True).get(pk=community.pk)


# --- Joining ---------------------------------------------------------------------------------


PARTICIPANT_ROLE_VALUES = frozenset(
    role.value for role in CommunityMembership.Role if role != CommunityMembership.Role.COORDINATOR
)


@transaction.atomic
def join_request_create(
    *, community: LearningCommunity, user: User, role: str, message: str = ""
) -> tuple[JoinRequest, bool]:
    """Ask to join. A second request while one is pending returns the pending one."""
    if role not in PARTICIPANT_ROLE_VALUES:
        raise ValidationError(_("Choose one of the participant roles."), code="invalid_role")
    if community.status == CommunityStatus.COMPLETED:
        raise ValidationError(
            _("This community has completed its work and takes no new members."),
            code="completed",
        )
    if CommunityMembership.objects.filter(community=community, user=user).exists():
        raise ValidationError(_("You are already a member of this community."), code="member")
    pending = JoinRequest.objects.filter(
        community=community, user=user, state=JoinRequest.State.PENDING
    ).first()
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
            "person": _name(user),
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


def _already_decided(join_request: JoinRequest) -> ValidationError:
    return ValidationError(
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
        raise ValidationError(
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

    notify(
        recipients=[locked.user],
        kind=NotificationKind.COMMUNITY_JOIN_DECISION,
        text=text,
        url=notice_path("communities:detail", slug=community.slug),
        dedupe_key=f"join-request-{locked.pk}-decision",
    )
    join_request.__dict__.update(state=locked.state, decided_at=locked.decided_at)
    return membership


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

    notify(
        recipients=[locked.user],
        kind=NotificationKind.COMMUNITY_JOIN_DECISION,
        text=text,
        url=notice_path("communities:detail", slug=community.slug),
        dedupe_key=f"join-request-{locked.pk}-decision",
    )
    join_request.__dict__.update(state=locked.state, decided_at=locked.decided_at)
    return locked


# --- Activities ------------------------------------------------------------------------------

ACTIVITY_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "location", "online_url")
# A change in any of these means people may have to plan differently: tell them.
ACTIVITY_PLANNING_FIELDS = ("starts_at", "ends_at", "location", "online_url")


def _activity_summary(activity: Activity) -> str:
    where = ", ".join(part for part in (activity.location, activity.online_url) if part)
    return _("%(when)s, %(where)s") % {"when": _when(activity.starts_at), "where": where}


def _notify_members_of_activity(
    activity: Activity, *, by: User | None, title_text: str, dedupe_key: str
) -> None:
    community = activity.community

    def text(person):
        return (
            _(title_text) % {"community": community.name, "title": activity.title},
            _activity_summary(activity),
        )

    notify(
        recipients=community_member_users(community=community),
        kind=NotificationKind.COMMUNITY_ACTIVITY,
        text=text,
        url=notice_path(
            "communities:detail", fragment=f"activity-{activity.pk}", slug=community.slug
        ),
        dedupe_key=dedupe_key,
        exclude=by,
    )


# Marked for translation here, translated per recipient in `_notify_members_of_activity`.
NEW_ACTIVITY_TITLE = gettext_noop("New in %(community)s: %(title)s")
CHANGED_ACTIVITY_TITLE = gettext_noop("Changed in %(community)s: %(title)s")
CANCELLED_ACTIVITY_TITLE = gettext_noop("Cancelled in %(community)s: %(title)s")


@transaction.atomic
def activity_create(
    *,
    community: LearningCommunity,
    by: User | None,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    description: str = "",
    location: str = "",
    online_url: str = "",
) -> tuple[Activity, bool]:
    """Plan an activity and tell the members. The same title at the same start in the same
    community is the same activity (a double submit)."""
    community = _lock_community(community)
    existing = Activity.objects.filter(
        community=community, title=title.strip(), starts_at=starts_at
    ).first()
    if existing is not None:
        return existing, False
    activity = Activity(
        community=community,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    activity.full_clean()
    activity.save()
    _notify_members_of_activity(
        activity, by=by, title_text=NEW_ACTIVITY_TITLE, dedupe_key=f"activity-{activity.pk}"
    )
    return activity, True


@transaction.atomic
def activity_change(
    *,
    activity: Activity,
    by: User | None,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    description: str = "",
    location: str = "",
    online_url: str = "",
) -> Activity:
    locked = Activity.objects.select_for_update().select_related("community").get(pk=activity.pk)
    before = {name: getattr(locked, name) for name in ACTIVITY_PLANNING_FIELDS}
    locked.kind = kind
    locked.title = title.strip()
    locked.description = description.strip()
    locked.starts_at = starts_at
    locked.ends_at = ends_at
    locked.location = location.strip()
    locked.online_url = online_url.strip()
    locked.full_clean()
    locked.save()
    moved = any(getattr(locked, name) != value for name, value in before.items())
    if moved and locked.starts_at >= timezone.now():
        _notify_members_of_activity(
            locked,
            by=by,
            title_text=CHANGED_ACTIVITY_TITLE,
            dedupe_key=f"activity-{locked.pk}-changed-{locked.updated_at.timestamp():.0f}",
        )
    activity.__dict__.update({name: getattr(locked, name) for name in (*ACTIVITY_FIELDS,)})
    return locked


@transaction.atomic
def activity_delete(*, activity: Activity, by: User | None) -> None:
    """Remove an activity; if it was still to come, tell the members it is cancelled."""
    locked = Activity.objects.select_for_update().select_related("community").get(pk=activity.pk)
    if locked.starts_at >= timezone.now():
        _notify_members_of_activity(
            locked,
            by=by,
            title_text=CANCELLED_ACTIVITY_TITLE,
            dedupe_key=f"activity-{locked.pk}-cancelled",
        )
    locked.delete()


# --- Updates ---------------------------------------------------------------------------------


@transaction.atomic
def community_update_create(
    *, community: LearningCommunity, author: User, body: str
) -> tuple[Update, bool]:
    """Post an update (Markdown) and tell the other members. The same text by the same person
    within a few minutes is a double submit and returns the first post."""
    body = body.strip()
    community = _lock_community(community)
    existing = (
        Update.objects.filter(
            community=community,
            author=author,
            body=body,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing, False
    update = Update(community=community, author=author, body=body)
    update.full_clean()
    update.save()

    def text(person):
        return (
            _("New update in %(community)s") % {"community": community.name},
            _("%(person)s wrote: %(excerpt)s")
            % {"person": _name(author), "excerpt": Truncator(body).chars(300)},
        )

    notify(
        recipients=community_member_users(community=community),
        kind=NotificationKind.COMMUNITY_UPDATE,
        text=text,
        url=notice_path("communities:detail", fragment=f"update-{update.pk}", slug=community.slug),
        dedupe_key=f"update-{update.pk}",
        exclude=author,
    )
    return update, True


def community_update_delete(*, update: Update, by: User) -> None:
    Update.objects.filter(pk=update.pk).delete()


# --- Learning records ------------------------------------------------------------------------


def learning_record_save(*, community: LearningCommunity, user: User, text: str) -> LearningRecord:
    """Write or rewrite the participant's one learning record in the community."""
    if not CommunityMembership.objects.filter(community=community, user=user).exists():
        raise ValidationError(
            _("Only participants of the community keep a learning record in it."),
            code="not_member",
        )
    text = text.strip()
    LearningRecord(community=community, user=user, text=text).clean_fields(
        exclude=["community", "user"]
    )
    record, _created = LearningRecord.objects.update_or_create(
        community=community, user=user, defaults={"text": text}
    )
    return record


# --- Status ----------------------------------------------------------------------------------


def community_can_change_status(*, community: LearningCommunity, to_status: str) -> bool:
    return transition_allowed(STATUS_TRANSITIONS, community.status, to_status)


@transaction.atomic
def community_change_status(
    *, community: LearningCommunity, to_status: str, by: User | None = None
) -> LearningCommunity:
    """forming → active → completed; every other move is refused. The row is locked, so two
    coordinators clicking at once cannot both act on a stale status."""
    locked = LearningCommunity.objects.select_for_update().get(pk=community.pk)
    transition_check(
        allowed=STATUS_TRANSITIONS,
        statuses=CommunityStatus,
        current=locked.status,
        to=to_status,
        refusal=_("A community cannot go from “%(from)s” to “%(to)s”."),
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    community.status = locked.status
    community.updated_at = locked.updated_at
    return locked


# --- Forming a community from accepted matches -----------------------------------------------


def _hub_for(challenge: Challenge, by: User) -> Hub:
    """The hub covering the challenge's province; where several do, one the coordinator works
    for."""
    hubs = Hub.objects.filter(provinces=challenge.province_id).order_by("name")
    hub = hubs.filter(pk__in=Hub.objects.coordinated_by(by).values("pk")).first() or hubs.first()
    if hub is None:
        raise ValidationError(_("No AI hub covers the province of this challenge."), code="no_hub")
    return hub


@transaction.atomic
def community_form_from_matches(
    *,
    challenge: Challenge,
    by: User,
    name: str,
    goal: str,
    learning_objectives: str = "",
    is_public: bool = True,
) -> tuple[LearningCommunity, bool]:
    """Form a learning community around a published challenge and the partners the hub
    accepted for it.

    The community is created in the hub of the challenge's region, with the challenge (now
    "in a community"), the challenge's organisation and the accepted organisations as member
    organisations, and `by` as its coordinator. Invitations go to the people of
    `selectors.community_invitees_for_challenge`, each told by a notice; the audit trail
    records it.

    Returns `(community, created)`. The challenge row is locked first, so a double submit
    waits for the first and then gets its community back (the challenge is in a community
    by then) instead of forming a second one.
    """
    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=challenge.pk)
    )
    if not coordinates_region_of(by, locked):
        raise PermissionDenied
    if locked.status == ChallengeStatus.IN_COMMUNITY:
        existing = locked.communities.order_by("created_at", "pk").first()
        if existing is not None:
            return existing, False
    if locked.status != ChallengeStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published challenge can get a community; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_published",
        )
    matches = list(challenge_accepted_matches(challenge=locked))
    if not matches:
        raise ValidationError(
            _(
                "This challenge has no accepted matches yet. Accept at least one matched "
                "partner before forming a community."
            ),
            code="no_accepted_matches",
        )

    name = name.strip()
    community = LearningCommunity(
        name=name,
        slug=unique_slug(LearningCommunity, name),
        goal=goal.strip(),
        learning_objectives=learning_objectives.strip(),
        hub=_hub_for(locked, by),
        is_public=is_public,
        status=CommunityStatus.FORMING,
    )
    community.full_clean()
    community.save()
    community.challenges.add(locked)
    organisation_ids = list(
        dict.fromkeys(
            [locked.organisation_id]
            + [match.organisation_id for match in matches if match.organisation_id]
        )
    )
    community.organisations.add(*organisation_ids)
    CommunityMembership.objects.create(
        community=community, user=by, role=CommunityMembership.Role.COORDINATOR
    )
    challenge_change_status(challenge=locked, to_status=ChallengeStatus.IN_COMMUNITY, by=by)

    invitees = community_invitees_for_challenge(
        challenge=locked, matches=matches, exclude_user_ids=[by.pk]
    )
    invitations = CommunityInvitation.objects.bulk_create(
        CommunityInvitation(
            community=community,
            user=invitee.user,
            organisation=invitee.organisation,
            role=invitee.role,
            invited_by=by,
        )
        for invitee in invitees
    )
    for invitee, invitation in zip(invitees, invitations, strict=True):
        _notify_invitee(
            invitation=invitation,
            challenge=locked,
            own_challenge=invitee.from_challenge_organisation,
        )
    audit_record(
        actor=by,
        action=AuditAction.COMMUNITY_FORMED,
        target=community,
        province_id=locked.province_id,
        before={"challenge": locked.pk, "challenge_status": ChallengeStatus.PUBLISHED},
        after={
            "community": community.pk,
            "challenge_status": ChallengeStatus.IN_COMMUNITY,
            "organisations": organisation_ids,
            "accepted_matches": [match.pk for match in matches],
            "invitations": len(invitations),
        },
    )
    challenge.__dict__.update(status=locked.status, updated_at=locked.updated_at)
    return community, True


def _notify_invitee(
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


# --- Answering an invitation -----------------------------------------------------------------


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
        values = {"person": _name(invitee), "community": community.name}
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
