"""Tasks on a real Celery worker and the real Redis broker. The worker needs committed data,
hence transactional tests (their flush re-seeds the reference data: apps/taxonomy/apps.py)."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from apps.challenges.models import ChallengeStatus
from apps.challenges.services import challenge_publish
from apps.matching import tasks
from apps.matching.models import Match, MatchRun
from learningcommunities.celery import app
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def purged_queue():
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    yield


@pytest.mark.django_db(transaction=True)
def test_publishing_is_matched_by_a_real_worker(purged_queue):
    OrganisationFactory(ref="hbo", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    OrganisationFactory(ref="lab", kind_slug="innovation-lab", topics=["nlp"])
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED, topics=["nlp"])
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        challenge_publish(challenge=challenge)
        wait_for(lambda: MatchRun.objects.filter(status=MatchRun.Status.DONE).exists())
    assert set(
        Match.objects.filter(challenge=challenge).values_list("organisation__ref", flat=True)
    ) == {"hbo", "lab"}


@pytest.mark.django_db(transaction=True)
def test_a_task_delivered_twice_produces_the_same_rows(purged_queue):
    OrganisationFactory(ref="hbo", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    ChallengeFactory(topics=["nlp"])
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        tasks.rematch_all.delay()
        wait_for(lambda: MatchRun.objects.filter(status=MatchRun.Status.DONE).exists())
        first = sorted(Match.objects.values_list("challenge_id", "organisation_id", "rank"))
        chunk_id = MatchRun.objects.get().chunks.get().pk
        # The same message again (e.g. redelivered after a lost ack): nothing changes.
        tasks.process_match_chunk.delay(chunk_id)
        time.sleep(1)
    assert sorted(Match.objects.values_list("challenge_id", "organisation_id", "rank")) == first
    run = MatchRun.objects.get()
    assert run.chunks_done == run.chunks_total == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_reaches_the_broker_when_the_transaction_rolls_back(queue):
    from django.db import transaction

    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED, topics=["nlp"])
    queue.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        challenge_publish(challenge=challenge)
        raise RuntimeError("rolled back")
    assert queue() == 0
    assert not MatchRun.objects.exists()
    challenge_publish(challenge=challenge)
    assert [name for name, _args, _kwargs in queue.tasks()].count(
        tasks.process_match_chunk.name
    ) == 1
