"""The Django shell around the engine: loading, runs and chunks, bulk writes, and the
rules of PRODUCT.md section 5 as seen through the database."""

import threading

import pytest
from django.db import transaction

from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.services import challenge_publish
from apps.matching import selectors, services
from apps.matching.models import Match, MatchRun, MatchRunChunk, MatchStatus
from apps.portal import for_you
from apps.taxonomy.models import AITopic
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.matching.factories import MatchFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suppliers():
    return {
        "hbo_zh": OrganisationFactory(
            ref="hbo-zh", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"], capacity=2
        ),
        "lab_ut": OrganisationFactory(
            ref="lab-ut", kind_slug="innovation-lab", province_code="NL-UT", topics=["nlp"]
        ),
        "wo_gr": OrganisationFactory(
            ref="wo-gr", kind_slug="wo", province_code="NL-GR", topics=["speech"]
        ),
        "vision_zh": OrganisationFactory(
            ref="vision-zh", kind_slug="hbo", province_code="NL-ZH", topics=["visual-inspection"]
        ),
    }


def run_everything(run: MatchRun) -> MatchRun:
    return services.match_run_process_here(run=run, token="test")


def suggestions_for(challenge) -> dict[str, Match]:
    return {
        m.organisation.ref: m
        for m in Match.objects.filter(challenge=challenge).select_related("organisation")
    }


