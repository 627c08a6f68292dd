"""Writes of the matcher: match runs, their chunks, and the bulk upsert of suggestions.

A run is split into chunks of challenge ids, recorded in the same transaction as whatever
caused the run and handed to Celery only after the commit (apps/core/delivery.py). A worker
claims a chunk with a conditional UPDATE that gives it a lease (keyed on its Celery task id,
so a retry of the same task claims it again), keeps the lease renewed while it scores the
chunk with the pure engine outside any transaction, then writes the chunk's suggestions, marks
the chunk done and counts the run's progress in one transaction. A chunk whose lease expired
(its worker was killed) is sent again by the sweep and taken over; the write checks the claim
under a row lock, so only one of the two writes. A chunk that is written twice writes the
same rows: suggestions are upserted on (challenge, organisation), and matches people have
decided on are never touched. A chunk taken over too often fails its run with the reason, so
a run always ends.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import coordinates_region_of
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import MATCHED_STATUSES, Challenge, ChallengeStatus
from apps.challenges.services import region_coordinators
from apps.core.transitions import InvalidTransition, transition_allowed, transition_check
from apps.hubs.models import Hub
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify
from apps.organisations.models import Membership, Organisation
from apps.semantics.core import meaningful_term
from apps.semantics.embeddings import MEANING_FLOOR

from . import engine
from .models import IntroductionRequest, Match, MatchRun, MatchRunChunk, MatchStatus
from .selectors import (
    Codebook,
    DemandData,
    SupplyData,
    codebook_load,
    decided_pairs,
    demand_load,
    matching_inputs_fingerprint,
    published_challenge_ids,
    supply_load,
)

logger = logging.getLogger(__name__)

REGION_CODES = {
    engine.RegionRelation.SAME_PROVINCE: "same_province",
    engine.RegionRelation.NEIGHBOURING: "neighbouring_province",
    engine.RegionRelation.SAME_HUB: "same_hub",
    engine.RegionRelation.NATIONAL: "national",
    engine.RegionRelation.ELSEWHERE: "elsewhere",
}


@dataclass
class MatchingContext:
    """What every chunk of a run needs besides its own challenges; loaded once per process
    and run, because suppliers do not change within a run."""

    codebook: Codebook
    supply: SupplyData


def matching_context_load() -> MatchingContext:
    codebook = codebook_load()
    return MatchingContext(codebook=codebook, supply=supply_load(codebook))


_cached_context: tuple[str, MatchingContext] | None = None


def matching_context_current() -> MatchingContext:
    """The context for this process, reloaded only when the suppliers, capacity or reference
    data changed: a worker recomputing one challenge after another must not reload ten
    thousand suppliers each time."""
    global _cached_context
    fingerprint = matching_inputs_fingerprint()
    if _cached_context is None or _cached_context[0] != fingerprint:
        _cached_context = (fingerprint, matching_context_load())
    return _cached_context[1]


# --- Runs ------------------------------------------------------------------------------------


@transaction.atomic
def match_run_create(
    *,
    kind: str,
    challenge_ids: Sequence[int],
    hub: Hub | None = None,
    balanced: bool = False,
    trigger: str = "",
    top_n: int | None = None,
    enqueue: bool = True,
    by=None,
) -> MatchRun:
    """Create a run with its chunks; with `enqueue`, hand each chunk to Celery once the
    surrounding transaction commits (nothing is enqueued if it rolls back). A run a person
    starts (`by`) goes into the audit trail."""
    ids = sorted(set(challenge_ids))
    # A balanced run distributes over all its challenges at once: one chunk.
    size = max(len(ids), 1) if balanced else settings.MATCHING_CHUNK_SIZE
    parts = [ids[i : i + size] for i in range(0, len(ids), size)]
    run = MatchRun.objects.create(
        kind=kind,
        hub=hub,
        balanced=balanced,
        trigger=trigger[:200],
        top_n=top_n or settings.MATCHING_TOP_N,
        algorithm_version=engine.ALGORITHM_VERSION,
        chunks_total=len(parts),
        challenges_total=len(ids),
        status=MatchRun.Status.PENDING if parts else MatchRun.Status.DONE,
        finished_at=None if parts else timezone.now(),
    )
    # Without `enqueue` (the `rematch` command works here) `sent_at` stays empty and the
    # sweep leaves the chunks alone; with it, they are sent after the commit and, should the
    # broker be unreachable, again by the sweep once the grace period has passed.
    sent_at = timezone.now() if enqueue else None
    chunks = MatchRunChunk.objects.bulk_create(
        MatchRunChunk(run=run, position=position, challenge_ids=part, sent_at=sent_at)
        for position, part in enumerate(parts)
    )
    if by is not None:
        _audit_run_started(run=run, by=by, challenge_ids=ids)
    if enqueue:
        from .tasks import process_match_chunk

        for chunk in chunks:
            process_match_chunk.send_after_commit(chunk.pk)
    return run


def _audit_run_started(*, run: MatchRun, by, challenge_ids: list[int]) -> None:
    """Recorded on what the coordinator acted on: the challenge of a rematch, else the hub
    (placed in one of its provinces, so the hub's coordinators see it in their trail)."""
    after = {
        "run": run.pk,
        "kind": run.kind,
        "balanced": run.balanced,
        "hub": run.hub.slug if run.hub else None,
        "challenges": len(challenge_ids),
        "trigger": run.trigger,
    }
    if run.kind == MatchRun.Kind.CHALLENGE and len(challenge_ids) == 1:
        target = Challenge.objects.only("title", "province_id").get(pk=challenge_ids[0])
        audit_record(actor=by, action=AuditAction.MATCHING_STARTED, target=target, after=after)
    elif run.hub is not None:
        audit_record(
            actor=by,
            action=AuditAction.MATCHING_STARTED,
            target=run.hub,
            province_id=run.hub.provinces.order_by("pk").values_list("pk", flat=True).first(),
            after=after,
        )
    else:
        audit_record(actor=by, action=AuditAction.MATCHING_STARTED, target=run, after=after)


def match_run_for_challenge(*, challenge_id: int, trigger: str = "", by=None) -> MatchRun | None:
    """Recompute one published challenge's suggestions (on publish or change, or when a
    coordinator asks: `by`, recorded in the audit trail)."""
    if not Challenge.objects.published().filter(pk=challenge_id).exists():
        return None
    return match_run_create(
        kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge_id], trigger=trigger, by=by
    )


