"""Every change of a challenge's status goes through `challenge_change_status`: views, admin
actions, imports and tasks call these functions, so the workflow has one definition."""

import uuid
from collections.abc import Collection, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.transitions import InvalidTransition as BaseInvalidTransition
from apps.core.transitions import StateConflict, transition_allowed, transition_check
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify
from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import AITopic, Format, Province, Sector

from .models import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    MATCHED_STATUSES,
    Challenge,
    ChallengeInterest,
    ChallengeStatus,
    Visibility,
)
from .signals import challenge_changed, challenge_published


class InvalidTransition(BaseInvalidTransition):
    pass


# Status changes that go into the audit trail, with the action they are recorded as.
AUDITED_STATUS_CHANGES: dict[str, AuditAction] = {
    ChallengeStatus.PUBLISHED: AuditAction.CHALLENGE_PUBLISHED,
    ChallengeStatus.REJECTED: AuditAction.CHALLENGE_REJECTED,
    ChallengeStatus.CLOSED: AuditAction.CHALLENGE_CLOSED,
}


def challenge_can_change_status(*, challenge: Challenge, to_status: str) -> bool:
    return transition_allowed(ALLOWED_TRANSITIONS, challenge.status, to_status)


@transaction.atomic
def challenge_change_status(
    *,
    challenge: Challenge,
    to_status: str,
    by: User | None = None,
    reason: str = "",
    announce: bool = True,
) -> Challenge:
    """Move a challenge along its workflow, refusing moves the workflow does not allow.

    The row is locked so two coordinators clicking at once cannot both act on a stale status.
    Publishing announces it (`signals.challenge_published`: matching records a run); bulk
    callers that announce many challenges at once pass `announce=False`.
    """
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    transition_check(
        allowed=ALLOWED_TRANSITIONS,
        statuses=ChallengeStatus,
        current=locked.status,
        to=to_status,
        refusal=_("A challenge cannot go from “%(from)s” to “%(to)s”."),
        error=InvalidTransition,
    )
    reason = reason.strip()
    if to_status == ChallengeStatus.REJECTED and not reason:
        raise ValidationError(
            _("Give a reason when rejecting a challenge."), code="reason_required"
        )
    now = timezone.now()
    previous_status = locked.status
    locked.status = to_status
    if to_status == ChallengeStatus.SUBMITTED:
        locked.submitted_at = now
        locked.rejection_reason = ""
    elif to_status == ChallengeStatus.PUBLISHED:
        locked.published_at = locked.published_at or now
    elif to_status == ChallengeStatus.REJECTED:
        locked.rejection_reason = reason
    elif to_status == ChallengeStatus.CLOSED:
        locked.closed_at = now
    elif to_status == ChallengeStatus.DRAFT:
        locked.submitted_at = None
    locked.save()
    if by is not None and to_status in AUDITED_STATUS_CHANGES:
        # A person's review decision; imports and tasks (no `by`) keep their own record.
        audit_record(
            actor=by,
            action=AUDITED_STATUS_CHANGES[to_status],
            target=locked,
            before={"status": previous_status},
            after={"status": to_status, **({"reason": reason} if reason else {})},
        )
    _notify_status_change(challenge=locked, by=by, at=now)
    if to_status == ChallengeStatus.PUBLISHED and announce:
        challenge_published.send(Challenge, challenge_ids=[locked.pk], trigger="published")
    challenge.__dict__.update(
        {
            field: getattr(locked, field)
            for field in (
                "status",
                "submitted_at",
                "published_at",
                "closed_at",
                "rejection_reason",
                "updated_at",
            )
        }
    )
    return locked


def challenge_submit(*, challenge: Challenge, by: User | None = None) -> Challenge:
    """Send a challenge to the hub for review; it needs at least one AI topic to be matched."""
    if not challenge.topics.exists():
        raise StateConflict(
            _("Choose at least one AI topic before you submit the challenge."),
            code="topics_required",
        )
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.SUBMITTED, by=by)


