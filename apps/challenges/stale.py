"""Stale demand: a challenge published long ago that still has no learning community.

Its organisation and the region's coordinators are reminded once per waiting period, and the
challenge is then renewed (the wait starts again) or closed. The wait runs from the last
renewal, or else from publication; `published_at` itself is never rewritten, because the
insights measure from the first publication.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from .models import Challenge, ChallengeStatus
from .services import organisation_active_members, region_coordinators

DEFAULT_STALE_AFTER_DAYS = 60


def stale_after() -> timedelta:
    return timedelta(days=getattr(settings, "CHALLENGE_STALE_AFTER_DAYS", DEFAULT_STALE_AFTER_DAYS))


def waiting_since(challenge: Challenge) -> datetime | None:
    """When the current wait for a community began: the last renewal, else publication."""
    return challenge.renewed_at or challenge.published_at


def challenges_stale(*, now: datetime | None = None) -> QuerySet[Challenge]:
    """Published challenges without a community whose wait is longer than `stale_after()`,
    annotated with `waiting_since`."""
    now = now or timezone.now()
    in_a_community = Challenge.communities.through.objects.filter(challenge_id=OuterRef("pk"))
    return (
        Challenge.objects.published()
        .annotate(waiting_since=Coalesce("renewed_at", "published_at"))
        .filter(waiting_since__lte=now - stale_after())
        .exclude(Exists(in_a_community))
    )


def challenge_is_stale(*, challenge: Challenge, now: datetime | None = None) -> bool:
    since = waiting_since(challenge)
    if challenge.status != ChallengeStatus.PUBLISHED or since is None:
        return False
    if since > (now or timezone.now()) - stale_after():
        return False
    return not challenge.communities.exists()


def challenge_can_be_renewed(*, challenge: Challenge) -> bool:
    return challenge.status == ChallengeStatus.PUBLISHED


def _reminder_key(challenge: Challenge, since: datetime) -> str:
    """One reminder per wait: the same key on every daily run, a new one after a renewal."""
    return f"challenge-{challenge.pk}-stale-{since.isoformat()}"


def challenge_stale_remind(*, challenge: Challenge, now: datetime | None = None) -> int:
    """Remind the challenge's organisation (its active members) and the coordinators of its
    region, if the challenge is stale; returns how many notices were created (0 when each
    person was reminded about this wait already)."""
    if not challenge_is_stale(challenge=challenge, now=now):
        return 0
    since = waiting_since(challenge)
    key = _reminder_key(challenge, since)
    title = challenge.title
    days = stale_after().days
    with transaction.atomic():
        created = notify(
            recipients=organisation_active_members(challenge.organisation_id),
            kind=NotificationKind.CHALLENGE_STALE,
            text=lambda person: (
                _("Your challenge “%(title)s” is still waiting for a community") % {"title": title},
                _(
                    "It has been published for more than %(days)d days without a learning "
                    "community. Is it still current? Renew it to keep it open for partners, "
                    "or close it if you no longer need help with it."
                )
                % {"days": days},
            ),
            url=notice_path("challenges:status", pk=challenge.pk),
            dedupe_key=key,
        )
        created += notify(
            recipients=region_coordinators(challenge.province_id),
            kind=NotificationKind.CHALLENGE_STALE,
            text=lambda person: (
                _("“%(title)s” has waited more than %(days)d days for a community")
                % {"title": title, "days": days},
                _(
                    "This published challenge in your region has no learning community yet. "
                    "Form one from its accepted matches, or renew or close it."
                ),
            ),
            url=notice_path("admin:challenges_challenge_change", object_id=challenge.pk),
            dedupe_key=key,
        )
    return len(created)


def challenges_stale_remind_all(*, now: datetime | None = None) -> int:
    """The daily run: remind about every stale challenge (each in its own transaction, so
    one failure leaves the reminders already sent in place). Running it again the same day,
    or any later day within the same wait, creates nothing new."""
    now = now or timezone.now()
    total = 0
    for challenge in challenges_stale(now=now).order_by("pk"):
        total += challenge_stale_remind(challenge=challenge, now=now)
    return total


@transaction.atomic
def challenge_renew(*, challenge: Challenge, by: User | None) -> Challenge:
    """Keep a published challenge open for partners: the wait for a community starts again,
    so it is not stale until `stale_after()` has passed once more."""
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not challenge_can_be_renewed(challenge=locked):
        raise ValidationError(
            _("Only a published challenge can be renewed; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_published",
        )
    before = locked.renewed_at
    locked.renewed_at = timezone.now()
    locked.save(update_fields=["renewed_at", "updated_at"])
    audit_record(
        actor=by,
        action=AuditAction.CHALLENGE_RENEWED,
        target=locked,
        before={"renewed_at": before.isoformat() if before else None},
        after={"renewed_at": locked.renewed_at.isoformat()},
    )
    challenge.renewed_at = locked.renewed_at
    challenge.updated_at = locked.updated_at
    return locked