def challenges_affected_by_supplier(*, organisation_id: int) -> list[int]:
    """Published challenges whose suggestions a change of this supplier can alter: those
    sharing a topic group with it, and those where it is suggested now."""
    organisation_topics = Organisation.topics.through.objects.filter(
        organisation_id=organisation_id
    )
    groups = set()
    for topic_id, parent_id in organisation_topics.values_list("aitopic_id", "aitopic__parent_id"):
        groups.add(parent_id or topic_id)
    published = Challenge.objects.published()
    sharing = published.filter(Q(topics__in=groups) | Q(topics__parent__in=groups))
    suggested_now = published.filter(
        matches__organisation_id=organisation_id, matches__status=MatchStatus.SUGGESTED
    )
    ids = set(sharing.values_list("id", flat=True)) | set(
        suggested_now.values_list("id", flat=True)
    )
    return sorted(ids)


# Above this many changed suppliers one full recompute is cheaper than a run per supplier.
SUPPLIERS_FOR_FULL_RECOMPUTE = 25


def match_schedule_for_suppliers(*, organisation_ids: Sequence[int], trigger: str = "") -> None:
    """Record, in the current transaction, the runs that recompute what changed suppliers
    affect (their topics, province, capacity or formats); workers get them after the commit.
    Demand organisations are ignored."""
    supplier_ids = list(
        Organisation.objects.suppliers()
        .filter(pk__in=organisation_ids)
        .values_list("pk", flat=True)
    )
    if len(supplier_ids) > SUPPLIERS_FOR_FULL_RECOMPUTE:
        match_run_full(trigger=trigger or "suppliers changed")
        return
    for organisation_id in supplier_ids:
        match_run_for_supplier(organisation_id=organisation_id, trigger=trigger)


def match_run_for_supplier(*, organisation_id: int, trigger: str = "") -> MatchRun:
    return match_run_create(
        kind=MatchRun.Kind.SUPPLIER,
        challenge_ids=challenges_affected_by_supplier(organisation_id=organisation_id),
        trigger=trigger or f"organisation {organisation_id}",
    )


def match_run_full(
    *,
    hub: Hub | None = None,
    balanced: bool = False,
    trigger: str = "",
    enqueue: bool = True,
    by=None,
) -> MatchRun:
    if balanced and hub is None:
        raise ValueError("A balanced run is per hub.")
    return match_run_create(
        kind=MatchRun.Kind.HUB if hub else MatchRun.Kind.FULL,
        challenge_ids=published_challenge_ids(hub=hub),
        hub=hub,
        balanced=balanced,
        trigger=trigger,
        enqueue=enqueue,
        by=by,
    )


# --- Chunks ----------------------------------------------------------------------------------


def _lease_end(now):
    return now + timedelta(seconds=settings.MATCHING_CHUNK_LEASE_SECONDS)


def match_chunk_claim(*, chunk_id: int, token: str) -> bool:
    """Claim a chunk for `token` with one conditional UPDATE, with a lease. A chunk still
    marked running by the same token (a retry of the task) is claimed again; one whose lease
    expired (its worker died) is taken over. A chunk of a finished or failed run, or one
    taken over too often, is not claimed (the sweep fails its run)."""
    now = timezone.now()
    claimable = Q(status=MatchRunChunk.Status.PENDING) | Q(status=MatchRunChunk.Status.RUNNING) & (
        Q(claimed_by=token) | Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    )
    claimed = (
        MatchRunChunk.objects.filter(
            pk=chunk_id,
            attempts__lt=settings.MATCHING_CHUNK_MAX_ATTEMPTS,
            run__status__in=(MatchRun.Status.PENDING, MatchRun.Status.RUNNING),
        )
        .filter(claimable)
        .update(
            status=MatchRunChunk.Status.RUNNING,
            claimed_by=token,
            claimed_at=now,
            lease_expires_at=_lease_end(now),
            attempts=F("attempts") + 1,
        )
    )
    if claimed:
        MatchRun.objects.filter(chunks__pk=chunk_id, status=MatchRun.Status.PENDING).update(
            status=MatchRun.Status.RUNNING, started_at=timezone.now()
        )
    return bool(claimed)