def challenge_may_submit(*, challenge: Challenge) -> bool:
    """Whether the workflow lets the challenge go to review (a draft, or a rejected one)."""
    return challenge_can_change_status(challenge=challenge, to_status=ChallengeStatus.SUBMITTED)


def challenge_may_withdraw(*, challenge: Challenge) -> bool:
    """Whether the challenge waits for review, so its organisation may take it back."""
    return challenge.status == ChallengeStatus.SUBMITTED


@transaction.atomic
def challenge_withdraw(*, challenge: Challenge, by: User | None = None) -> Challenge:
    """Take a challenge back from review to change it (it becomes a draft again)."""
    locked = Challenge.objects.select_for_update().only("status").get(pk=challenge.pk)
    if not challenge_may_withdraw(challenge=locked):
        raise InvalidTransition(
            _("Only a challenge that waits for review can be withdrawn."), code="not_submitted"
        )
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.DRAFT, by=by)


def challenge_publish(*, challenge: Challenge, by: User | None = None) -> Challenge:
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.PUBLISHED, by=by)


def challenge_reject(*, challenge: Challenge, reason: str, by: User | None = None) -> Challenge:
    return challenge_change_status(
        challenge=challenge, to_status=ChallengeStatus.REJECTED, by=by, reason=reason
    )


def challenge_close(*, challenge: Challenge, by: User | None = None) -> Challenge:
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.CLOSED, by=by)


# --- Notifications ---------------------------------------------------------------------------


def organisation_active_members(organisation_id: int):
    return User.objects.filter(
        memberships__organisation_id=organisation_id,
        memberships__state=Membership.State.ACTIVE,
        is_active=True,
    )


def region_coordinators(province_id: int):
    """The coordinators of the hubs that cover a province (not the national programme: they
    look at all hubs side by side, not at each submission)."""
    return User.objects.filter(coordinated_hubs__provinces=province_id, is_active=True).distinct()


def _notify_status_change(*, challenge: Challenge, by: User | None, at) -> None:
    """Tell the people who act next. The key names the challenge, the status and the moment of
    the change: a retried call for the same change notifies once, a later resubmission anew."""
    status = challenge.status
    key = f"challenge-{challenge.pk}-{status}-{at.isoformat()}"
    title = challenge.title
    if status == ChallengeStatus.SUBMITTED:
        organisation = Organisation.objects.only("name").get(pk=challenge.organisation_id)
        notify(
            recipients=region_coordinators(challenge.province_id),
            kind=NotificationKind.CHALLENGE_SUBMITTED,
            text=lambda person: (
                _("Challenge to review: “%(title)s”") % {"title": title},
                _(
                    "%(organisation)s submitted a challenge in your region. Read it, then "
                    "publish it or say what to improve."
                )
                % {"organisation": organisation.name},
            ),
            url=notice_path("challenges:status", pk=challenge.pk),
            dedupe_key=key,
            exclude=by,
        )
    elif status == ChallengeStatus.PUBLISHED:
        notify(
            recipients=organisation_active_members(challenge.organisation_id),
            kind=NotificationKind.CHALLENGE_PUBLISHED,
            text=lambda person: (
                _("Your challenge “%(title)s” is published") % {"title": title},
                _(
                    "The AI hub published your challenge. Partners that fit are being matched "
                    "to it; you can see them, with the reasons, on the matches page."
                ),
            ),
            url=notice_path("challenges:matches", pk=challenge.pk),
            dedupe_key=key,
            exclude=by,
        )
    elif status == ChallengeStatus.REJECTED:
        reason = challenge.rejection_reason
        notify(
            recipients=organisation_active_members(challenge.organisation_id),
            kind=NotificationKind.CHALLENGE_REJECTED,
            text=lambda person: (
                _("Your challenge “%(title)s” needs changes") % {"title": title},
                _("The AI hub did not publish it yet. Their reason: %(reason)s")
                % {"reason": reason},
            ),
            url=notice_path("challenges:status", pk=challenge.pk),
            dedupe_key=key,
            exclude=by,
        )


