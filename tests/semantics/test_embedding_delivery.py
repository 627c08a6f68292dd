"""Durable intent, then delivery for embeddings (apps/semantics/embeddings.py): what needs
embedding is found in the data, a save sends the work after its commit, the sweep sends it
again, and the task can run twice without a duplicate. Real PostgreSQL, Redis and model."""

import pytest
from django.db import transaction

from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.core.delivery import redeliver_pending_work
from apps.organisations.meaning import SOURCE as ORGANISATIONS
from apps.semantics import embeddings
from apps.semantics.embeddings import embeddings_pending_count, embeddings_refresh
from apps.semantics.models import TextEmbedding
from apps.semantics.tasks import embed_pending
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EMBED_TASK = embed_pending.name


def test_a_saved_text_is_sent_for_embedding_once_per_transaction_after_its_commit(
    queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ChallengeFactory.create_batch(3)
        # Nothing leaves before the commit: a rolled-back save sends nothing.
        assert queue() == 0
    assert queue.tasks().count((EMBED_TASK, [CHALLENGES])) == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_to_what_a_supplier_s_people_offer_sends_the_organisation_again(queue):
    # Committed for real, each save in its own transaction, as in the admin or a form.
    supplier = OrganisationFactory()
    embeddings_refresh(ORGANISATIONS)
    person = UserFactory()
    MembershipFactory(organisation=supplier, user=person)
    embeddings_refresh(ORGANISATIONS)
    queue.clear()

    person.offer = "Ik bouw spraakherkenning voor callcenters."
    person.save()
    assert queue.tasks() == [(EMBED_TASK, [ORGANISATIONS])]
    assert embeddings_pending_count(ORGANISATIONS) == 1


def test_only_a_changed_text_is_pending_and_the_sweep_sends_only_what_is_pending(queue):
    first, second = ChallengeFactory.create_batch(2)
    assert embeddings_pending_count(CHALLENGES) >= 2
    embeddings_refresh(CHALLENGES)
    assert embeddings_pending_count(CHALLENGES) == 0
    assert (EMBED_TASK, [CHALLENGES]) not in _swept(queue)

    second.title = second.title  # saved unchanged: nothing to do
    second.save()
    assert embeddings_pending_count(CHALLENGES) == 0
    first.description = "Een heel andere vraag over het sorteren van post."
    first.save()
    assert embeddings_pending_count(CHALLENGES) == 1
    assert (EMBED_TASK, [CHALLENGES]) in _swept(queue)


def _swept(queue) -> list:
    queue.clear()
    redeliver_pending_work()
    return queue.tasks()


def test_a_new_model_version_makes_every_text_pending_again():
    ChallengeFactory.create_batch(2)
    embeddings_refresh(CHALLENGES)
    TextEmbedding.objects.filter(source=CHALLENGES).update(model_version="an-older-model")
    assert embeddings_pending_count(CHALLENGES) == 2
    assert embeddings_refresh(CHALLENGES) == 2
    assert embeddings_pending_count(CHALLENGES) == 0


def test_the_task_run_twice_keeps_one_vector_per_text_and_bumps_no_revision():
    challenge = ChallengeFactory()
    embed_pending.apply(args=[CHALLENGES]).get()
    stored = TextEmbedding.objects.get(source=CHALLENGES, object_id=challenge.pk)
    # The same work again, as from a message delivered twice, and a refresh racing it.
    embed_pending.apply(args=[CHALLENGES]).get()
    TextEmbedding.objects.filter(pk=stored.pk).update(text_hash="stale")
    embeddings_refresh(CHALLENGES)
    embeddings_refresh(CHALLENGES)
    rows = TextEmbedding.objects.filter(source=CHALLENGES, object_id=challenge.pk)
    assert rows.count() == 1
    assert rows.get().text_hash != "stale"
    assert rows.get().revision > stored.revision


def test_a_full_batch_sends_the_task_again_until_nothing_is_pending(queue, monkeypatch):
    monkeypatch.setattr(embeddings, "EMBED_BATCH", 2)
    ChallengeFactory.create_batch(3)
    TextEmbedding.objects.filter(source=CHALLENGES).delete()
    queue.clear()
    monkeypatch.setattr(
        embeddings, "embeddings_refresh", _with_limit(embeddings.embeddings_refresh, 2)
    )
    assert embed_pending.apply(args=[CHALLENGES]).get() == 2
    assert queue.tasks() == [(EMBED_TASK, [CHALLENGES])]
    queue.clear()
    assert embed_pending.apply(args=[CHALLENGES]).get() == 1
    assert queue() == 0
    assert embeddings_pending_count(CHALLENGES) == 0


def _with_limit(refresh, limit):
    return lambda source: refresh(source, limit=limit)


def test_vectors_of_deleted_rows_are_forgotten_by_the_sweep():
    gone = ChallengeFactory()
    embeddings_refresh(CHALLENGES)
    gone_pk = gone.pk
    gone.delete()
    redeliver_pending_work()
    assert not TextEmbedding.objects.filter(source=CHALLENGES, object_id=gone_pk).exists()