@contextlib.contextmanager
def _garbage_collection_paused():
    """A chunk allocates millions of small, short-lived objects (reason fragments, rows) and
    no cycles; the cyclic collector would spend a fifth of the time scanning them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def match_chunk_process(
    *, chunk_id: int, token: str, context: MatchingContext | None = None
) -> bool:
    """Score and write one chunk. Returns False when there was nothing to do (done already,
    or held by another live worker)."""
    if not match_chunk_claim(chunk_id=chunk_id, token=token):
        return False
    with _lease_renewed(chunk_id=chunk_id, token=token), _garbage_collection_paused():
        return _match_chunk_write(
            _match_chunk_score(chunk_id=chunk_id, context=context), token=token
        )


@contextlib.contextmanager
def _lease_renewed(*, chunk_id: int, token: str):
    """Renew the chunk's lease every third of its length while the block runs, from a thread
    of its own (with its own database connection), so a long chunk is not taken over from a
    live worker. Stops early when the claim is gone (taken over, or done)."""
    interval = settings.MATCHING_CHUNK_LEASE_SECONDS / 3
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(interval):
                renewed = MatchRunChunk.objects.filter(
                    pk=chunk_id, status=MatchRunChunk.Status.RUNNING, claimed_by=token
                ).update(lease_expires_at=_lease_end(timezone.now()))
                if not renewed:
                    return
        except Exception:
            logger.exception("lease of match chunk %s not renewed", chunk_id)
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-chunk-{chunk_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass
class _ScoredChunk:
    chunk: MatchRunChunk
    challenge_ids: list[int]
    rows: list[SuggestionRow]
    scoring_seconds: float


def _match_chunk_score(*, chunk_id: int, context: MatchingContext | None) -> _ScoredChunk:
    chunk = MatchRunChunk.objects.select_related("run").get(pk=chunk_id)
    context = context or matching_context_current()
    started = time.perf_counter()
    challenges = Challenge.objects.filter(
        pk__in=chunk.challenge_ids, status=ChallengeStatus.PUBLISHED
    )
    demand = demand_load(context.codebook, challenges, context.supply.vocabulary)
    rows = _suggestions(
        demand=demand, context=context, top_n=chunk.run.top_n, balanced=chunk.run.balanced
    )
    return _ScoredChunk(chunk, demand.ids.tolist(), rows, time.perf_counter() - started)


def _match_chunk_write(scored: _ScoredChunk, *, token: str) -> bool:
    """Write a scored chunk's suggestions and mark it done, if `token` still holds it."""
    chunk, run = scored.chunk, scored.chunk.run
    started = time.perf_counter()
    with transaction.atomic():
        still_mine = (
            MatchRunChunk.objects.select_for_update()
            .filter(pk=chunk.pk, status=MatchRunChunk.Status.RUNNING, claimed_by=token)
            .exists()
        )
        if not still_mine:
            return False
        gained = (
            _challenges_gaining_top_suggestions(scored.rows)
            if run.kind in NEW_MATCHES_NOTIFIED_RUN_KINDS
            else []
        )
        written, removed = _write_suggestions(challenge_ids=scored.challenge_ids, rows=scored.rows)
        if gained:
            match_notify_new_suggestions(run_id=run.pk, challenge_ids=gained)
        MatchRunChunk.objects.filter(pk=chunk.pk).update(
            status=MatchRunChunk.Status.DONE, finished_at=timezone.now()
        )
        MatchRun.objects.filter(pk=run.pk).update(
            chunks_done=F("chunks_done") + 1,
            challenges_done=F("challenges_done") + len(chunk.challenge_ids),
            matches_written=F("matches_written") + written,
            matches_removed=F("matches_removed") + removed,
            scoring_seconds=F("scoring_seconds") + scored.scoring_seconds,
            writing_seconds=F("writing_seconds") + (time.perf_counter() - started),
        )
        MatchRun.objects.filter(
            pk=run.pk, chunks_done=F("chunks_total"), status=MatchRun.Status.RUNNING
        ).update(status=MatchRun.Status.DONE, finished_at=timezone.now())
    return True


