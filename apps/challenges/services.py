"""Every change of a challenge's status goes through `challenge_change_status`: views, admin
actions, imports and tasks call these functions, so the workflow has one definition."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User

from .models import ALLOWED_TRANSITIONS, Challenge, ChallengeStatus


class InvalidTransition(ValidationError):
    pass


def challenge_can_change_status(*, challenge: Challenge, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(challenge.status, frozenset())


@transaction.atomic
def challenge_change_status(
    *,
    challenge: Challenge,
    to_status: str,
    by: User | None = None,
    reason: str = "",
    schedule_matching: bool = True,
) -> Challenge:
    """Move a challenge along its workflow, refusing moves the workflow does not allow.

    The row is locked so two coordinators clicking at once cannot both act on a stale status.
    Publishing schedules the challenge's matching after commit; bulk callers that schedule
    one run for many challenges pass `schedule_matching=False`.
    """
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge_can_change_status(challenge=locked, to_status=to_status):
        raise InvalidTransition(
            _("A challenge cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": ChallengeStatus(locked.status).label,
                "to": ChallengeStatus(to_status).label
                if to_status in ChallengeStatus.values
                else to_status,
            },
            code="invalid_transition",
        )
    reason = reason.strip()
    if to_status == ChallengeStatus.REJECTED and not reason:
        raise ValidationError(
            _("Give a reason when rejecting a challenge."), code="reason_required"
        )
    now = timezone.now()
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
    if to_status == ChallengeStatus.PUBLISHED and schedule_matching:
        from apps.matching.services import match_run_for_challenge

        match_run_for_challenge(challenge_id=locked.pk, trigger="published")
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
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.SUBMITTED, by=by)


def challenge_publish(*, challenge: Challenge, by: User | None = None) -> Challenge:
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.PUBLISHED, by=by)


def challenge_reject(*, challenge: Challenge, reason: str, by: User | None = None) -> Challenge:
    return challenge_change_status(
        challenge=challenge, to_status=ChallengeStatus.REJECTED, by=by, reason=reason
    )


def challenge_close(*, challenge: Challenge, by: User | None = None) -> Challenge:
    return challenge_change_status(challenge=challenge, to_status=ChallengeStatus.CLOSED, by=by)