def publish(challenge, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        challenge_publish(challenge=challenge)
    return callbacks


def test_publishing_creates_a_run_and_enqueues_its_chunk_after_commit(
    suppliers, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED, topics=["nlp"])
    callbacks = publish(challenge, django_capture_on_commit_callbacks)
    run = MatchRun.objects.get()
    assert run.kind == MatchRun.Kind.CHALLENGE and run.chunks_total == 1
    assert len(callbacks) == 1  # the chunk task, only once the transaction commits


def test_run_writes_ranked_explained_suggestions_with_topic_fit_required(suppliers):
    challenge = ChallengeFactory(topics=["nlp"], province_code="NL-ZH")
    run = run_everything(services.match_run_full())
    assert run.status == MatchRun.Status.DONE
    found = suggestions_for(challenge)
    assert set(found) == {"hbo-zh", "lab-ut", "wo-gr"}  # vision-zh shares no topic group
    assert found["hbo-zh"].rank == 1
    assert found["hbo-zh"].score > found["lab-ut"].score
    assert all(0 <= m.score <= 1 for m in found.values())
    reasons = {r["code"]: r["params"] for r in found["hbo-zh"].reasons}
    assert reasons["shared_topics"]["topics"] == ["nlp"]
    assert reasons["region"]["relation"] == "same_province"
    assert {r["code"]: r["params"] for r in found["wo-gr"].reasons}["shared_topics"] == {
        "topics": [],
        "related": ["nlp"],
    }
    assert found["hbo-zh"].algorithm_version == run.algorithm_version


def test_recomputing_twice_yields_the_same_rows(suppliers):
    challenges = [ChallengeFactory(topics=["nlp"]) for _ in range(4)]  # two chunks of 3
    run_everything(services.match_run_full())
    first = sorted(Match.objects.values_list("challenge_id", "organisation_id", "rank", "score"))
    run = run_everything(services.match_run_full())
    assert run.chunks_total == 2 and run.status == MatchRun.Status.DONE
    again = sorted(Match.objects.values_list("challenge_id", "organisation_id", "rank", "score"))
    assert again == first
    assert Match.objects.filter(challenge__in=challenges).count() == len(first) == 12


def test_a_done_chunk_is_not_processed_again_and_progress_is_not_double_counted(suppliers):
    ChallengeFactory(topics=["nlp"])
    run = run_everything(services.match_run_full())
    chunk = run.chunks.get()
    assert not services.match_chunk_process(chunk_id=chunk.pk, token="test")
    run.refresh_from_db()
    assert run.chunks_done == run.chunks_total == 1


def test_a_chunk_held_by_a_live_worker_is_not_taken_but_its_own_retry_may(suppliers):
    ChallengeFactory(topics=["nlp"])
    run = services.match_run_full(enqueue=False)
    chunk = run.chunks.get()
    assert services.match_chunk_claim(chunk_id=chunk.pk, token="task-a")
    assert not services.match_chunk_process(chunk_id=chunk.pk, token="task-b")
    assert services.match_chunk_process(chunk_id=chunk.pk, token="task-a")
    assert MatchRunChunk.objects.get(pk=chunk.pk).attempts == 2


def test_a_chunk_that_dies_while_writing_leaves_nothing_half_done_and_its_retry_completes(
    suppliers, monkeypatch
):
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    before = {(m.organisation_id, m.rank) for m in Match.objects.all()}
    # The supplier in Utrecht closes; the rerun would remove its suggestion.
    suppliers["lab_ut"].is_active = False
    suppliers["lab_ut"].save()
    run = services.match_run_full(enqueue=False)
    chunk = run.chunks.get()
    real_write = services.runs.suggestions_write

    def write_then_die(**kwargs):
        real_write(**kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services.runs, "suggestions_write", write_then_die)
    with pytest.raises(RuntimeError):
        services.match_chunk_process(chunk_id=chunk.pk, token="task-a")
    assert {(m.organisation_id, m.rank) for m in Match.objects.all()} == before
    assert MatchRunChunk.objects.get(pk=chunk.pk).status == MatchRunChunk.Status.RUNNING

    monkeypatch.setattr(services.runs, "suggestions_write", real_write)
    assert services.match_chunk_process(chunk_id=chunk.pk, token="task-a")
    assert set(suggestions_for(challenge)) == {"hbo-zh", "wo-gr"}
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE


def test_human_decisions_survive_a_recompute(suppliers):
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    found = suggestions_for(challenge)
    services.match_set_status(match=found["wo-gr"], status=MatchStatus.SHORTLISTED)
    services.match_set_status(match=found["lab-ut"], status=MatchStatus.DECLINED)
    declined_score = found["lab-ut"].score
    # Even when the supplier no longer fits at all, the decided match stays as it was.
    suppliers["lab_ut"].topics.clear()
    run_everything(services.match_run_full())
    after = suggestions_for(challenge)
    assert after["wo-gr"].status == MatchStatus.SHORTLISTED
    assert after["lab-ut"].status == MatchStatus.DECLINED
    assert after["lab-ut"].score == declined_score


def test_suggestions_that_fall_out_of_the_top_n_are_removed(suppliers, settings):
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    assert len(suggestions_for(challenge)) == 3
    settings.MATCHING_TOP_N = 2
    run_everything(services.match_run_full())
    remaining = suggestions_for(challenge)
    assert len(remaining) == 2
    # The mix rule keeps an education partner and the nearby lab in a top two.
    assert "lab-ut" in remaining


def test_no_capacity_left_means_not_suggested(suppliers):
    busy = ChallengeFactory(topics=["nlp"], ref="busy")
    MatchFactory(challenge=busy, organisation=suppliers["hbo_zh"], status=MatchStatus.ACCEPTED)
    busy_too = ChallengeFactory(topics=["nlp"], ref="busy-too")
    MatchFactory(challenge=busy_too, organisation=suppliers["hbo_zh"], status=MatchStatus.ACCEPTED)
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    assert "hbo-zh" not in suggestions_for(challenge)


def test_capacity_is_freed_when_the_community_is_completed(suppliers):
    for ref in ("a", "b"):
        done = ChallengeFactory(topics=["nlp"], ref=ref, status=ChallengeStatus.IN_COMMUNITY)
        LearningCommunityFactory(status="completed").challenges.add(done)
        MatchFactory(challenge=done, organisation=suppliers["hbo_zh"], status=MatchStatus.ACCEPTED)
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    assert "hbo-zh" in suggestions_for(challenge)


def test_balanced_hub_run_respects_capacity_of_the_top_suggestion(suppliers):
    suppliers["hbo_zh"].capacity = 1
    suppliers["hbo_zh"].save()
    challenges = [ChallengeFactory(topics=["nlp"], province_code="NL-ZH") for _ in range(3)]
    from apps.hubs.models import Hub

    run = run_everything(
        services.match_run_full(hub=Hub.objects.get(slug="zuid-holland"), balanced=True)
    )
    assert run.status == MatchRun.Status.DONE and run.chunks_total == 1
    tops = Match.objects.filter(challenge__in=challenges, rank=1)
    assert tops.count() == 3
    assert tops.filter(organisation=suppliers["hbo_zh"]).count() == 1


def test_supplier_change_reruns_only_the_challenges_it_can_affect(suppliers):
    nlp = ChallengeFactory(topics=["nlp"])
    vision = ChallengeFactory(topics=["object-detection"])
    affected = selectors.challenges_affected_by_supplier(organisation_id=suppliers["hbo_zh"].pk)
    assert affected == [nlp.pk]
    assert vision.pk not in affected


def test_importing_suppliers_schedules_their_rematch_after_commit(
    django_capture_on_commit_callbacks, tmp_path
):
    from apps.organisations.exchange import organisations_import

    path = tmp_path / "organisations.csv"
    path.write_text(
        "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,"
        "parent_ref\nlab-1,Lab Een,innovation-lab,NL-ZH,nlp,,,2,false,,\n"
        "sme-1,Bakkerij,sme,NL-ZH,nlp,,,0,false,,\n",
        encoding="utf-8",
    )
    ChallengeFactory(topics=["nlp"], province_code="NL-ZH")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        organisations_import(file=str(path))
    # Recorded with the import (durable), for the supplier only; the SME is demand.
    [run] = MatchRun.objects.all()
    assert run.kind == MatchRun.Kind.SUPPLIER and run.chunks_total == 1
    assert len(callbacks) == 1  # its chunk, handed to Celery after the commit


def test_nothing_is_written_or_enqueued_when_the_publishing_transaction_rolls_back(
    suppliers, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED, topics=["nlp"])
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        challenge_publish(challenge=challenge)
        raise RuntimeError("something later failed")
    assert callbacks == []
    assert not MatchRun.objects.exists()


def test_lecturer_gets_published_challenges_that_fit_expertise_and_province(suppliers):
    from apps.taxonomy.models import AITopic, Province
    from tests.accounts.factories import UserFactory

    near = ChallengeFactory(topics=["nlp"], province_code="NL-ZH")
    far = ChallengeFactory(topics=["nlp"], province_code="NL-GR")
    ChallengeFactory(topics=["object-detection"], province_code="NL-ZH")
    ChallengeFactory(topics=["nlp"], status=ChallengeStatus.DRAFT)
    lecturer = UserFactory(province=Province.objects.get(code="NL-ZH"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    ranked = for_you.match_recommendations_for_person(person=lecturer)
    assert [(r.kind, r.object_id) for r in ranked] == [
        ("challenge", near.pk),
        ("challenge", far.pk),
    ]
    assert ranked[0].score > ranked[1].score


def test_for_you_skips_what_the_person_may_not_see_and_still_fills_its_list(suppliers):
    """The best-scoring challenges are hub-only in another region: ranking the shared index
    first and checking visibility after must widen its window until enough visible ones
    are found, and equal the ranking of the visible ones alone."""
    from apps.challenges.models import Visibility
    from apps.taxonomy.models import AITopic, Province
    from tests.accounts.factories import UserFactory

    lecturer = UserFactory(province=Province.objects.get(code="NL-GR"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    hidden = [
        ChallengeFactory(topics=["nlp"], province_code="NL-GR", visibility=Visibility.HUB)
        for _ in range(12)
    ]
    visible = [ChallengeFactory(topics=["nlp"], province_code="NL-ZH") for _ in range(3)]
    visible.append(ChallengeFactory(topics=["nlp", "object-detection"], province_code="NL-LI"))

    ranked = for_you.match_recommendations_for_person(person=lecturer, top_n=2)

    assert {r.object_id for r in ranked}.isdisjoint(c.pk for c in hidden)
    assert [r.object_id for r in ranked] == [visible[0].pk, visible[1].pk]
    assert len(for_you.match_recommendations_for_person(person=lecturer, top_n=20)) == 4


def test_for_you_is_ranked_once_until_the_data_or_the_person_changes(suppliers, monkeypatch):
    from apps.taxonomy.models import AITopic, Province
    from tests.accounts.factories import UserFactory

    ChallengeFactory(topics=["nlp"], province_code="NL-ZH")
    lecturer = UserFactory(province=Province.objects.get(code="NL-ZH"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    rankings = []
    rank = for_you._recommendations_for_person
    monkeypatch.setattr(
        for_you,
        "_recommendations_for_person",
        lambda *args: rankings.append(1) or rank(*args),
    )

    first = for_you.match_recommendations_for_person(person=lecturer)
    assert for_you.match_recommendations_for_person(person=lecturer) == first
    assert len(rankings) == 1  # the second page view reads the first one's ranking

    # What the person says about themselves is part of the key...
    lecturer.expertise_topics.add(AITopic.objects.get(slug="object-detection"))
    assert for_you.match_recommendations_for_person(person=lecturer) == first
    assert len(rankings) == 2
    # ...and a change to the platform's data is in the data version.
    detection = ChallengeFactory(topics=["object-detection"], province_code="NL-ZH")
    ranked = for_you.match_recommendations_for_person(person=lecturer)
    assert len(rankings) == 3
    assert detection.pk in {r.object_id for r in ranked}


def test_for_you_sees_a_challenge_published_a_moment_ago(suppliers):
    from apps.taxonomy.models import AITopic, Province
    from tests.accounts.factories import UserFactory

    lecturer = UserFactory(province=Province.objects.get(code="NL-ZH"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    assert for_you.match_recommendations_for_person(person=lecturer) == []
    challenge = ChallengeFactory(topics=["nlp"], province_code="NL-ZH")
    assert [r.object_id for r in for_you.match_recommendations_for_person(person=lecturer)] == [
        challenge.pk
    ]
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.CLOSED)
    assert for_you.match_recommendations_for_person(person=lecturer) == []


def test_a_worker_reuses_its_supplier_context_until_a_supplier_or_capacity_changes(suppliers):
    first = services.matching_context_current()
    assert services.matching_context_current() is first
    suppliers["wo_gr"].topics.add(*AITopic.objects.filter(slug="nlp"))
    second = services.matching_context_current()
    assert second is not first
    challenge = ChallengeFactory(topics=["nlp"])
    MatchFactory(challenge=challenge, organisation=suppliers["hbo_zh"], status=MatchStatus.ACCEPTED)
    assert services.matching_context_current() is not second


def test_accepting_a_match_reschedules_the_suppliers_other_suggestions(
    suppliers, django_capture_on_commit_callbacks
):
    match = MatchFactory(organisation=suppliers["hbo_zh"])
    runs_before = MatchRun.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.match_set_status(match=match, status=MatchStatus.SHORTLISTED)
    assert callbacks == []
    assert MatchRun.objects.count() == runs_before
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.match_set_status(match=match, status=MatchStatus.ACCEPTED)
    run = MatchRun.objects.latest("pk")
    assert run.kind == MatchRun.Kind.SUPPLIER and run.trigger == "accepted"
    assert len(callbacks) == run.chunks_total
    assert match.status == MatchStatus.ACCEPTED and match.status_changed_at is not None


def _written_in_threads(monkeypatch, *, fail_on_call: int | None = None) -> list[str]:
    """Spy on `_write_suggestions` (it still writes): the names of the threads that wrote;
    with `fail_on_call`, that call raises instead of writing."""
    import threading

    names: list[str] = []
    original = services.runs.suggestions_write

    def spy(**kwargs):
        names.append(threading.current_thread().name)
        if fail_on_call == len(names):
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(services.runs, "suggestions_write", spy)
    return names


def _suggested_rows() -> set[tuple]:
    import json

    return {
        (*row[:4], json.dumps(row[4], sort_keys=True))
        for row in Match.objects.filter(status=MatchStatus.SUGGESTED).values_list(
            "challenge_id", "organisation_id", "rank", "score", "reasons"
        )
    }


@pytest.mark.django_db(transaction=True)
def test_a_run_in_one_process_writes_each_chunk_from_a_thread_while_the_next_is_scored(
    suppliers, settings, monkeypatch
):
    """Outside a transaction (the rematch command, the benchmark) chunk i is written by a
    thread of its own while chunk i+1 is scored; the suggestions are exactly those of the
    chunk-by-chunk path."""
    settings.MATCHING_CHUNK_SIZE = 2
    challenges = {
        ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"], province_code="NL-ZH").pk
        for _ in range(5)
    }
    writers = _written_in_threads(monkeypatch)

    run = run_everything(services.match_run_full(enqueue=False))
    pipelined = _suggested_rows()
    Match.objects.all().delete()
    with transaction.atomic():
        one_by_one = run_everything(services.match_run_full(enqueue=False))

    assert run.status == MatchRun.Status.DONE and run.chunks_done == run.chunks_total == 3
    assert one_by_one.status == MatchRun.Status.DONE
    assert _suggested_rows() == pipelined
    assert {row[0] for row in pipelined} == challenges
    assert [name.startswith("match-writer") for name in writers] == [True] * 3 + [False] * 3


@pytest.mark.django_db(transaction=True)
def test_a_run_of_one_chunk_is_written_here_without_a_writer_thread(
    suppliers, settings, monkeypatch
):
    """One chunk (a single challenge) has nothing to overlap: a writer thread would only add
    a thread and a connection of its own to the run."""
    challenge = ChallengeFactory(
        status=ChallengeStatus.PUBLISHED, topics=["nlp"], province_code="NL-ZH"
    )
    writers = _written_in_threads(monkeypatch)

    run = run_everything(
        services.match_run_create(
            kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge.pk], enqueue=False
        )
    )

    assert run.status == MatchRun.Status.DONE and run.chunks_total == 1
    assert writers == [threading.current_thread().name]
    assert {row[0] for row in _suggested_rows()} == {challenge.pk}


@pytest.mark.django_db(transaction=True)
def test_a_write_that_fails_in_the_writer_thread_stops_the_run_and_renews_no_lease(
    suppliers, settings, monkeypatch
):
    import threading

    settings.MATCHING_CHUNK_SIZE = 2
    for _ in range(5):
        ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"], province_code="NL-ZH")
    _written_in_threads(monkeypatch, fail_on_call=1)
    run = services.match_run_full(enqueue=False)

    with pytest.raises(RuntimeError, match="disk full"):
        run_everything(run)

    leases = [t for t in threading.enumerate() if t.name.startswith("lease-chunk-")]
    assert leases == []
    statuses = list(run.chunks.order_by("position").values_list("status", flat=True))
    # The first chunk's write failed and the second was scored meanwhile: both stay running
    # until their leases end and the sweep hands them on; the third was never claimed.
    assert statuses == [MatchRunChunk.Status.RUNNING] * 2 + [MatchRunChunk.Status.PENDING]
    assert not Match.objects.filter(status=MatchStatus.SUGGESTED).exists()


def test_scoring_chosen_pairs_gives_what_a_run_writes_even_for_a_full_supplier(suppliers):
    challenge = ChallengeFactory(topics=["nlp"])
    run_everything(services.match_run_full())
    written = suggestions_for(challenge)
    pairs = [(challenge.pk, suppliers[key].pk) for key in ("hbo_zh", "lab_ut", "vision_zh")]

    scored = services.match_score_pairs(pairs=pairs)

    # The same score and reasons the run wrote; vision_zh shares no topic group and is left
    # out.
    assert set(scored) == {pairs[0], pairs[1]}
    for (_challenge_id, organisation_id), (score, reasons) in scored.items():
        match = next(m for m in written.values() if m.organisation_id == organisation_id)
        assert score == pytest.approx(match.score, abs=1e-4)
        assert reasons == match.reasons
    # A supplier without capacity is never suggested, but a chosen pair is still scored.
    suppliers["lab_ut"].capacity = 0
    suppliers["lab_ut"].save()
    assert pairs[1] in services.match_score_pairs(pairs=pairs)


def test_suggesting_chosen_pairs_writes_the_matchers_rows_once_and_keeps_decisions(suppliers):
    challenge = ChallengeFactory(topics=["nlp"])
    pairs = [(challenge.pk, suppliers[key].pk) for key in ("hbo_zh", "lab_ut")]
    scored = services.match_score_pairs(pairs=pairs)

    rows = services.match_suggest_pairs(pairs=pairs)

    assert set(rows) == set(pairs)
    for pair, match in rows.items():
        match.refresh_from_db()
        assert match.status == MatchStatus.SUGGESTED
        assert match.score == pytest.approx(scored[pair][0], abs=1e-4)
        assert match.reasons == scored[pair][1]
    # Decided, then asked again: the decision and the stored score stay, nothing is written.
    first = rows[pairs[0]]
    services.match_set_status(match=first, status=MatchStatus.ACCEPTED)
    computed_at = Match.objects.get(pk=first.pk).computed_at
    again = services.match_suggest_pairs(pairs=pairs)
    assert {pair: match.pk for pair, match in again.items()} == {
        pair: match.pk for pair, match in rows.items()
    }
    stored = Match.objects.get(pk=first.pk)
    assert (stored.status, stored.computed_at) == (MatchStatus.ACCEPTED, computed_at)
    assert Match.objects.filter(challenge=challenge).count() == 2


def test_suggesting_a_pair_without_topic_fit_is_refused(suppliers):
    challenge = ChallengeFactory(topics=["nlp"])

    with pytest.raises(ValueError, match="No topic fit"):
        services.match_suggest_pairs(pairs=[(challenge.pk, suppliers["vision_zh"].pk)])

    assert not Match.objects.filter(challenge=challenge).exists()


def test_for_you_leaves_out_the_communities_a_person_joined_asked_for_or_turned_down(suppliers):
    """Issue 12: a member was offered their own community as the top item. A community the
    person is in, asked to join (pending or declined) or whose invitation they declined is
    not offered; one whose request they withdrew is again."""
    from apps.communities.models import (
        CommunityInvitation,
        CommunityMembership,
        CommunityStatus,
        JoinRequest,
    )
    from apps.taxonomy.models import AITopic, Province
    from tests.accounts.factories import UserFactory
    from tests.communities.factories import LearningCommunityFactory
    from tests.hubs.factories import hub

    lecturer = UserFactory(province=Province.objects.get(code="NL-ZH"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    communities = []
    for _ in range(5):
        community = LearningCommunityFactory(
            hub=hub("zuid-holland"), status=CommunityStatus.ACTIVE, is_public=True
        )
        community.challenges.add(ChallengeFactory(topics=["nlp"], province_code="NL-ZH"))
        communities.append(community)
    member_of, asked, refused, turned_down, withdrawn = communities
    CommunityMembership.objects.create(community=member_of, user=lecturer)
    JoinRequest.objects.create(community=asked, user=lecturer, role="lecturer")
    JoinRequest.objects.create(
        community=refused, user=lecturer, role="lecturer", state=JoinRequest.State.DECLINED
    )
    CommunityInvitation.objects.create(
        community=turned_down, user=lecturer, state=CommunityInvitation.State.DECLINED
    )
    JoinRequest.objects.create(
        community=withdrawn, user=lecturer, role="lecturer", state=JoinRequest.State.WITHDRAWN
    )

    ranked = for_you.match_recommendations_for_person(person=lecturer)

    offered = {r.object_id for r in ranked if r.kind == "community"}
    assert offered == {withdrawn.pk}