def match_run_fail(*, chunk_id: int, error: str) -> None:
    MatchRun.objects.filter(chunks__pk=chunk_id).exclude(status=MatchRun.Status.DONE).update(
        status=MatchRun.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def match_chunks_redeliver(now) -> int:
    """The sweep's part for matching (apps/core/delivery.py): send again every unfinished
    chunk of a live run that was sent more than the grace period ago and is either still
    pending (the broker was down or lost it) or held under an expired lease (its worker was
    killed). A chunk taken over `MATCHING_CHUNK_MAX_ATTEMPTS` times fails its run instead."""
    from .tasks import process_match_chunk

    live_runs = (MatchRun.Status.PENDING, MatchRun.Status.RUNNING)
    unfinished = MatchRunChunk.objects.filter(run__status__in=live_runs).exclude(
        status=MatchRunChunk.Status.DONE
    )
    expired = Q(status=MatchRunChunk.Status.RUNNING, lease_expires_at__lt=now)
    exhausted = unfinished.filter(expired, attempts__gte=settings.MATCHING_CHUNK_MAX_ATTEMPTS)
    for chunk_id, position, attempts in exhausted.values_list("pk", "position", "attempts"):
        match_run_fail(
            chunk_id=chunk_id,
            error=(
                f"part {position + 1} was interrupted {attempts} times "
                "(its worker stopped or ran out of time or memory); run it again"
            ),
        )
    grace = now - timedelta(seconds=settings.DELIVERY_GRACE_SECONDS)
    pending = Q(status=MatchRunChunk.Status.PENDING)
    not_sent_lately = Q(sent_at__lt=grace) | Q(sent_at__isnull=True)
    # A run worked through in one process (the `rematch` command: chunks never sent) whose
    # process died: its expired chunk and the pending rest go to the workers.
    abandoned_runs = unfinished.filter(expired, sent_at__isnull=True).values("run_id")
    due = list(
        unfinished.filter(
            (pending & Q(sent_at__lt=grace))
            | (expired & not_sent_lately)
            | (pending & Q(sent_at__isnull=True, run_id__in=abandoned_runs))
        )
        .order_by("run_id", "position")
        .values_list("pk", flat=True)
    )
    sent = []
    for chunk_id in due:
        if not process_match_chunk.send(chunk_id):
            break
        sent.append(chunk_id)
    MatchRunChunk.objects.filter(pk__in=sent).update(sent_at=now)
    return len(sent)


def match_run_process_here(
    *, run: MatchRun, token: str, progress=None, context: MatchingContext | None = None
) -> MatchRun:
    """Process every chunk of a run in this process (the `rematch` command, benchmarks).

    Outside a transaction, chunk i is written (and committed) by a thread with a connection
    of its own while this thread scores chunk i+1: writing is mostly PostgreSQL's work, on
    the other core, so a full rematch takes about as long as its scoring instead of scoring
    plus writing. At most one chunk waits to be written, so memory holds two chunks' rows.
    Inside a transaction (a test, `load_demo`) another connection would not see its rows,
    so chunks are written here, one after the other; so is a run of one chunk (a single
    challenge), which has nothing to overlap and would only pay for the thread and its
    connection."""
    context = context or matching_context_load()
    chunk_ids = list(run.chunks.order_by("position").values_list("pk", flat=True))
    if connection.in_atomic_block or len(chunk_ids) < 2:
        for chunk_id in chunk_ids:
            match_chunk_process(chunk_id=chunk_id, token=token, context=context)
            if progress:
                progress(MatchRun.objects.get(pk=run.pk))
    else:
        with _garbage_collection_paused():
            _process_pipelined(chunk_ids, token=token, context=context, progress=progress)
    run.refresh_from_db()
    return run


def _process_pipelined(chunk_ids: list[int], *, token: str, context, progress) -> None:
    def write(scored: _ScoredChunk, lease: contextlib.ExitStack) -> None:
        with lease:  # the lease is renewed until its chunk is written
            _match_chunk_write(scored, token=token)

    def close_connection() -> None:
        connection.close()  # the writer thread's own

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-writer") as writer:
        try:
            pending = None
            for chunk_id in chunk_ids:
                if not match_chunk_claim(chunk_id=chunk_id, token=token):
                    continue
                lease = contextlib.ExitStack()
                lease.enter_context(_lease_renewed(chunk_id=chunk_id, token=token))
                try:
                    scored = _match_chunk_score(chunk_id=chunk_id, context=context)
                    if pending is not None:
                        pending.result()  # raises what the write raised
                        if progress:
                            progress(MatchRun.objects.get(pk=scored.chunk.run_id))
                except BaseException:
                    lease.close()  # not written: the sweep hands it on once the lease ends
                    raise
                pending = writer.submit(write, scored, lease)
            if pending is not None:
                pending.result()
                if progress:
                    progress(MatchRun.objects.get(pk=scored.chunk.run_id))
        finally:
            writer.submit(close_connection).result()


# --- Scoring to rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionRow:
    challenge_id: int
    organisation_id: int
    rank: int
    score: float
    reasons_json: str

    @property
    def reasons(self) -> list[dict]:
        return json.loads(self.reasons_json)


def _suggestions(
    *, demand: DemandData, context: MatchingContext, top_n: int, balanced: bool
) -> list[SuggestionRow]:
    if demand.demand.size == 0 or context.supply.supply.size == 0:
        return []
    supply = context.supply
    ranking = engine.rank_suppliers(
        demand.demand,
        supply.supply,
        taxonomy=context.codebook.taxonomy,
        region=context.codebook.region,
        idf=supply.idf,
        top_n=top_n,
        excluded=decided_pairs(demand, supply),
    )
    rank = ranking.rank.astype(np.int32)
    if balanced:
        rank = _balanced_ranks(
            ranking, capacity=supply.supply.remaining_capacity, n=len(demand.ids)
        )
    explanation = engine.explain(
        demand.demand,
        supply.supply,
        ranking.rows,
        ranking.cols,
        taxonomy=context.codebook.taxonomy,
        idf=supply.explain_idf,
    )
    reasons = reasons_build(
        ranking=ranking,
        explanation=explanation,
        codebook=context.codebook,
        terms=supply.terms,
        meaning=engine.meaning_similarity(demand.demand, supply.supply, ranking.rows, ranking.cols),
    )
    challenge_ids = demand.ids[ranking.rows].tolist()
    organisation_ids = supply.ids[ranking.cols].tolist()
    scores = np.clip(ranking.score, 0.0, 1.0).tolist()
    return [
        SuggestionRow(
            challenge_ids[i], organisation_ids[i], int(rank[i]), round(scores[i], 4), reasons[i]
        )
        for i in range(len(challenge_ids))
    ]


def _balanced_ranks(ranking: engine.Ranking, *, capacity: np.ndarray, n: int) -> np.ndarray:
    """Put each challenge's balanced top suggestion first and shift the ones above it down."""
    top = engine.balance(ranking, capacity=capacity, n_demand=n)
    rank = ranking.rank.astype(np.int32).copy()
    chosen_rank = np.zeros(n, dtype=np.int32)
    is_chosen = (top[ranking.rows] == ranking.cols) & (top[ranking.rows] >= 0)
    chosen_rank[ranking.rows[is_chosen]] = rank[is_chosen]
    row_chosen_rank = chosen_rank[ranking.rows]
    shift = (row_chosen_rank > 0) & (rank < row_chosen_rank)
    rank[shift] += 1
    rank[is_chosen] = 1
    return rank


# A pair whose texts are this close in meaning (cosine of their embeddings) gets a reason
# quoting the supplier's sentence that fits the challenge best: the floor search by meaning
# uses (apps.semantics.embeddings.MEANING_FLOOR), chosen on the development queries of
# bench/data/semantics/search.json, where irrelevant texts have a 95th percentile of 0.14. A
# supplier saying the same in other words scores a median 0.26 (pairs.json), in another
# language less. The quote lets the reader judge the fit themselves.
MEANING_REASON_FLOOR = MEANING_FLOOR


def reasons_build(
    *,
    ranking: engine.Ranking,
    explanation: engine.Explanation,
    codebook: Codebook,
    terms: list[str],
    meaning: np.ndarray | None = None,
) -> list[str]:
    """Structured reason codes with parameters, per pair, as JSON text ready for the
    database; the UI renders them in the reader's language (apps/matching/reasons.py), e.g.
    ``[{"code": "shared_topics", "params": {"topics": ["nlp"], "related": []}}, ...]``.

    A full recompute explains a million pairs, while the combinations of topics, sectors
    and formats repeat a lot: each distinct combination is encoded once and reused."""

    def index_tuples(matrix) -> list[tuple[int, ...]]:
        matrix = matrix.tocsr()
        indices, pointers = matrix.indices.tolist(), matrix.indptr.tolist()
        return [tuple(indices[pointers[i] : pointers[i + 1]]) for i in range(matrix.shape[0])]

    def slug_list(labels: list[str]):
        @functools.cache
        def encode(indices: tuple[int, ...]) -> str:
            return json.dumps(sorted(labels[i] for i in indices))

        return encode

    topic_slugs = slug_list(codebook.topic_slugs)

    @functools.cache
    def topics_fragment(exact: tuple[int, ...], related: tuple[int, ...]) -> str:
        return (
            '{"code":"shared_topics","params":{"topics":'
            + topic_slugs(exact)
            + ',"related":'
            + topic_slugs(related)
            + "}}"
        )

    sector_slugs = slug_list(codebook.sector_slugs)
    format_slugs = slug_list(codebook.format_slugs)
    region_fragments = {
        int(code): '{"code":"region","params":{"relation":"' + name + '"}}'
        for code, name in REGION_CODES.items()
    }
    term_json = [json.dumps(term) for term in terms]
    # Stop words, fragments and numbers still count in the score but are never shown.
    term_shown = [meaningful_term(term) for term in terms]

    # Strongest shared terms first: one sort over all pairs, not one per pair.
    text = explanation.text_terms.tocoo()
    order = np.lexsort((-text.data, text.row))
    term_cols = text.col[order].tolist()
    term_pointers = np.concatenate(
        [[0], np.cumsum(np.bincount(text.row, minlength=len(ranking.rows)))]
    ).tolist()

    exact = index_tuples(explanation.exact_topics)
    related = index_tuples(explanation.related_topics)
    sectors = index_tuples(explanation.sectors)
    formats = index_tuples(explanation.formats)
    regions = ranking.region.tolist()
    fitting = (
        (meaning >= MEANING_REASON_FLOOR).tolist()
        if meaning is not None
        else [False] * len(regions)
    )
    reasons = []
    for i in range(len(regions)):
        parts = [topics_fragment(exact[i], related[i]), region_fragments[regions[i]]]
        if sectors[i]:
            parts.append(
                '{"code":"shared_sectors","params":{"sectors":' + sector_slugs(sectors[i]) + "}}"
            )
        if formats[i]:
            parts.append(
                '{"code":"shared_formats","params":{"formats":' + format_slugs(formats[i]) + "}}"
            )
        first, last = term_pointers[i], term_pointers[i + 1]
        shown_terms = [term_json[j] for j in term_cols[first:last] if term_shown[j]]
        if shown_terms:
            parts.append(
                '{"code":"shared_terms","params":{"terms":[' + ",".join(shown_terms) + "]}}"
            )
        if fitting[i]:
            # The sentence itself is found when the match is shown (apps/matching/reasons.py),
            # in the texts as they are then.
            parts.append('{"code":"fitting_sentence","params":{}}')
        reasons.append("[" + ",".join(parts) + "]")
    return reasons


# --- Writing ---------------------------------------------------------------------------------


def _write_suggestions(*, challenge_ids: list[int], rows: list[SuggestionRow]) -> tuple[int, int]:
    """Replace the suggestions of these challenges with `rows` in bulk: COPY into a temporary
    table, delete suggestions that fell out, upsert the rest. Decided matches stay as they are;
    unchanged suggestions are not rewritten, so `computed_at` says when a suggestion last
    changed. Must run inside a transaction (the temporary table lives until commit)."""
    if not challenge_ids:
        return 0, 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS match_incoming ("
            " challenge_id bigint, organisation_id bigint, rank smallint, score double precision,"
            " reasons jsonb) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE match_incoming")
        with cursor.cursor.copy(
            "COPY match_incoming (challenge_id, organisation_id, rank, score, reasons) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (row.challenge_id, row.organisation_id, row.rank, row.score, row.reasons_json)
                )
        cursor.execute(
            """
            DELETE FROM matching_match m
            WHERE m.challenge_id = ANY(%s) AND m.organisation_id IS NOT NULL
              AND m.status = %s
              AND NOT EXISTS (SELECT 1 FROM match_incoming i
                              WHERE i.challenge_id = m.challenge_id
                                AND i.organisation_id = m.organisation_id)
            """,
            [challenge_ids, MatchStatus.SUGGESTED],
        )
        removed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO matching_match (challenge_id, organisation_id, rank, score, reasons,
                                        algorithm_version, computed_at, status)
            SELECT challenge_id, organisation_id, rank, score, reasons, %s, %s, %s
            FROM match_incoming
            ON CONFLICT (challenge_id, organisation_id) WHERE organisation_id IS NOT NULL
            DO UPDATE SET rank = EXCLUDED.rank, score = EXCLUDED.score,
                          reasons = EXCLUDED.reasons,
                          algorithm_version = EXCLUDED.algorithm_version,
                          computed_at = EXCLUDED.computed_at
            WHERE matching_match.status = %s
              AND (matching_match.rank, matching_match.score, matching_match.reasons,
                   matching_match.algorithm_version)
                  IS DISTINCT FROM
                  (EXCLUDED.rank, EXCLUDED.score, EXCLUDED.reasons, EXCLUDED.algorithm_version)
            """,
            [engine.ALGORITHM_VERSION, now, MatchStatus.SUGGESTED, MatchStatus.SUGGESTED],
        )
        written = cursor.rowcount
    return written, removed


# --- Telling the challenge's organisation about new partners -------------------------------

# Runs after which the organisation hears about new partners: a challenge published or
# edited, and a supplier that joined or changed. The periodic full and hub recomputes mostly
# reshuffle scores (and a bulk import of suppliers becomes one full run): they would send a
# notice to thousands of organisations at once, and cost the nightly run a query per chunk.
NEW_MATCHES_NOTIFIED_RUN_KINDS = frozenset({MatchRun.Kind.CHALLENGE, MatchRun.Kind.SUPPLIER})
# Only a new partner among the best few is news; a change at rank nine is not worth a notice.
NEW_MATCHES_NOTIFIED_TOP = 3


def _challenges_gaining_top_suggestions(rows: list[SuggestionRow]) -> list[int]:
    """Challenges whose top suggestions include a partner that was not suggested before: one
    query over the incoming top pairs, made before they are written."""
    top = [row for row in rows if row.rank <= NEW_MATCHES_NOTIFIED_TOP]
    if not top:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT incoming.challenge_id
            FROM unnest(%s::bigint[], %s::bigint[]) AS incoming(challenge_id, organisation_id)
            WHERE NOT EXISTS (SELECT 1 FROM matching_match m
                              WHERE m.challenge_id = incoming.challenge_id
                                AND m.organisation_id = incoming.organisation_id)
            """,
            [[row.challenge_id for row in top], [row.organisation_id for row in top]],
        )
        return sorted(challenge_id for (challenge_id,) in cursor.fetchall())


