"""Durable intent, then delivery for embeddings (apps/semantics/embeddings.py): what needs
embedding is found in the data, a save sends the work after its commit, the sweep sends it
again in parts that run in parallel under leases, and the task can run twice without a
duplicate. Real PostgreSQL, Redis and model."""

import pytest
from django.core.cache import cache
from django.db import transaction

from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.core.delivery import redeliver_pending_work
from apps.organisations.meaning import SOURCE as ORGANISATIONS
from apps.semantics import embeddings
from apps.semantics.embeddings import (
    EMBED_SHARDS,
    embeddings_pending_count,
    embeddings_refresh,
    embeddings_shard_work,
)
from apps.semantics.models import TextEmbedding
from apps.semantics.tasks import embed_pending
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EMBED_TASK = embed_pending.name
EVERY_PART = [{"shard": shard, "ids": None} for shard in range(EMBED_SHARDS)]


def sent(queue, source: str) -> list[dict]:
    return [
        kwargs for name, args, kwargs in queue.tasks() if (name, args) == (EMBED_TASK, [source])
    ]


@pytest.fixture(autouse=True)
def _no_leases():
    for source in (CHALLENGES, ORGANISATIONS):
        for shard in range(EMBED_SHARDS):
            cache.delete_many(
                [embeddings._lease_key(source, shard), embeddings._sent_key(source, shard)]
            )