# --- The challenge form ----------------------------------------------------------------------


def _apply_relations(
    challenge: Challenge,
    *,
    topics: Iterable[AITopic],
    sectors: Iterable[Sector],
    formats: Iterable[Format],
) -> None:
    challenge.topics.set(topics)
    challenge.sectors.set(sectors)
    challenge.formats.set(formats)


def _editable_state(challenge: Challenge) -> dict[str, object]:
    """What an edit can change, field by field, to tell apps above which fields changed."""
    return {
        "title": challenge.title,
        "description": challenge.description,
        "learning_goals": challenge.learning_goals,
        "province": challenge.province_id,
        "time_frame": challenge.time_frame,
        "visibility": challenge.visibility,
        "topics": frozenset(challenge.topics.values_list("pk", flat=True)),
        "sectors": frozenset(challenge.sectors.values_list("pk", flat=True)),
        "formats": frozenset(challenge.formats.values_list("pk", flat=True)),
    }


@transaction.atomic
def challenge_create(
    *,
    organisation: Organisation,
    by: User,
    title: str,
    description: str,
    province: Province,
    topics: Iterable[AITopic] = (),
    sectors: Iterable[Sector] = (),
    formats: Iterable[Format] = (),
    learning_goals: str = "",
    time_frame: str = Challenge.TimeFrame.FLEXIBLE,
    visibility: str = Visibility.PUBLIC,
    creation_token: uuid.UUID | None = None,
    submit: bool = False,
) -> tuple[Challenge, bool]:
    """Create a challenge as a draft (and submit it for review when asked).

    Returns `(challenge, created)`. With a `creation_token` (the form's hidden field) a
    repeated call returns the challenge the first call made, untouched and not submitted
    twice; the unique token settles even two calls that race each other.
    """
    if not Membership.objects.active_for(by).filter(organisation=organisation).exists():
        raise PermissionDenied
    if creation_token is not None:
        existing = Challenge.objects.filter(creation_token=creation_token, created_by=by).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            challenge = Challenge.objects.create(
                organisation=organisation,
                created_by=by,
                title=title,
                description=description,
                learning_goals=learning_goals,
                province=province,
                time_frame=time_frame,
                visibility=visibility,
                creation_token=creation_token,
            )
    except IntegrityError:
        existing = Challenge.objects.filter(creation_token=creation_token, created_by=by).first()
        if existing is None:
            # Someone else's form token: not ours to return, nor to duplicate.
            raise ValidationError(
                _("This form was already used. Open a new form to describe a challenge."),
                code="token_used",
            ) from None
        return existing, False
    _apply_relations(challenge, topics=topics, sectors=sectors, formats=formats)
    if submit:
        challenge_submit(challenge=challenge, by=by)
    return challenge, True


def challenge_check_editable(*, challenge: Challenge) -> None:
    """Refuse (409 in the API) unless the organisation may still change what it says; a
    caller checks before validating a form, so the answer is the status, not the fields."""
    if challenge.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("A challenge that is “%(status)s” cannot be changed here.")
            % {"status": ChallengeStatus(challenge.status).label},
            code="not_editable",
        )