def match_notify_new_suggestions(*, run_id: int, challenge_ids: Sequence[int]) -> None:
    """Tell the active members of each challenge's organisation that new partners were
    matched; once per challenge and run (the key holds the run), so a retried chunk is quiet.
    Recipients for all challenges are loaded in one query."""
    challenges = list(
        Challenge.objects.filter(pk__in=challenge_ids).only("pk", "title", "organisation_id")
    )
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in={c.organisation_id for c in challenges},
        state=Membership.State.ACTIVE,
        user__is_active=True,
    ).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    for challenge in challenges:
        recipients = members.get(challenge.organisation_id)
        if not recipients:
            continue
        title = challenge.title
        notify(
            recipients=recipients,
            kind=NotificationKind.NEW_MATCHES,
            text=lambda person, title=title: (
                _("New partners for “%(title)s”") % {"title": title},
                _(
                    "The matcher found new partners that fit your challenge. See why they fit, "
                    "put them on your shortlist and ask for an introduction."
                ),
            ),
            url=notice_path("challenges:matches", pk=challenge.pk),
            dedupe_key=f"challenge-{challenge.pk}-run-{run_id}",
        )


# --- One challenge, synchronously (the `match` command) ---------------------------------------


def match_rank_challenge(
    *, challenge: Challenge, top_n: int | None = None, context: MatchingContext | None = None
) -> list[SuggestionRow]:
    """The ranking for one challenge without writing it."""
    context = context or matching_context_current()
    demand = demand_load(
        context.codebook, Challenge.objects.filter(pk=challenge.pk), context.supply.vocabulary
    )
    return sorted(
        _suggestions(
            demand=demand, context=context, top_n=top_n or settings.MATCHING_TOP_N, balanced=False
        ),
        key=lambda row: row.rank,
    )


