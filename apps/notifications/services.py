"""Creating and delivering notices. Other apps call `notify` inside their own transaction; it
writes the rows and, according to each person's preference for that kind (immediately, in the
weekly summary, or not at all), records that an email is due. After the commit the email is
handed to Celery; if the broker is down or the send fails, the sweep sends it again later
(apps/core/delivery.py)."""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from . import emails, selectors, tasks
from .kinds import NotificationKind
from .models import Frequency, Notification, NotificationPreference

User = get_user_model()
logger = logging.getLogger(__name__)

# SMTP errors (smtplib.SMTPException) and network errors are all OSErrors: worth a retry.
DELIVERY_ERRORS = (OSError,)
# How far back a weekly summary looks: covers missed weeks without mailing a stale backlog.
DIGEST_LOOKBACK = timedelta(days=28)
# Failed sends of one notice before its email is given up (it stays on the site); the wait
# before the next attempt doubles each time, from the delivery grace period up to a day.
EMAIL_MAX_ATTEMPTS = 8
EMAIL_RETRY_WAIT_MAX = timedelta(days=1)

TextBuilder = Callable[[Any], tuple[str, str]]


def notify(
    *,
    recipients: Iterable[Any],
    kind: NotificationKind | str,
    text: TextBuilder,
    url: str = "",
    dedupe_key: str = "",
    exclude: Any = None,
) -> list[Notification]:
    """Notify each recipient once about one event.

    `text(recipient)` returns `(title, body)`. It runs with the recipient's preferred language
    active, so it should build the strings with `gettext` (not `gettext_lazy`).
    `dedupe_key` names the event (say `f"challenge-{pk}-published"`): a second call with the
    same kind and key for the same person creates nothing. `exclude` (a user) is left out,
    typically the person who caused the event.
    """
    kind = NotificationKind(kind)
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if not people:
        return []
    if dedupe_key:
        already = Notification.objects.filter(
            recipient_id__in=people, kind=kind, dedupe_key=dedupe_key
        ).values_list("recipient_id", flat=True)
        for recipient_id in already:
            people.pop(recipient_id, None)
        if not people:
            return []
    # The email is due (recorded with the notice, in the caller's transaction) for everyone who
    # wants this kind immediately; one grace period ahead, because the send after the commit
    # normally comes first and the sweep only sends what it did not.
    frequencies = selectors.notification_frequencies_for_recipients(user_ids=set(people), kind=kind)
    email_due_at = timezone.now() + _grace()
    rows = []
    for person in people.values():
        with translation.override(person.preferred_language or "nl"):
            title, body = text(person)
        immediately = frequencies[person.pk] == Frequency.IMMEDIATELY
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                title=str(title)[:300],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key,
                email_due_at=email_due_at if immediately else None,
            )
        )
    if dedupe_key:
        # A concurrent call may have stored the same notice since the check above; the
        # constraint keeps one, and PostgreSQL returns no ids here, so reload what is stored.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(recipient_id__in=people, kind=kind, dedupe_key=dedupe_key)
        )
    else:
        created = Notification.objects.bulk_create(rows)
    _after_notify(created)
    return created


def _grace() -> timedelta:
    return timedelta(seconds=settings.DELIVERY_GRACE_SECONDS)


def _after_notify(notifications: list[Notification]) -> None:
    """Send each email that is due after the commit. Weekly ones wait for the summary; `off`
    ones stay on the site only."""
    for notification in notifications:
        if notification.email_due_at is not None and notification.emailed_at is None:
            tasks.send_notification_email.send_after_commit(notification.pk)


def notification_emails_redeliver(now: datetime) -> int:
    """The sweep's part for notifications: send every email whose due time has passed (never
    sent because the broker was down, or waiting for its next attempt after a failure)."""
    due = list(
        Notification.objects.filter(email_due_at__lte=now)
        .order_by("email_due_at")
        .values_list("pk", flat=True)[:1000]
    )
    sent = []
    for notification_id in due:
        if not tasks.send_notification_email.send(notification_id):
            break
        sent.append(notification_id)
    # Not again before another grace period, should the queue be slow.
    Notification.objects.filter(pk__in=sent, email_due_at__lte=now).update(
        email_due_at=now + _grace()
    )
    return len(sent)


def _email_no_longer_due(notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id).update(email_due_at=None)


