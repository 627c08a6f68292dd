"""Nothing is lost when the broker or a worker fails (issue 9, items 1 and 2).

Real parts only: a real redis-server as the broker (stopped and started by the test), real
`celery worker` processes (killed with SIGKILL), the real database, real email through
Django's mail API (the file backend, read back here). The workers run with a 3 s chunk lease
and a 2 s sweep (tests/faults/conftest.py); production uses the same code with 60 s."""

from __future__ import annotations

import time
from email import message_from_bytes

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from apps.challenges.models import Challenge, ChallengeStatus
from apps.hubs.services import coordinator_group_ensure
from apps.matching import tasks as matching_tasks
from apps.matching.models import Match, MatchRun, MatchRunChunk
from apps.matching.services import match_run_full
from apps.notifications import tasks as notification_tasks
from apps.notifications.models import Notification
from tests.faults.conftest import wait_until
from tests.mfa_helpers import login_with_second_factor

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

# Seconds within which a run must finish after a replacement worker starts: the lease (3 s)
# plus one sweep (2 s) until the dead worker's chunk is sent again, plus scoring what is left.
TAKEOVER_BOUND_SECONDS = 60


def suggestions() -> list[tuple]:
    return sorted(
        Match.objects.values_list("challenge_id", "organisation_id", "rank", "score", "status")
    )


def emails_in(directory) -> list:
    messages = []
    for path in sorted(directory.iterdir()):
        # The file backend writes messages one after another, separated by a line of dashes.
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(message_from_bytes(chunk))
    return messages


@pytest.fixture
def national_sample(db):
    """Enough challenges and suppliers that each chunk takes a while to score."""
    from bench import dataset

    return dataset.generate(challenges=6000, suppliers=1500, demanders=800, log=lambda _m: None)


def test_a_worker_killed_mid_run_is_taken_over_and_the_run_completes_exactly(
    national_sample, start_worker
):
    with override_settings(MATCHING_CHUNK_SIZE=500):
        run = match_run_full(trigger="fault test")
    assert run.chunks_total == 12
    first = start_worker("first")
    # Kill it while it holds a chunk, after it finished at least one.
    wait_until(
        lambda: (
            MatchRun.objects.get(pk=run.pk).chunks_done >= 1
            and MatchRunChunk.objects.filter(run=run, status=MatchRunChunk.Status.RUNNING).exists()
        ),
        timeout=120,
        what="the first worker to be mid-run",
        worker=first,
    )
    first.kill()
    held = MatchRunChunk.objects.filter(run=run, status=MatchRunChunk.Status.RUNNING)
    assert held.exists(), "the worker finished its chunk before the kill; nothing to take over"
    held_ids = set(held.values_list("pk", flat=True))
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.RUNNING

    second = start_worker("second")
    took = wait_until(
        lambda: (
            MatchRun.objects.get(pk=run.pk).status in (MatchRun.Status.DONE, MatchRun.Status.FAILED)
        ),
        timeout=TAKEOVER_BOUND_SECONDS,
        what="the run to finish after the restart",
        worker=second,
    )
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE, run.error
    assert run.chunks_done == run.chunks_total == 12
    assert run.challenges_done == run.challenges_total
    # The chunk the dead worker held was taken over by another claim.
    taken_over = MatchRunChunk.objects.filter(pk__in=held_ids)
    assert all(chunk.attempts >= 2 for chunk in taken_over)
    assert all(chunk.status == MatchRunChunk.Status.DONE for chunk in taken_over)
    print(f"run finished {took:.1f}s after the replacement worker started")

    # Exactly the suggestions a clean run writes: the same rows, none twice, none missing.
    after_fault = suggestions()
    assert after_fault
    with override_settings(MATCHING_CHUNK_SIZE=500):
        clean = match_run_full(trigger="reference")
    wait_until(
        lambda: MatchRun.objects.get(pk=clean.pk).status == MatchRun.Status.DONE,
        timeout=120,
        what="the reference run",
        worker=second,
    )
    assert suggestions() == after_fault
    per_challenge = Match.objects.values("challenge_id").distinct().count()
    assert len(after_fault) <= per_challenge * run.top_n