# --- Review decisions ------------------------------------------------------------------------


# The review moves of a match (`suggested → shortlisted → contacted → accepted | declined`).
# People may reconsider (a declined partner back on the shortlist, an acceptance withdrawn),
# but a partner that was contacted or decided on never silently becomes a bare suggestion
# again, which a recompute could remove.
MATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.SUGGESTED: frozenset(
        {MatchStatus.SHORTLISTED, MatchStatus.CONTACTED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
    ),
    MatchStatus.SHORTLISTED: frozenset(
        {MatchStatus.SUGGESTED, MatchStatus.CONTACTED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
    ),
    MatchStatus.CONTACTED: frozenset({MatchStatus.ACCEPTED, MatchStatus.DECLINED}),
    MatchStatus.ACCEPTED: frozenset({MatchStatus.CONTACTED, MatchStatus.DECLINED}),
    MatchStatus.DECLINED: frozenset({MatchStatus.SHORTLISTED}),
}


class InvalidMatchTransition(InvalidTransition):
    pass


def match_can_change_status(*, current: str, to_status: str) -> bool:
    return transition_allowed(MATCH_TRANSITIONS, current, to_status)


@transaction.atomic
def match_set_status(*, match: Match, status: str, by=None) -> Match:
    """A person's decision on a match; recomputes never overwrite it. Setting the status it
    already has changes nothing (a double click); a move `MATCH_TRANSITIONS` does not allow
    is refused. A coordinator's decision goes into the audit trail."""
    if status not in MatchStatus.values:
        raise ValueError(f"unknown match status {status!r}")
    previous = Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
    if previous == status:
        match.refresh_from_db()
        return match
    transition_check(
        allowed=MATCH_TRANSITIONS,
        statuses=MatchStatus,
        current=previous,
        to=status,
        refusal=_("A match cannot go from “%(from)s” to “%(to)s”."),
        error=InvalidMatchTransition,
    )
    Match.objects.filter(pk=match.pk).update(
        status=status, status_changed_at=timezone.now(), status_changed_by=by
    )
    match.refresh_from_db()
    if by is not None:
        challenge = Challenge.objects.only("title", "province_id").get(pk=match.challenge_id)
        if coordinates_region_of(by, challenge):
            audit_record(
                actor=by,
                action=AuditAction.MATCH_STATUS_CHANGED,
                target=match,
                province_id=challenge.province_id,
                before={"status": previous},
                after={"status": status},
            )
    # Accepting uses up the supplier's capacity (and withdrawing frees it): its other
    # suggestions must follow.
    if match.organisation_id and MatchStatus.ACCEPTED in (previous, status) and previous != status:
        match_schedule_for_suppliers(organisation_ids=[match.organisation_id], trigger="accepted")
    return match


# --- The organisation's side: shortlist and introductions --------------------------------------

# What the challenge's organisation may do with a suggestion itself; contacting, accepting and
# declining matches are the hub coordinator's.
MEMBER_MATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.SUGGESTED: frozenset({MatchStatus.SHORTLISTED}),
    MatchStatus.SHORTLISTED: frozenset({MatchStatus.SUGGESTED}),
}


