"""Matching benchmark: `make bench` (or `make bench BENCH_ARGS=--small`).

Creates its own database `<dbname>_bench` next to the one DATABASE_URL names (never the
dev or test database), migrates it, generates a synthetic national dataset with COPY and
measures the matcher through the project's real code paths. Progress goes to stderr; the
last line on stdout is one JSON object with the figures (see bench/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import os
import resource
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/learningcommunities"
SEED = 2026
TOP_N = 10
# Reference targets on a 2-core machine at 100 000 x 10 000 (docs for the owner).
TARGETS = {
    "full_rematch_s": ("<=", 60),
    "scoring_vs_reference": ("<=", 1.5),
    "naive_speedup": (">=", 50),
    "single_challenge_p95_ms": ("<=", 50),
    "peak_rss_mb": ("<=", 2048),
}

# The figures asked for, first in the JSON line; everything after them is detail.
HEADLINE = (
    "challenges",
    "suppliers",
    "full_rematch_s",
    "full_rematch_nightly_s",
    "scoring_s",
    "reference_s",
    "scoring_vs_reference",
    "naive_s",
    "naive_speedup",
    "single_challenge_p95_ms",
    "single_challenge_cold_p95_ms",
    "peak_rss_mb",
)

STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile_ms(samples: list[float], q: float) -> float | None:
    return round(float(np.percentile(np.array(samples) * 1000, q)), 2) if samples else None


# --- The benchmark's own database ----------------------------------------------------------


def database_urls(url: str) -> tuple[str, str, str]:
    """(bench URL, maintenance URL, bench database name) for the server `url` points at;
    the last path segment is the database name, the rest (socket directory, user,
    options) stays as it is."""
    parts = urlsplit(url)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1] or "learningcommunities"
    bench_name = f"{name}_bench"

    def with_database(database: str) -> str:
        return urlunsplit(parts._replace(path=f"/{database}"))

    return with_database(bench_name), with_database("postgres"), bench_name


def database_prepare(admin_url: str, name: str, *, keep: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and keep:
            log(f"reusing database {name} (--keep)")
            return
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
        log(f"created database {name}")


def database_drop(admin_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    log(f"dropped database {name}")


def django_setup(bench_url: str) -> None:
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "learningcommunities.settings.base"
    os.environ["DEBUG"] = "true"  # development defaults, no SECRET_KEY needed
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django
    from django.conf import settings

    django.setup()
    # DEBUG would keep every SQL statement in memory and time it: not what production does.
    settings.DEBUG = False


# --- Where the time goes -------------------------------------------------------------------


class Sections:
    """Wall time per named step, collected by wrapping module functions for the duration
    of a measurement (the call overhead is one perf_counter pair per call)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    @contextlib.contextmanager
    def wrapping(self, targets: list[tuple[object, str, str]]):
        originals = []
        for module, attribute, section in targets:
            original = getattr(module, attribute)
            originals.append((module, attribute, original))
            setattr(module, attribute, self._timed(original, section))
        try:
            yield self
        finally:
            for module, attribute, original in reversed(originals):
                setattr(module, attribute, original)

    def _timed(self, function, section: str):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[section] += time.perf_counter() - started
                self.calls[section] += 1

        return timed

    def report(self, total: float, *, scale: float = 1.0, digits: int = 3) -> dict:
        """Seconds (times `scale`) per section. Nested sections are named `parent.child`;
        `parent.other` is the parent's time outside its children, `other` the total's
        outside every top-level section."""
        seconds = dict(self.seconds)
        for parent in [name for name in seconds if "." not in name]:
            children = [v for k, v in seconds.items() if k.startswith(f"{parent}.")]
            if children:
                seconds[f"{parent}.other"] = seconds[parent] - sum(children)
        top_level = sum(v for k, v in self.seconds.items() if "." not in k)
        seconds["other"] = total - top_level
        return {name: round(value * scale, digits) for name, value in sorted(seconds.items())}


def service_sections():
    # Each function is wrapped in the module that calls it (the services are a package:
    # runs.py calls into suggestions.py by the names it imported).
    from apps.matching import engine
    from apps.matching.services import runs, suggestions

    return [
        (runs, "match_chunk_claim", "claim"),
        (runs, "matching_context_load", "context_load"),
        (suggestions, "matching_context_load", "context_load"),
        (suggestions, "codebook_load", "context_load.codebook"),
        (suggestions, "supply_load", "context_load.supply"),
        (runs, "demand_load", "demand_load"),
        # Scoring to rows; what its parts leave is building the SuggestionRow list.
        (runs, "suggestions_rank", "suggestions"),
        (suggestions, "decided_pairs", "suggestions.decided_pairs"),
        (engine, "rank_suppliers", "suggestions.rank_suppliers"),
        (engine, "explain", "suggestions.explain"),
        (suggestions, "reasons_build", "suggestions.reasons_build"),
        # JSON encoding of the reasons, COPY, DELETE and INSERT ... ON CONFLICT (not COMMIT).
        (runs, "suggestions_write", "write"),
    ]


