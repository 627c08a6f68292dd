"""Search by meaning at national size: `make bench BENCH=search` (quick: `BENCH_ARGS=--small`).

Creates its own database `<dbname>_bench_search` next to the one DATABASE_URL names, loads
the matching benchmark's national dataset (`bench/dataset.py`: 100 000 challenges, 10 000
suppliers and 5 000 challenge owners), and then:

1. **Embedding**: starts real Celery workers (`--workers`, one process each, on a queue of
   the benchmark's own), sends every part of every kind of text the way the delivery sweep
   does, and times until nothing is pending: texts per second for the whole dataset.
2. **Hybrid search**: the challenge list (`/challenges/?q=...`) through Django's test
   Client, as a visitor and as a signed-in SME owner, for plain-language queries, with
   search by meaning on (full text fused with meaning) and, as the reference in the same
   run, off (today's full text). Every query is one nobody asked before, timed two ways:
   - **new query** (the target): the site is serving, so what it keeps regardless of the query
     (a person's visible rows, the list's counts, the sort orders) is in the shared cache as
     after the first page views; every entry a query left is removed before the next;
   - **flushed**: the whole shared cache is emptied before each request, as right after a
     Redis flush, so the request also rebuilds what is not about the query.
   The data is unchanged, so each process keeps what it holds per data version (such as the
   facet pairs), as a server does.
3. **The sweep's check**: how long finding out that nothing is pending takes per kind.

Progress goes to stderr; the last line on stdout is one JSON object (bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching import (  # importable thanks to the line above
    BASE_DIR,
    DEFAULT_DATABASE_URL,
    database_drop,
    database_prepare,
    database_urls,
    django_setup,
    log,
    percentile_ms,
    rss_mb,
)

QUEUE = "bench-search"
TARGETS = {"hybrid_p95_ms": 150, "embed_all_s": 600}
# Plain-language queries as SME owners and lecturers type them (Dutch and English). The
# benchmark's texts are composed from topic and sector phrases, so most of these find rows
# both ways; what is timed is the page, not the quality (bench/semantics.py measures that).
QUERIES = (
    "chatbot voor klantenservice",
    "planning optimaliseren",
    "voorspellen hoeveel we moeten inkopen",
    "foto's van producten automatisch controleren",
    "klantvragen sneller beantwoorden",
    "energieverbruik van het gebouw verlagen",
    "onderhoud van machines voorspellen",
    "teksten samenvatten voor medewerkers",
    "fraude in facturen opsporen",
    "routes van bezorgers plannen",
    "zorgrooster voor verpleegkundigen",
    "oogst voorspellen met sensoren",
    "spraak omzetten naar tekst",
    "documenten automatisch sorteren",
    "wachttijden in de zorg verkorten",
    "customer service chatbot",
    "predict demand for our products",
    "detect defects with a camera",
    "optimise delivery routes",
    "summarise long reports",
    "afval scheiden met beeldherkenning",
    "personeelsplanning in de horeca",
    "vragen van burgers beantwoorden gemeente",
    "lessen aanpassen aan het niveau van leerlingen",
    "data uit formulieren halen",
    "prijzen bepalen voor een webwinkel",
    "storingen in het netwerk herkennen",
    "veiligheid op de bouwplaats bewaken",
    "taal van brieven eenvoudiger maken",
    "voorraad in het magazijn beheren",
)


def worker_start(env: dict[str, str], name: str, log_dir: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "learningcommunities",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--queues",
        QUEUE,
        "--hostname",
        f"{name}@%h",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    log_file = (log_dir / f"{name}.log").open("w")
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def worker_stop(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def measure_embedding(*, workers: int, bench_url: str, timeout: float) -> dict:
    """Every text embedded by real workers, from nothing, as after a new model version."""
    from django.core.cache import cache

    from apps.semantics import embeddings
    from apps.semantics.models import TextEmbedding

    TextEmbedding.objects.all().delete()
    sources = embeddings.embedded_sources()
    cache.delete_many(
        [
            embeddings._lease_key(source, shard)
            for source in sources
            for shard in range(embeddings.EMBED_SHARDS)
        ]
    )
    texts = sum(embeddings.embeddings_status(source).rows for source in sources)
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "learningcommunities.settings.base",
        "DEBUG": "true",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        # As deployed (README: Deploy): the processes are the parallelism.
        "OPENBLAS_NUM_THREADS": "1",
    }
    log_dir = BASE_DIR / ".data" / "bench-search"
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = [worker_start(env, f"embed{index}", log_dir) for index in range(workers)]
    try:
        started = time.perf_counter()
        for source in sources:
            embeddings.embed_all_pending_send(source)
        pending = texts
        while pending:
            time.sleep(2)
            pending = sum(embeddings.embeddings_pending_count(source) for source in sources)
            elapsed = time.perf_counter() - started
            log(f"  {texts - pending} of {texts} embedded after {elapsed:.0f}s")
            if elapsed > timeout:
                raise SystemExit(f"embedding not done after {timeout:.0f}s: {pending} pending")
            if any(process.poll() is not None for process in processes):
                raise SystemExit(f"a worker exited; see {log_dir}")
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            worker_stop(process)
    stored = TextEmbedding.objects.count()
    return {
        "texts": texts,
        "vectors_stored": stored,
        "embed_workers": workers,
        "embed_all_s": round(seconds, 1),
        "embed_texts_per_s": round(texts / seconds, 1),
    }


def _cache_client():
    from django.core.cache import cache

    return cache._cache.get_client(write=True)


def cache_keys() -> set[bytes]:
    return set(_cache_client().scan_iter(count=1000))


def flushed(site_keys: set[bytes]) -> None:
    """Nothing shared left at all: as right after a Redis flush. The data version stays, as
    on a server between writes (advancing it would also make every request rebuild what a
    process keeps per data version, which a write does once)."""
    from django.core.cache import cache

    cache.clear()


def new_query(site_keys: set[bytes]) -> None:
    """Every shared entry an earlier query left is gone, what the serving site keeps whatever
    the query (`site_keys`, taken after page views without a query) stays."""
    client = _cache_client()
    left = [key for key in client.scan_iter(count=1000) if key not in site_keys]
    for start in range(0, len(left), 500):
        client.delete(*left[start : start + 500])


def bench_member():
    """An SME owner: an active member of a demand organisation of the dataset."""
    from apps.accounts.models import User
    from apps.organisations.models import Membership, Organisation

    owner, _created = User.objects.get_or_create(email="bench-owner@example.invalid")
    organisation = Organisation.objects.filter(kind__role="demand").order_by("pk").first()
    Membership.objects.get_or_create(
        user=owner, organisation=organisation, defaults={"state": Membership.State.ACTIVE}
    )
    return owner


def measure_search(*, rounds: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client
    from django.urls import reverse

    from apps.challenges.meaning import SOURCE
    from apps.challenges.selectors import challenge_filterset
    from apps.semantics.embeddings import stored_vectors, warm_up

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SEMANTICS_LOAD_IN_BACKGROUND = False
    started = time.perf_counter()
    rss_before = rss_mb()
    warm_up()
    result = {
        "vectors_load_s": round(time.perf_counter() - started, 2),
        "vectors_in_memory": len(stored_vectors(SOURCE)),
        "rss_after_vectors_mb": rss_mb(),
        "rss_added_by_model_and_vectors_mb": round(rss_mb() - rss_before, 1),
    }
    owner = bench_member()
    member = Client()
    member.force_login(owner)
    clients = {"visitor": Client(), "member": member}
    url = reverse("challenges:list")
    samples: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    for client in clients.values():
        client.get(url)  # the serving site: what it keeps whatever the query
    site_keys = cache_keys()
    for mode, forget in (("", new_query), ("flushed_", flushed)):
        for persona, client in clients.items():
            for meaning in (True, False):
                settings.SEARCH_BY_MEANING = meaning
                key = f"{persona}_{mode}{'hybrid' if meaning else 'fulltext'}"
                client.get(url, {"q": QUERIES[0]})  # warm-up (code paths, connections)
                for _ in range(rounds):
                    for query in QUERIES:
                        forget(site_keys)
                        begin = time.perf_counter()
                        response = client.get(url, {"q": query})
                        samples.setdefault(key, []).append(time.perf_counter() - begin)
                        if response.status_code != 200:
                            raise SystemExit(f"{url}?q={query} answered {response.status_code}")
                if mode:
                    continue
                # What the list found, outside the timing (the same filterset as the page).
                found[key] = [
                    challenge_filterset(
                        user=owner if persona == "member" else AnonymousUser(), filters={"q": query}
                    ).qs.count()
                    for query in QUERIES
                ]
    settings.SEARCH_BY_MEANING = True
    for key, values in samples.items():
        result[f"{key}_p50_ms"] = percentile_ms(values, 50)
        result[f"{key}_p95_ms"] = percentile_ms(values, 95)
        if key in found:
            hits = found[key]
            result[f"{key}_queries_with_results"] = round(sum(1 for n in hits if n) / len(hits), 2)
        log(f"  {key}: p50 {result[f'{key}_p50_ms']} ms, p95 {result[f'{key}_p95_ms']} ms")
    for mode in ("", "flushed_"):
        result[f"{mode}hybrid_p95_ms"] = max(
            result[f"visitor_{mode}hybrid_p95_ms"], result[f"member_{mode}hybrid_p95_ms"]
        )
        for persona in clients:
            result[f"{persona}_{mode}hybrid_vs_fulltext_p95"] = round(
                result[f"{persona}_{mode}hybrid_p95_ms"]
                / result[f"{persona}_{mode}fulltext_p95_ms"],
                2,
            )
    result["queries"] = len(QUERIES) * rounds
    return result


def measure_sweep_check() -> dict:
    """The sweep asks every minute whether anything is pending; with nothing pending that is
    a scan of every row's text hash against the stored ones."""
    from apps.semantics import embeddings

    result = {}
    for source in embeddings.embedded_sources():
        begin = time.perf_counter()
        pending = embeddings._pending(embeddings._sources[source]).exists()
        result[source] = {"ms": round((time.perf_counter() - begin) * 1000, 1), "pending": pending}
    return {"sweep_check": result}


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=None, help="default 100000")
    parser.add_argument("--suppliers", type=int, default=None, help="default 10000")
    parser.add_argument("--small", action="store_true", help="2000 x 500, a quick run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--rounds", type=int, default=None, help="passes over the queries")
    parser.add_argument("--embed-timeout", type=float, default=1800, help="seconds")
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="with --keep: time the search on the kept, embedded dataset (no generate, no embed)",
    )
    args = parser.parse_args(argv)
    args.challenges = args.challenges or (2000 if args.small else 100_000)
    args.suppliers = args.suppliers or (500 if args.small else 10_000)
    args.demanders = max(50, min(5000, args.challenges // 20))
    args.rounds = args.rounds or (1 if args.small else 2)
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    matching_url, admin_url, matching_name = database_urls(url)
    bench_name = f"{matching_name}_search"
    bench_url = urlunsplit(urlsplit(matching_url)._replace(path=f"/{bench_name}"))
    database_prepare(admin_url, bench_name, keep=args.keep)
    django_setup(bench_url)

    from django.core.management import call_command

    from bench import dataset
    from learningcommunities.celery import app

    # This process sends to the benchmark's queue, which only its own workers read.
    app.conf.task_default_queue = QUEUE
    result: dict = {"challenges": args.challenges, "suppliers": args.suppliers}
    try:
        call_command("migrate", "--no-input", verbosity=0, stdout=sys.stderr)
        if not args.search_only:
            log(f"generating {args.challenges} challenges x {args.suppliers} suppliers")
            dataset.clear()
            generated = dataset.generate(
                challenges=args.challenges,
                suppliers=args.suppliers,
                demanders=args.demanders,
                log=log,
            )
            result["generate_s"] = round(generated.seconds + generated.seconds_analyze, 2)
            log(f"embedding every text with {args.workers} Celery workers")
            result.update(
                measure_embedding(
                    workers=args.workers, bench_url=bench_url, timeout=args.embed_timeout
                )
            )
        result.update(measure_sweep_check())
        log(f"timing the challenge list, {args.rounds} x {len(QUERIES)} queries per mode")
        result.update(measure_search(rounds=args.rounds))
    finally:
        if not args.keep:
            database_drop(admin_url, bench_name)
    if args.challenges >= 100_000:
        result["targets_missed"] = [
            name for name, limit in TARGETS.items() if result.get(name, 0) > limit
        ]  # with --search-only there is no embed_all_s to miss
    result["peak_rss_mb"] = rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