@transaction.atomic
def match_set_shortlisted(*, match: Match, shortlisted: bool, by) -> Match:
    """Put a suggested partner on the organisation's shortlist, or take it off again. A partner
    asked for an introduction stays on it: taking it off would let a recompute remove it."""
    to_status = MatchStatus.SHORTLISTED if shortlisted else MatchStatus.SUGGESTED
    current = Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
    if current == to_status:
        return match
    if to_status not in MEMBER_MATCH_TRANSITIONS.get(current, frozenset()):
        raise ValidationError(
            _("The hub handles this partner now; the shortlist cannot change it."),
            code="not_allowed",
        )
    if not shortlisted and IntroductionRequest.objects.filter(match=match).exists():
        raise ValidationError(
            _("You asked for an introduction to this partner; it stays on your shortlist."),
            code="introduction_requested",
        )
    return match_set_status(match=match, status=to_status, by=by)


def introduction_request_create(*, match: Match, by, message: str = ""):
    """Ask for an introduction to a matched partner; a second call returns the first request
    and notifies no one again. The partner's administrators and the region's coordinators
    are told; the partner does not learn who asked until it accepts.

    Returns `(introduction, created)`."""
    challenge = match.challenge
    if match.organisation_id is None or match.status == MatchStatus.DECLINED:
        raise ValidationError(_("This partner cannot be introduced."), code="not_allowed")
    if challenge.status not in MATCHED_STATUSES:
        raise ValidationError(
            _("Introductions are for published challenges only."), code="not_published"
        )
    with transaction.atomic():
        introduction, created = IntroductionRequest.objects.get_or_create(
            match=match, defaults={"requested_by": by, "message": message.strip()}
        )
        if not created:
            return introduction, False
        if match.status == MatchStatus.SUGGESTED:
            # Keep the partner: a recompute never removes a shortlisted match.
            match_set_status(match=match, status=MatchStatus.SHORTLISTED, by=by)
        partner_admins = [
            membership.user
            for membership in Membership.objects.filter(
                organisation_id=match.organisation_id,
                role=Membership.Role.ADMIN,
                state=Membership.State.ACTIVE,
            ).select_related("user")
        ]
        title, asking, partner = (
            challenge.title,
            challenge.organisation.name,
            match.organisation.name,
        )
        notify(
            recipients=[*region_coordinators(challenge.province_id), *partner_admins],
            kind=NotificationKind.INTRODUCTION_REQUESTED,
            text=lambda person: (
                _("Introduction requested for “%(title)s”") % {"title": title},
                _(
                    "%(asking)s would like to be introduced to %(partner)s. Read the challenge "
                    "and the message; contact details are shared once the partner accepts."
                )
                % {"asking": asking, "partner": partner},
            ),
            url=notice_path("matching:introduction", pk=introduction.pk),
            dedupe_key=f"introduction-{introduction.pk}-requested",
            exclude=by,
        )
    return introduction, True