class GarbageCollection:
    """Time spent in Python's cyclic garbage collector while active (it pauses whatever
    section is running, so it overlaps the sections above)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1

    @contextlib.contextmanager
    def watching(self):
        gc.callbacks.append(self._callback)
        try:
            yield self
        finally:
            gc.callbacks.remove(self._callback)


# --- Measurements -----------------------------------------------------------------------------


def measure_full_rematch() -> dict:
    from apps.matching import services
    from apps.matching.models import Match

    sections = Sections()
    collector = GarbageCollection()
    started = time.perf_counter()

    def progress(run) -> None:
        log(
            f"  full rematch: part {run.chunks_done}/{run.chunks_total}, "
            f"{run.challenges_done} challenges, {run.matches_written} suggestions"
        )

    with sections.wrapping(service_sections()), collector.watching():
        run = services.match_run_full(enqueue=False, trigger="bench")
        run = services.match_run_process_here(
            run=run, token=f"bench-{uuid.uuid4()}", progress=progress
        )
    seconds = time.perf_counter() - started
    if run.status != run.Status.DONE:
        raise SystemExit(f"full rematch ended {run.status}: {run.error}")
    return {
        "full_rematch_s": round(seconds, 2),
        "full_rematch_breakdown_s": sections.report(seconds),
        "full_rematch_gc_s": round(collector.seconds, 2),
        "full_rematch_gc_collections": collector.collections,
        "full_rematch_chunks": run.chunks_total,
        "full_rematch_challenges": run.challenges_done,
        "matches_written": run.matches_written,
        "matches_in_table": Match.objects.count(),
        "run_scoring_seconds": round(run.scoring_seconds, 2),
        "run_writing_seconds": round(run.writing_seconds, 2),
        "rss_after_full_rematch_mb": rss_mb(),
    }


def load_all_demand(context, *, part: int = 5000):
    """Every published challenge as one engine.Demand, loaded a part at a time (as the
    chunks of a run are) so the Python lists behind it stay small."""
    import scipy.sparse as sp

    from apps.challenges.models import Challenge
    from apps.matching import engine, selectors

    ids = selectors.published_challenge_ids()
    parts = []
    for start in range(0, len(ids), part):
        chunk = Challenge.objects.filter(pk__in=ids[start : start + part])
        parts.append(
            selectors.demand_load(context.codebook, chunk, context.supply.vocabulary).demand
        )
    return engine.Demand(
        topics=sp.vstack([p.topics for p in parts], format="csr"),
        province=np.concatenate([p.province for p in parts]),
        sectors=sp.vstack([p.sectors for p in parts], format="csr"),
        formats=sp.vstack([p.formats for p in parts], format="csr"),
        text=sp.vstack([p.text for p in parts], format="csr"),
    )


def demand_rows(demand, start: int, stop: int):
    from apps.matching import engine

    return engine.Demand(
        topics=demand.topics[start:stop],
        province=demand.province[start:stop],
        sectors=demand.sectors[start:stop],
        formats=demand.formats[start:stop],
        text=demand.text[start:stop],
    )


def measure_scoring_and_reference(*, reference_chunk: int) -> dict:
    from apps.matching import engine, services

    started = time.perf_counter()
    context = services.matching_context_load()
    demand = load_all_demand(context)
    log(f"  loaded {demand.size} challenges as arrays in {time.perf_counter() - started:.1f}s")
    supply = context.supply.supply
    common = {
        "taxonomy": context.codebook.taxonomy,
        "region": context.codebook.region,
        "idf": context.supply.idf,
    }
    started = time.perf_counter()
    ranking = engine.rank_suppliers(demand, supply, top_n=TOP_N, **common)
    scoring = time.perf_counter() - started
    log(f"  engine.rank_suppliers: {scoring:.2f}s, {ranking.rows.size} pairs")

    # Same-run reference: the plainest dense expression, chunk by chunk, top-N by argsort.
    reference = 0.0
    max_diff = 0.0
    same_top1 = 0
    with_candidates = 0
    order = np.argsort(ranking.rows, kind="stable")
    ranked_rows = ranking.rows[order]
    for start in range(0, demand.size, reference_chunk):
        stop = min(start + reference_chunk, demand.size)
        t = time.perf_counter()
        scores = engine.reference_scores(demand_rows(demand, start, stop), supply, **common)
        top = np.argsort(-scores, axis=1)[:, :TOP_N]
        reference += time.perf_counter() - t
        # Consistency (not timed): the ranked pairs carry the reference's scores.
        a, b = np.searchsorted(ranked_rows, [start, stop])
        pairs = order[a:b]
        if pairs.size:
            expected = scores[ranking.rows[pairs] - start, ranking.cols[pairs]]
            max_diff = max(max_diff, float(np.abs(expected - ranking.score[pairs]).max()))
        best = scores.max(axis=1)
        first = pairs[ranking.rank[pairs] == 1]
        with_candidates += int((best > 0).sum())
        same_top1 += int(
            np.isclose(
                scores[ranking.rows[first] - start, ranking.cols[first]],
                best[ranking.rows[first] - start],
                atol=1e-6,
            ).sum()
        )
        del scores, top
    log(f"  reference (dense, {reference_chunk} rows at a time + argsort): {reference:.2f}s")
    return {
        "scoring_s": round(scoring, 2),
        "reference_s": round(reference, 2),
        "scoring_vs_reference": round(scoring / reference, 3) if reference else None,
        "ranked_pairs": int(ranking.rows.size),
        "max_abs_score_diff_vs_reference": float(f"{max_diff:.2e}"),
        "top1_is_reference_best_share": round(same_top1 / with_candidates, 4)
        if with_candidates
        else None,
    }


def single_challenge(challenge_id: int, context) -> None:
    """One published challenge recomputed and written through the service path, as the
    task after a publish does, minus the Celery hop."""
    from apps.challenges.models import Challenge
    from apps.matching import services
    from apps.matching.models import MatchRun

    if not Challenge.objects.published().filter(pk=challenge_id).exists():
        return
    run = services.match_run_create(
        kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge_id], trigger="bench", enqueue=False
    )
    for chunk_id in run.chunks.values_list("pk", flat=True):
        services.match_chunk_process(chunk_id=chunk_id, token=str(uuid.uuid4()), context=context)


def measure_single_challenge(*, samples: int, cold_samples: int) -> dict:
    from apps.matching import selectors, services

    ids = selectors.published_challenge_ids()
    rng = np.random.default_rng(SEED)
    chosen = rng.choice(ids, size=min(samples, len(ids)), replace=False).tolist()
    context = services.matching_context_load()
    single_challenge(chosen[0], context)  # warm-up (imports, prepared plans), not counted
    warm, sections = [], Sections()
    with sections.wrapping(service_sections()):
        for challenge_id in chosen:
            started = time.perf_counter()
            single_challenge(challenge_id, context)
            warm.append(time.perf_counter() - started)
    cold = []
    for challenge_id in chosen[:cold_samples]:
        started = time.perf_counter()
        single_challenge(challenge_id, None)
        cold.append(time.perf_counter() - started)
    log(
        f"  one challenge: p50 {percentile_ms(warm, 50)} ms, p95 {percentile_ms(warm, 95)} ms; "
        f"cold p95 {percentile_ms(cold, 95)} ms"
    )
    return {
        "single_challenge_p95_ms": percentile_ms(warm, 95),
        "single_challenge_p50_ms": percentile_ms(warm, 50),
        "single_challenge_max_ms": percentile_ms(warm, 100),
        "single_challenge_samples": len(warm),
        "single_challenge_mean_breakdown_ms": sections.report(
            sum(warm), scale=1000 / max(len(warm), 1), digits=2
        ),
        "single_challenge_cold_p95_ms": percentile_ms(cold, 95),
        "single_challenge_cold_p50_ms": percentile_ms(cold, 50),
        "single_challenge_cold_samples": len(cold),
    }


def measure_naive(*, size: int) -> dict:
    """The project's service path and the naive implementation on the same small dataset,
    each starting from an empty suggestions table."""
    from django.db import connection

    from apps.matching import services
    from apps.matching.models import Match
    from bench import dataset, naive

    dataset.clear()
    dataset.generate(challenges=size, suppliers=size, demanders=max(50, size // 3), log=log)

    def empty_matches() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE matching_match, matching_matchrunchunk, matching_matchrun CASCADE"
            )

    def suggested() -> set[tuple[int, int]]:
        return set(Match.objects.values_list("challenge_id", "organisation_id"))

    started = time.perf_counter()
    run = services.match_run_full(enqueue=False, trigger="bench small")
    services.match_run_process_here(run=run, token=f"bench-{uuid.uuid4()}")
    project = time.perf_counter() - started
    project_pairs = suggested()
    log(f"  project service path on {size} x {size}: {project:.2f}s")

    figures = {}
    for label, per_pair in (("naive", True), ("naive_per_object", False)):
        empty_matches()
        started = time.perf_counter()
        naive.rematch_naive(top_n=TOP_N, per_pair=per_pair)
        seconds = time.perf_counter() - started
        pairs = suggested()
        overlap = len(pairs & project_pairs) / len(project_pairs) if project_pairs else None
        log(f"  {label}: {seconds:.2f}s ({seconds / project:.0f}x), overlap {overlap:.3f}")
        figures[f"{label}_s"] = round(seconds, 2)
        figures[f"{label}_speedup"] = round(seconds / project, 1)
        figures[f"{label}_top{TOP_N}_overlap"] = round(overlap, 4) if overlap is not None else None
    empty_matches()
    return {
        "naive_challenges": size,
        "naive_suppliers": size,
        "naive_project_s": round(project, 3),
        "naive_project_suggestions": len(project_pairs),
        **figures,
    }


# --- Main ---------------------------------------------------------------------------------


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=None, help="default 100000")
    parser.add_argument("--suppliers", type=int, default=None, help="default 10000")
    parser.add_argument("--small", action="store_true", help="2000 x 500, a quick run")
    parser.add_argument(
        "--no-meaning", action="store_true", help="without stored meaning vectors (words only)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--demanders", type=int, default=None, help="challenge owners")
    parser.add_argument("--naive-size", type=int, default=None, help="default 300 (small 100)")
    parser.add_argument("--samples", type=int, default=50, help="single-challenge samples")
    parser.add_argument("--cold-samples", type=int, default=None, help="default 10 (small 5)")
    parser.add_argument("--reference-chunk", type=int, default=2000)
    args = parser.parse_args(argv)
    small = args.small
    args.challenges = args.challenges or (2000 if small else 100_000)
    args.suppliers = args.suppliers or (500 if small else 10_000)
    args.demanders = args.demanders or max(50, min(5000, args.challenges // 20))
    args.naive_size = args.naive_size or (100 if small else 300)
    args.cold_samples = args.cold_samples if args.cold_samples is not None else (5 if small else 10)
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    bench_url, admin_url, bench_name = database_urls(url)
    database_prepare(admin_url, bench_name, keep=args.keep)
    django_setup(bench_url)

    from django.core.management import call_command

    from bench import dataset

    result: dict = {"challenges": args.challenges, "suppliers": args.suppliers}
    try:
        started = time.perf_counter()
        call_command("migrate", "--no-input", verbosity=0, stdout=sys.stderr)
        result["migrate_s"] = round(time.perf_counter() - started, 2)
        log("migrated")

        log(f"naive vs project on {args.naive_size} x {args.naive_size}")
        result.update(measure_naive(size=args.naive_size))

        log(f"generating {args.challenges} challenges x {args.suppliers} suppliers")
        dataset.clear()
        generated = dataset.generate(
            challenges=args.challenges,
            suppliers=args.suppliers,
            demanders=args.demanders,
            log=log,
        )
        result.update(
            demanders=generated.demanders,
            challenge_topic_rows=generated.challenge_topic_rows,
            supplier_topic_rows=generated.supplier_topic_rows,
            generate_s=round(generated.seconds, 2),
            analyze_s=round(generated.seconds_analyze, 2),
        )
        log(f"generated in {generated.seconds:.1f}s (+ ANALYZE {generated.seconds_analyze:.1f}s)")
        if not args.no_meaning:
            result["meaning_generate_s"] = dataset.meaning_generate(log=log)
        result["with_meaning"] = not args.no_meaning

        log("full rematch through the service path")
        result.update(measure_full_rematch())
        log(f"full rematch: {result['full_rematch_s']}s")
        # The first run inserts a million suggestions into an empty table; the nightly run
        # rewrites last night's, where most rows stay and only changes are written.
        log("full rematch again, over the previous run's suggestions (as each night)")
        nightly = measure_full_rematch()
        result["full_rematch_nightly_s"] = nightly["full_rematch_s"]
        result["full_rematch_nightly_breakdown_s"] = nightly["full_rematch_breakdown_s"]
        log(f"full rematch again: {result['full_rematch_nightly_s']}s")

        log("engine alone and the dense reference")
        result.update(measure_scoring_and_reference(reference_chunk=args.reference_chunk))

        log(f"single challenge, {args.samples} samples (+ {args.cold_samples} cold)")
        result.update(
            measure_single_challenge(samples=args.samples, cold_samples=args.cold_samples)
        )
    finally:
        if args.keep:
            log(f"kept database {bench_name}")
        else:
            database_drop(admin_url, bench_name)
    result["peak_rss_mb"] = rss_mb()
    result["total_s"] = round(time.perf_counter() - STARTED, 1)
    result["targets_missed"] = [
        key
        for key, (op, limit) in TARGETS.items()
        if result.get(key) is not None
        and not (result[key] <= limit if op == "<=" else result[key] >= limit)
    ]
    headline = {key: result.pop(key, None) for key in HEADLINE}
    print(json.dumps({**headline, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
