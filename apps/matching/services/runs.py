"""Match runs and their chunks: created with what caused them, delivered, claimed, scored and
written.

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
import gc
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import Challenge, ChallengeStatus
from apps.hubs.models import Hub
from apps.organisations.models import Organisation

from .. import engine
from ..models import MatchRun, MatchRunChunk
from ..selectors import (
    challenges_affected_by_supplier,
    demand_load,
    published_challenge_ids,
)
from .suggestions import (
    NEW_MATCHES_NOTIFIED_RUN_KINDS,
    MatchingContext,
    SuggestionRow,
    challenges_gaining_top_suggestions,
    match_notify_new_suggestions,
    matching_context_current,
    matching_context_load,
    suggestions_rank,
    suggestions_write,
)

logger = logging.getLogger(__name__)


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
        from ..tasks import process_match_chunk

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
    rows = suggestions_rank(
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
            challenges_gaining_top_suggestions(scored.rows)
            if run.kind in NEW_MATCHES_NOTIFIED_RUN_KINDS
            else []
        )
        written, removed = suggestions_write(challenge_ids=scored.challenge_ids, rows=scored.rows)
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
    from ..tasks import process_match_chunk

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