@transaction.atomic
def introduction_request_decide(*, introduction, accept: bool, by):
    """The partner accepts (contact details are then shared both ways and the match counts as
    contacted) or declines; the person who asked is told either way."""
    locked = IntroductionRequest.objects.select_for_update().get(pk=introduction.pk)
    if locked.state != IntroductionRequest.State.REQUESTED:
        raise ValidationError(
            _("This introduction request was already answered."), code="already_decided"
        )
    locked.state = (
        IntroductionRequest.State.ACCEPTED if accept else IntroductionRequest.State.DECLINED
    )
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    match = Match.objects.select_related("challenge", "organisation").get(pk=locked.match_id)
    if accept and match.status in (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED):
        match_set_status(match=match, status=MatchStatus.CONTACTED, by=by)
    partner, title = match.organisation.name, match.challenge.title
    notify(
        recipients=[locked.requested_by],
        kind=NotificationKind.INTRODUCTION_DECIDED,
        text=lambda person: (
            (
                _("%(partner)s accepted your introduction request")
                if accept
                else _("%(partner)s declined your introduction request")
            )
            % {"partner": partner},
            (
                _("You can now see each other's contact details for “%(title)s”.")
                if accept
                else _("The hub coordinator can help you find another partner for “%(title)s”.")
            )
            % {"title": title},
        ),
        url=notice_path("matching:introduction", pk=locked.pk),
        dedupe_key=f"introduction-{locked.pk}-{locked.state}",
        exclude=by,
    )
    introduction.__dict__.update(
        state=locked.state, decided_at=locked.decided_at, decided_by_id=locked.decided_by_id
    )
    return locked
