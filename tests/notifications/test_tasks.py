"""Email delivery on a real Celery worker and the real Redis broker (this run's own queue).
The worker needs committed data, hence transactional tests."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from apps.notifications import tasks
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Frequency, Notification
from apps.notifications.services import notify
from learningcommunities.celery import app
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

KIND = NotificationKind.COMMUNITY_JOIN_DECISION


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def notify_in_a_transaction(person, title: str) -> Notification:
    with transaction.atomic():
        [notification] = notify(
            recipients=[person], kind=KIND, text=lambda p: (title, ""), url="/communities/"
        )
        return notification


@pytest.mark.django_db(transaction=True)
def test_notify_emails_through_a_real_worker_after_the_commit(purged_queue, mailoutbox):
    person = UserFactory(preferred_language="en")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        notification = notify_in_a_transaction(person, "You are in")
        wait_for(lambda: len(mailoutbox) == 1)
    [message] = mailoutbox
    assert message.to == [person.email]
    assert message.subject.startswith("You are in")
    assert "/en/communities/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_email_task_delivered_twice_sends_one_email(purged_queue, mailoutbox):
    person = UserFactory()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        first = notify_in_a_transaction(person, "First")
        wait_for(lambda: len(mailoutbox) == 1)
        # The same message again, twice (a redelivery after a lost ack, a retry).
        tasks.send_notification_email.delay(first.pk)
        tasks.send_notification_email.delay(first.pk)
        # The solo worker takes messages in order: once this later email is out, the
        # duplicates before it have been handled.
        notify_in_a_transaction(person, "Second")
        wait_for(lambda: len(mailoutbox) == 2)
    assert [message.subject.split(" · ")[0] for message in mailoutbox] == ["First", "Second"]


@pytest.mark.django_db(transaction=True)
def test_weekly_and_off_reach_no_worker_but_the_digest_task_sends_the_weekly_one(
    purged_queue, mailoutbox
):
    weekly, off = UserFactory(), UserFactory()
    NotificationPreferenceFactory(user=weekly, kind=KIND, frequency=Frequency.WEEKLY)
    NotificationPreferenceFactory(user=off, kind=KIND, frequency=Frequency.OFF)
    # Only what the notices send counts (new people also send their text for embedding).
    purged_queue.delete(app.conf.task_default_queue)
    notify_in_a_transaction(weekly, "Weekly")
    notify_in_a_transaction(off, "Off")
    assert purged_queue.llen(app.conf.task_default_queue) == 0

    NotificationFactory(recipient=weekly, kind=KIND, title="Also weekly")
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        tasks.send_weekly_digests.delay()
        tasks.send_weekly_digests.delay()
        # A marker email after both runs: when it is out, both digest runs are done.
        marker = UserFactory()
        notify_in_a_transaction(marker, "Marker")
        wait_for(lambda: any(m.to == [marker.email] for m in mailoutbox))
    digests = [m for m in mailoutbox if m.to == [weekly.email]]
    assert len(digests) == 1
    assert "Weekly" in digests[0].body
    assert "Also weekly" in digests[0].body
    assert not [m for m in mailoutbox if m.to == [off.email]]
    assert Notification.objects.filter(recipient=off).exists()
