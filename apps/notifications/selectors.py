"""Reads for the notifications app: the in-app list, people's preferences and what is due for
the weekly summary."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from .kinds import NotificationKind
from .models import Frequency, Notification, NotificationPreference


def notification_list(*, user: Any) -> QuerySet[Notification]:
    """The person's own notices, newest first; the rows carry all the list shows."""
    return Notification.objects.visible_to(user).only(
        "pk", "recipient_id", "kind", "title", "body", "url", "created_at", "read_at"
    )


def notification_frequencies(*, user: Any) -> dict[str, str]:
    """Every kind with the person's choice for it; kinds without a row get the default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, NotificationPreference.DEFAULT) for kind in NotificationKind}


def notification_frequency(*, user_id: int, kind: str) -> str:
    frequency = (
        NotificationPreference.objects.filter(user_id=user_id, kind=kind)
        .values_list("frequency", flat=True)
        .first()
    )
    return frequency or NotificationPreference.DEFAULT


def notification_frequencies_for_recipients(
    *, user_ids: Iterable[int], kind: str
) -> dict[int, str]:
    """One kind's choice for many people at once (one query), defaults filled in."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    return {user_id: chosen.get(user_id, NotificationPreference.DEFAULT) for user_id in user_ids}


def notification_digest_pending(*, since: datetime) -> QuerySet[Notification]:
    """Notices waiting for a weekly summary: of a kind the recipient wants weekly, not yet
    emailed or summarised, still unread (a notice already read on the site needs no email),
    and not older than `since` (someone who switches a kind from off to weekly gets this
    week's notices, not a backlog of months)."""
    wants_weekly = NotificationPreference.objects.filter(
        user_id=OuterRef("recipient_id"), kind=OuterRef("kind"), frequency=Frequency.WEEKLY
    )
    return Notification.objects.filter(
        Exists(wants_weekly),
        emailed_at__isnull=True,
        digested_at__isnull=True,
        read_at__isnull=True,
        created_at__gte=since,
        recipient__is_active=True,
    )


def notification_digest_recipient_ids(*, since: datetime) -> list[int]:
    return list(
        notification_digest_pending(since=since)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
