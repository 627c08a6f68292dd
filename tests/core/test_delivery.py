"""Durable intent, then delivery (apps/core/delivery.py) without worker processes: what is
recorded, what the sweep sends again, and that an unreachable broker never fails a request.
The fault tests in tests/faults do the same with real workers being killed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.challenges.models import ChallengeStatus
from apps.core import delivery
from apps.matching.models import MatchRun, MatchRunChunk
from apps.matching.services import match_chunk_claim, match_chunks_redeliver, match_run_create
from apps.notifications.models import Notification
from apps.notifications.services import notification_email_send, notification_emails_redeliver
from learningcommunities.celery import app
from tests.celery_helpers import broker_connections_reset
from tests.challenges.factories import ChallengeFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_broker():
    """Celery pointed at a port nobody listens on."""
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    broker_connections_reset()
    yield
    app.conf.broker_url = previous
    broker_connections_reset()


def test_submitting_with_the_broker_unreachable_answers_normally_and_keeps_the_work(
    client, member, sme, coordinator, unreachable_broker, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, topics=["nlp"])
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("challenges:submit", args=[challenge.pk]))
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    # The coordinator's notice is there, its email still due for the sweep.
    assert Notification.objects.get(email_due_at__isnull=False).recipient == coordinator


def test_a_failed_publish_backs_off_so_one_request_does_not_wait_for_each_task(
    unreachable_broker,
):
    from apps.core.tasks import redeliver_pending_work

    assert delivery.task_send(redeliver_pending_work) is False
    # Within the back-off the broker is not tried again (that would take time per task).
    assert delivery._broker_down_until > 0
    assert delivery.task_send(redeliver_pending_work) is False


def test_a_sweep_sends_again_a_chunk_that_was_never_picked_up(queue):
    challenge = ChallengeFactory(topics=["nlp"])
    run = match_run_create(kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge.pk])
    chunk = run.chunks.get()
    now = timezone.now()
    # Sent just now: the first delivery may still be on its way.
    assert match_chunks_redeliver(now) == 0
    later = now + timedelta(seconds=settings.DELIVERY_GRACE_SECONDS + 1)
    assert match_chunks_redeliver(later) == 1
    assert queue() == 1
    chunk.refresh_from_db()
    assert chunk.sent_at == later
    # Not again straight away.
    assert match_chunks_redeliver(later + timedelta(seconds=1)) == 0


def test_a_chunk_held_under_an_expired_lease_is_sent_again_and_taken_over(queue):
    challenge = ChallengeFactory(topics=["nlp"])
    run = match_run_create(kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge.pk])
    chunk = run.chunks.get()
    assert match_chunk_claim(chunk_id=chunk.pk, token="dead-worker")
    # While the lease holds, nobody else may claim it.
    assert not match_chunk_claim(chunk_id=chunk.pk, token="other")
    chunk.refresh_from_db()
    after_lease = chunk.lease_expires_at + timedelta(seconds=1)
    MatchRunChunk.objects.filter(pk=chunk.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        sent_at=timezone.now() - timedelta(hours=1),
    )
    assert match_chunks_redeliver(after_lease) == 1
    assert match_chunk_claim(chunk_id=chunk.pk, token="other")
    chunk.refresh_from_db()
    assert (chunk.claimed_by, chunk.attempts) == ("other", 2)


def test_a_chunk_taken_over_too_often_fails_its_run_with_a_reason(queue):
    challenge = ChallengeFactory(topics=["nlp"])
    run = match_run_create(kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge.pk])
    MatchRunChunk.objects.filter(run=run).update(
        status=MatchRunChunk.Status.RUNNING,
        attempts=settings.MATCHING_CHUNK_MAX_ATTEMPTS,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING)
    assert match_chunks_redeliver(timezone.now()) == 0
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "interrupted" in run.error and run.finished_at is not None
    assert not match_chunk_claim(chunk_id=run.chunks.get().pk, token="late")


def test_a_due_email_is_sent_again_by_the_sweep_and_not_twice(queue, mailoutbox):
    notice = NotificationFactory(email_due_at=timezone.now() - timedelta(seconds=1))
    NotificationFactory(email_due_at=timezone.now() + timedelta(minutes=5))  # not yet
    assert notification_emails_redeliver(timezone.now()) == 1
    assert queue() == 1
    assert notification_email_send(notification_id=notice.pk) is True
    assert notification_email_send(notification_id=notice.pk) is False
    notice.refresh_from_db()
    assert notice.email_due_at is None and notice.emailed_at is not None
    assert len(mailoutbox) == 1


def test_a_failed_email_is_due_again_later_and_given_up_after_the_last_attempt(settings):
    from apps.notifications import services

    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingOnceBackend"
    from tests.notifications.backends import FailingOnceBackend

    notice = NotificationFactory(email_due_at=timezone.now())
    FailingOnceBackend.failures = 1
    with pytest.raises(OSError):
        notification_email_send(notification_id=notice.pk)
    notice.refresh_from_db()
    assert notice.emailed_at is None and notice.email_attempts == 1
    assert notice.email_due_at > timezone.now() + timedelta(seconds=settings.DELIVERY_GRACE_SECONDS)

    Notification.objects.filter(pk=notice.pk).update(email_attempts=services.EMAIL_MAX_ATTEMPTS - 1)
    FailingOnceBackend.failures = 1
    with pytest.raises(OSError):
        notification_email_send(notification_id=notice.pk)
    notice.refresh_from_db()
    assert notice.email_due_at is None  # given up; the notice stays on the site


def test_the_sweep_runs_every_registered_part_and_survives_one_failing(monkeypatch):
    def broken(now):
        raise RuntimeError("boom")

    monkeypatch.setitem(delivery._redeliverers, "zz.broken", broken)
    result = delivery.redeliver_pending_work()
    assert result["zz.broken"] == -1
    assert {"matching.chunks", "notifications.emails"} <= set(result)


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["delivery-sweep"]
    assert entry["task"] == "apps.core.tasks.redeliver_pending_work"
    assert entry["schedule"].total_seconds() == settings.DELIVERY_SWEEP_SECONDS


def _project_tasks() -> dict:
    import importlib

    for module in (
        "apps.api.tasks",
        "apps.core.tasks",
        "apps.challenges.tasks",
        "apps.matching.tasks",
        "apps.notifications.tasks",
        "apps.semantics.tasks",
    ):
        importlib.import_module(module)
    return {name: task for name, task in app.tasks.items() if name.startswith("apps.")}


def test_every_task_of_ours_derives_from_the_one_base_with_late_acks_and_retries():
    tasks = _project_tasks()
    assert len(tasks) >= 8, sorted(tasks)
    for name, task in tasks.items():
        assert isinstance(task, delivery.DeliveredTask), name
        assert task.acks_late is True, name
        # The retry wrapper is in place, for at least the transient database errors.
        assert hasattr(task, "_orig_run"), name
        assert set(delivery.TRANSIENT_ERRORS) <= set(task.autoretry_for), name
    # A task's own options override the base's defaults.
    email = tasks["apps.notifications.tasks.send_notification_email"]
    assert OSError in email.autoretry_for and email.max_retries == 3
    assert tasks["apps.challenges.tasks.remind_stale_challenges"].retry_backoff == 60


def test_a_transient_database_error_is_retried_until_the_task_succeeds(monkeypatch):
    from django.db import OperationalError

    from apps.challenges import stale
    from apps.challenges.tasks import remind_stale_challenges

    calls = []

    def flaky() -> int:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("the database went away for a moment")
        return 7

    monkeypatch.setattr(stale, "challenges_stale_remind_all", flaky)
    result = remind_stale_challenges.apply()
    assert result.successful() and result.result == 7
    assert len(calls) == 3


def test_a_task_sends_itself_and_reports_an_unreachable_broker(unreachable_broker):
    from apps.core.tasks import redeliver_pending_work

    assert redeliver_pending_work.send() is False