@transaction.atomic
def challenge_update(
    *,
    challenge: Challenge,
    by: User,
    title: str,
    description: str,
    province: Province,
    topics: Iterable[AITopic] = (),
    sectors: Iterable[Sector] = (),
    formats: Iterable[Format] = (),
    learning_goals: str = "",
    time_frame: str = Challenge.TimeFrame.FLEXIBLE,
    visibility: str = Visibility.PUBLIC,
    submit: bool = False,
) -> Challenge:
    """Change what a challenge says, while its organisation may (`EDITABLE_STATUSES`).

    Saving a rejected challenge turns it back into a draft (the reviewer's reason stays as a
    to-do list); `submit` sends a draft or rejected challenge for review. A published
    challenge takes plain fixes and, when something the matcher reads changed, is matched
    again: the run is created in this transaction and its work enqueued once it commits.
    """
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    challenge_check_editable(challenge=locked)
    before = _editable_state(locked)
    locked.title = title
    locked.description = description
    locked.learning_goals = learning_goals
    locked.province = province
    locked.time_frame = time_frame
    locked.visibility = visibility
    locked.save()
    _apply_relations(locked, topics=topics, sectors=sectors, formats=formats)
    if submit:
        if locked.status == ChallengeStatus.PUBLISHED:
            raise InvalidTransition(
                _("This challenge is already published."), code="already_published"
            )
        challenge_submit(challenge=locked, by=by)
    elif locked.status == ChallengeStatus.REJECTED:
        challenge_change_status(challenge=locked, to_status=ChallengeStatus.DRAFT, by=by)
    elif locked.status == ChallengeStatus.PUBLISHED:
        after = _editable_state(locked)
        changed = frozenset(field for field, value in after.items() if before[field] != value)
        if changed:
            challenge_changed.send(
                Challenge,
                challenge_ids=[locked.pk],
                fields=changed,
                trigger="edited by the organisation",
            )
    locked.refresh_from_db()
    return locked


@transaction.atomic
def challenge_save_edited(
    *,
    challenge: Challenge,
    relations: dict[str, Iterable[object]],
    changed_fields: Collection[str] | None,
    by: User,
    trigger: str,
) -> Challenge:
    """Write a challenge edited as a whole, as a coordinator does in the admin (its fields
    already set on `challenge`, new or stored; the workflow fields stay with the status
    services). `relations` holds topics, sectors and formats; `changed_fields` what the editor
    changed (None: a new challenge). A published challenge that changed is matched again:
    matching hears which fields changed, once the topics are saved too."""
    if changed_fields is None and challenge.created_by_id is None:
        challenge.created_by = by
    challenge.save()
    for field, values in relations.items():
        getattr(challenge, field).set(values)
    if changed_fields and challenge.status == ChallengeStatus.PUBLISHED:
        challenge_changed.send(
            Challenge,
            challenge_ids=[challenge.pk],
            fields=frozenset(changed_fields),
            trigger=trigger,
        )
    return challenge


# --- Interest from partners ------------------------------------------------------------------


def challenge_interest_express(
    *, challenge: Challenge, user: User, message: str = ""
) -> tuple[ChallengeInterest, bool]:
    """Record that `user` would like to work on the challenge and tell its organisation, once:
    a second call (a double click) returns the first interest and notifies no one again."""
    if challenge.status not in MATCHED_STATUSES:
        raise ValidationError(
            _("Interest can be shown in published challenges only."), code="not_open"
        )
    with transaction.atomic():
        interest, created = ChallengeInterest.objects.get_or_create(
            challenge=challenge, user=user, defaults={"message": message.strip()}
        )
        if created:
            name = user.full_name or user.email
            title = challenge.title
            notify(
                recipients=organisation_active_members(challenge.organisation_id),
                kind=NotificationKind.INTEREST_EXPRESSED,
                text=lambda person: (
                    _("%(name)s is interested in “%(title)s”") % {"name": name, "title": title},
                    _("See who it is and their message on the matches page of your challenge."),
                ),
                url=notice_path("challenges:matches", pk=challenge.pk),
                dedupe_key=f"challenge-{challenge.pk}-interest-{interest.pk}",
                exclude=user,
            )
    return interest, created


def challenge_interest_withdraw(*, challenge: Challenge, user: User) -> bool:
    deleted, _rows = ChallengeInterest.objects.filter(challenge=challenge, user=user).delete()
    return bool(deleted)