@pytest.fixture
def review_setup(db):
    from tests.accounts.factories import UserFactory
    from tests.hubs.factories import make_coordinator
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    sme = OrganisationFactory(name="Bakkerij Fault", kind_slug="sme", province_code="NL-ZH")
    owner = MembershipFactory(organisation=sme, user__preferred_language="nl").user
    OrganisationFactory(ref="hbo", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    OrganisationFactory(ref="lab", kind_slug="innovation-lab", topics=["nlp"])
    coordinator = make_coordinator(UserFactory(is_staff=True), "zuid-holland")
    coordinator.groups.add(coordinator_group_ensure())
    from tests.challenges.factories import ChallengeFactory

    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, topics=["nlp"])
    return owner, coordinator, challenge


def test_with_the_broker_down_submit_and_publish_answer_normally_and_catch_up(
    broker, start_worker, outbox_dir, client, review_setup
):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.test import Client

    owner, coordinator, challenge = review_setup
    broker.stop()

    with translation.override("nl"):
        client.force_login(owner)
        started = time.monotonic()
        submitted = client.post(reverse("challenges:submit", args=[challenge.pk]))
        coordinator_client = Client()
        login_with_second_factor(coordinator_client, coordinator)
        published = coordinator_client.post(
            reverse("admin:challenges_challenge_changelist"),
            {"action": "publish_selected", ACTION_CHECKBOX_NAME: [challenge.pk]},
        )
        answered_in = time.monotonic() - started
    assert submitted.status_code == 302, submitted.content[:500]
    assert published.status_code == 302, published.content[:500]
    # The broker being down costs each request at most a few short connection attempts.
    assert answered_in < 10
    assert Challenge.objects.get(pk=challenge.pk).status == ChallengeStatus.PUBLISHED

    # The work is recorded, waiting: the run and the emails of both notices.
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.PENDING
    due = Notification.objects.filter(email_due_at__isnull=False)
    due_before = list(due.values_list("pk", flat=True))
    recipients = set(due.values_list("recipient__email", flat=True))
    assert owner.email in recipients  # "your challenge is published"
    assert coordinator.email in recipients  # "a challenge was submitted for review"

    broker.start()
    worker = start_worker("after-outage")
    wait_until(
        lambda: (
            MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.DONE
            and not Notification.objects.filter(email_due_at__isnull=False).exists()
        ),
        timeout=60,
        what="the run and the emails to catch up",
        worker=worker,
    )
    assert set(
        Match.objects.filter(challenge=challenge).values_list("organisation__ref", flat=True)
    ) == {"hbo", "lab"}
    # Every email that was due went out, once; so did the ones the run itself caused (new
    # suggestions for the SME), and none twice.
    sent_to = sorted(message["To"] for message in emails_in(outbox_dir))
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert sent_to == sorted(emailed.values_list("recipient__email", flat=True))
    assert emailed.filter(pk__in=due_before).count() == len(due_before)


def test_the_same_messages_delivered_twice_give_one_result(
    broker, start_worker, outbox_dir, review_setup
):
    from apps.challenges.services import challenge_change_status

    _owner, _coordinator, challenge = review_setup
    challenge_change_status(challenge=challenge, to_status=ChallengeStatus.SUBMITTED)
    challenge_change_status(challenge=challenge, to_status=ChallengeStatus.PUBLISHED)
    run = MatchRun.objects.get()
    chunk = run.chunks.get()
    notices = list(Notification.objects.filter(email_due_at__isnull=False))
    assert notices
    # Everything is already queued once (after the commits); queue it all a second time with
    # the same task ids, as a redelivery would.
    for _ in range(2):
        matching_tasks.process_match_chunk.apply_async(args=[chunk.pk], task_id="chunk-twice")
        for notice in notices:
            notification_tasks.send_notification_email.apply_async(
                args=[notice.pk], task_id=f"email-twice-{notice.pk}"
            )
    worker = start_worker("twice")
    wait_until(
        lambda: (
            broker.queue_length(worker_queue()) == 0
            and MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.DONE
            and not Notification.objects.filter(email_due_at__isnull=False).exists()
        ),
        timeout=60,
        what="the worker to drain the queue",
        worker=worker,
    )
    worker.stop()
    run.refresh_from_db()
    assert run.chunks_done == 1 and run.matches_written == 2
    assert Match.objects.filter(challenge=challenge).count() == 2
    # One email per notice: those queued twice, and the one the run itself caused.
    sent_to = sorted(message["To"] for message in emails_in(outbox_dir))
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert emailed.filter(pk__in=[notice.pk for notice in notices]).count() == len(notices)
    assert sent_to == sorted(emailed.values_list("recipient__email", flat=True))


def worker_queue() -> str:
    from django.conf import settings

    return settings.CELERY_TASK_DEFAULT_QUEUE