def _email_failed(notification_id: int, claimed_at: datetime) -> None:
    """Release the claim so a later attempt can send, and set when that is (or give up)."""
    notification = Notification.objects.filter(pk=notification_id).only("email_attempts").first()
    if notification is None:
        return
    attempts = notification.email_attempts + 1
    if attempts >= EMAIL_MAX_ATTEMPTS:
        logger.error("email of notice %s failed %s times; given up", notification_id, attempts)
        due_at = None
    else:
        due_at = timezone.now() + min(_grace() * 2**attempts, EMAIL_RETRY_WAIT_MAX)
    Notification.objects.filter(pk=notification_id, emailed_at=claimed_at).update(
        emailed_at=None, email_attempts=F("email_attempts") + 1, email_due_at=due_at
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notice, at most once, if its recipient still wants it by email now.

    Runs outside a transaction on purpose: the claim (a conditional UPDATE of `emailed_at`)
    commits before sending, so a redelivered or concurrent task finds it taken. A failed send
    releases its own claim and re-raises, so the retry can send."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    frequency = selectors.notification_frequency(user_id=recipient.pk, kind=notification.kind)
    if not recipient.is_active or not recipient.email or frequency != Frequency.IMMEDIATELY:
        _email_no_longer_due(notification.pk)
        return False
    claimed_at = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification.pk,
        emailed_at__isnull=True,
        digested_at__isnull=True,
        # Already read on the site: the email would tell nothing new.
        read_at__isnull=True,
    ).update(emailed_at=claimed_at)
    if not claimed:
        # Read or summarised meanwhile: no email is due any more. (One claimed by a send in
        # flight keeps its due time; that send clears it or sets the next attempt.)
        Notification.objects.filter(
            Q(read_at__isnull=False) | Q(digested_at__isnull=False),
            pk=notification.pk,
            emailed_at__isnull=True,
        ).update(email_due_at=None)
        return False
    try:
        emails.notification_message(notification).send()
    except BaseException:
        _email_failed(notification.pk, claimed_at)
        raise
    Notification.objects.filter(pk=notification.pk, emailed_at=claimed_at).update(email_due_at=None)
    return True


@dataclass(frozen=True)
class DigestResult:
    sent: int
    failed: int


def notification_digests_send(*, now: datetime | None = None) -> DigestResult:
    """Send every weekly summary that is due: one email per person. A person whose email
    fails keeps their notices pending for the next run; the others are not held up."""
    now = now or timezone.now()
    since = now - DIGEST_LOOKBACK
    sent = failed = 0
    for user_id in selectors.notification_digest_recipient_ids(since=since):
        try:
            if notification_digest_send(user_id=user_id, since=since, now=now):
                sent += 1
        except DELIVERY_ERRORS:
            failed += 1
            logger.exception("weekly summary for person %s not sent; kept for a retry", user_id)
    return DigestResult(sent=sent, failed=failed)


def notification_digest_send(*, user_id: int, since: datetime, now: datetime) -> bool:
    """One person's weekly summary, claimed in one transaction: the notices are locked and
    marked as summarised and the email is sent before the commit. If the send (or the process)
    fails, the marks roll back and the next run sends them; a concurrent run skips the locked
    rows instead of sending them twice."""
    with transaction.atomic():
        pending = list(
            selectors.notification_digest_pending(since=since)
            .filter(recipient_id=user_id)
            .select_related("recipient")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("created_at", "pk")
        )
        if not pending:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(digested_at=now)
        emails.digest_message(recipient=pending[0].recipient, notifications=pending).send()
    return True


def notification_preferences_set(*, user: Any, frequencies: Mapping[str, str]) -> None:
    """Store the person's choice per kind (an upsert, so a double submit changes nothing)."""
    rows = [
        NotificationPreference(
            user=user, kind=NotificationKind(kind), frequency=Frequency(frequency)
        )
        for kind, frequency in frequencies.items()
    ]
    NotificationPreference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["frequency", "updated_at"],
    )


def notification_unsubscribe(*, user: Any, kinds: Iterable[str]) -> None:
    notification_preferences_set(user=user, frequencies=dict.fromkeys(kinds, Frequency.OFF))


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is not None:
        return
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
    notification.read_at = now


def notification_mark_all_read(*, user: Any) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