def test_saved_texts_are_sent_for_embedding_by_id_once_per_transaction_after_the_commit(
    queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        made = ChallengeFactory.create_batch(3)
        # Nothing leaves before the commit: a rolled-back save sends nothing.
        assert queue() == 0
    assert sent(queue, CHALLENGES) == [{"shard": None, "ids": sorted(c.pk for c in made)}]

    embed_pending.apply(args=[CHALLENGES], kwargs=sent(queue, CHALLENGES)[0]).get()
    assert embeddings_pending_count(CHALLENGES) == 0


@pytest.mark.django_db(transaction=True)
def test_a_change_to_what_a_supplier_s_people_offer_sends_the_organisations_again(queue):
    # Committed for real, each save in its own transaction, as in the admin or a form.
    supplier = OrganisationFactory()
    person = UserFactory()
    MembershipFactory(organisation=supplier, user=person)
    embeddings_refresh(ORGANISATIONS)
    _forget_sent()  # what the setup sent was taken: a task that starts clears its part's mark
    queue.clear()

    person.offer = "Ik bouw spraakherkenning voor callcenters."
    person.save()
    # A person's row is not an organisation's: every part of the source is sent.
    assert sent(queue, ORGANISATIONS) == EVERY_PART
    assert embeddings_pending_count(ORGANISATIONS) == 1


def test_only_a_changed_text_is_pending_and_the_sweep_sends_only_what_is_pending(queue):
    first, second = ChallengeFactory.create_batch(2)
    embeddings_refresh(CHALLENGES)
    assert embeddings_pending_count(CHALLENGES) == 0
    assert sent(swept(queue), CHALLENGES) == []

    second.save()  # saved unchanged: nothing to do
    assert embeddings_pending_count(CHALLENGES) == 0
    first.description = "Een heel andere vraag over het sorteren van post."
    first.save()
    assert embeddings_pending_count(CHALLENGES) == 1
    assert sent(swept(queue), CHALLENGES) == EVERY_PART


def _forget_sent():
    for source in (CHALLENGES, ORGANISATIONS):
        cache.delete_many([embeddings._sent_key(source, s) for s in range(EMBED_SHARDS)])


def swept(queue, *, forget_sent: bool = True):
    """The queue after one sweep; by default as if earlier sends were long ago."""
    queue.clear()
    if forget_sent:
        _forget_sent()
    redeliver_pending_work()
    return queue


def test_a_part_held_by_a_task_is_not_sent_again_and_a_second_task_leaves_it_alone(queue):
    ChallengeFactory.create_batch(2)
    TextEmbedding.objects.filter(source=CHALLENGES).delete()
    cache.add(embeddings._lease_key(CHALLENGES, 1), "a running task", 60)

    assert {kwargs["shard"] for kwargs in sent(swept(queue), CHALLENGES)} == {0, 2, 3}
    # The next sweep, while those still wait in the queue, adds no copies of them.
    assert sent(swept(queue, forget_sent=False), CHALLENGES) == []
    assert embeddings_shard_work(CHALLENGES, 1, token="another") == -1
    # Once the lease is gone (done, or run out after a killed worker), the sweep sends it.
    cache.delete(embeddings._lease_key(CHALLENGES, 1))
    assert {kwargs["shard"] for kwargs in sent(swept(queue), CHALLENGES)} == {0, 1, 2, 3}


def test_the_parts_together_embed_everything_each_text_once(queue):
    made = ChallengeFactory.create_batch(9)
    TextEmbedding.objects.filter(source=CHALLENGES).delete()
    done = [embeddings_shard_work(CHALLENGES, shard, token="t") for shard in range(EMBED_SHARDS)]
    assert sum(done) == len(made)
    assert all(count == sum(c.pk % EMBED_SHARDS == s for c in made) for s, count in enumerate(done))
    assert embeddings_pending_count(CHALLENGES) == 0
    assert queue() == 0  # nothing left, so no part sent itself again


def test_a_part_out_of_time_releases_its_lease_and_sends_itself_again(queue, monkeypatch):
    monkeypatch.setattr(embeddings, "EMBED_BATCH", 1)
    monkeypatch.setattr(embeddings, "EMBED_TASK_SECONDS", 0)
    made = ChallengeFactory.create_batch(8)
    TextEmbedding.objects.filter(source=CHALLENGES).delete()
    queue.clear()
    shard = made[0].pk % EMBED_SHARDS

    # One batch, then time is up: the rest of the part is left to the next message.
    assert embeddings_shard_work(CHALLENGES, shard, token="t") == 1
    assert sent(queue, CHALLENGES) == [{"shard": shard, "ids": None}]
    assert cache.get(embeddings._lease_key(CHALLENGES, shard)) is None


def test_a_new_model_version_makes_every_text_pending_again():
    ChallengeFactory.create_batch(2)
    embeddings_refresh(CHALLENGES)
    TextEmbedding.objects.filter(source=CHALLENGES).update(model_version="an-older-model")
    assert embeddings_pending_count(CHALLENGES) == 2
    assert embeddings_refresh(CHALLENGES) == 2
    assert embeddings_pending_count(CHALLENGES) == 0


def test_the_task_run_twice_keeps_one_vector_per_text():
    challenge = ChallengeFactory()
    embed_pending.apply(args=[CHALLENGES], kwargs={"ids": [challenge.pk]}).get()
    stored = TextEmbedding.objects.get(source=CHALLENGES, object_id=challenge.pk)
    # The same work again, as from a message delivered twice, and a refresh racing it.
    embed_pending.apply(args=[CHALLENGES], kwargs={"ids": [challenge.pk]}).get()
    TextEmbedding.objects.filter(pk=stored.pk).update(text_hash="stale")
    embeddings_refresh(CHALLENGES)
    embeddings_refresh(CHALLENGES)
    rows = TextEmbedding.objects.filter(source=CHALLENGES, object_id=challenge.pk)
    assert rows.count() == 1
    assert rows.get().text_hash != "stale"
    assert rows.get().revision > stored.revision


def test_vectors_of_deleted_rows_are_forgotten_by_the_sweep():
    gone = ChallengeFactory()
    embeddings_refresh(CHALLENGES)
    gone_pk = gone.pk
    gone.delete()
    redeliver_pending_work()
    assert not TextEmbedding.objects.filter(source=CHALLENGES, object_id=gone_pk).exists()


def test_the_embeddings_command_shows_progress_and_embeds_here():
    from io import StringIO

    from django.core.management import call_command

    ChallengeFactory.create_batch(2)
    TextEmbedding.objects.filter(source=CHALLENGES).delete()
    out = StringIO()
    call_command("embeddings", stdout=out)
    assert f"{CHALLENGES}: 0 of 2 embedded, 2 pending" in out.getvalue()
    out = StringIO()
    call_command("embeddings", "--here", stdout=out)
    assert f"{CHALLENGES}: 2 of 2 embedded, 0 pending" in out.getvalue()


def test_with_embeddings_off_nothing_is_sent_or_swept(queue, settings):
    settings.EMBEDDINGS_ENABLED = False
    ChallengeFactory()
    assert sent(swept(queue), CHALLENGES) == []
