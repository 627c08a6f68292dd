"""Load benchmark: `make bench BENCH=load` (quick: `BENCH_ARGS=--small`).

Serves the site the way production does (gunicorn with deploy/gunicorn.conf.py, settings
`learningcommunities.settings.base` with DEBUG off) from its own database,
`<dbname>_bench_load`, filled with the national dataset of the matching benchmark plus the
programme activity of the insights benchmark, and drives it from loopback with locust
(bench/load_locust.py): anonymous visitors and signed-in SME owners, lecturers and hub
coordinators (password and a real TOTP code), each on their own journey. Workers are recycled
during the run on purpose (max_requests 500, a quarter of production's), so the run also shows
whether recycling drops connections. Progress goes to stderr; stdout ends with the targets
(pass/fail) and, as its last line, one JSON object with the figures (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching import (  # importable thanks to the line above
    BASE_DIR,
    DEFAULT_DATABASE_URL,
    database_urls,
    django_setup,
    log,
)

SEED = 2028
PASSWORD = "bench-load-wachtwoord"  # every persona's; only ever in the throw-away database
EMAIL_DOMAIN = "load.bench.invalid"
# Targets (issue 9): no errors or resets, member pages p95 <= 300 ms, the challenge list for
# a member at most 1.5 x the same list for a visitor (medians, same run).
TARGET_MEMBER_P95_MS = 300
TARGET_MEMBER_VS_VISITOR = 1.5
# Share of each kind of user; the rest are anonymous visitors.
MIX = {"sme": 0.2, "lecturer": 0.24, "coordinator": 0.16}
# Hubs get coordinators busiest first; each coordinator reviews matches of its hub.
REVIEW_CHALLENGES = 200
SAMPLE = 1000  # ids and slugs of each kind handed to the visitors' journeys

HEADLINE = (
    "challenges",
    "suppliers",
    "users",
    "duration_s",
    "rps",
    "requests",
    "errors",
    "reset_connections",
    "worker_recycles",
    "member_vs_visitor_challenge_list",
    "targets_passed",
)


# --- People on top of the insights dataset -----------------------------------------------------


def _sample(rng: np.random.Generator, values: list, size: int) -> list:
    if len(values) <= size:
        return list(values)
    return [values[i] for i in sorted(rng.choice(len(values), size=size, replace=False))]


def personas_create(*, counts: dict[str, int], seed: int = SEED) -> dict:
    """SME owners (administrators of a challenge owner), lecturers (members of an education
    supplier, with expertise and two communities) and hub coordinators (with a TOTP
    authenticator) through the real services and models, plus what the visitors' journeys
    pick from. Returns the plan the locustfile reads."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.db.models import Count, Q

    from apps.accounts.models import User
    from apps.challenges.models import Challenge
    from apps.communities.models import CommunityMembership, LearningCommunity
    from apps.hubs.models import Hub
    from apps.hubs.services import hub_coordinator_add
    from apps.knowledge.models import KnowledgeItem
    from apps.organisations.models import Membership, Organisation
    from apps.taxonomy.models import AITopic, Format, Province, Sector
    from bench.dataset import TOPIC_PHRASES

    rng = np.random.default_rng(seed)
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    password = make_password(PASSWORD)  # hashed once; each login still checks it for real
    listed = Q(status__in=("published", "in_community"))

    def person(kind: str, index: int, **fields) -> User:
        user = User.objects.create(
            email=f"{kind}-{index}@{EMAIL_DOMAIN}",
            password=password,
            full_name=f"{kind.title()} {index}",
            **fields,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation_id FROM challenges_challenge "
            "WHERE status IN ('published', 'in_community') GROUP BY organisation_id ORDER BY 1"
        )
        owners = [row[0] for row in cursor.fetchall()]
    smes = []
    for index, organisation_id in enumerate(_sample(rng, owners, counts["sme"]), start=1):
        user = person("sme", index)
        Membership.objects.create(
            user=user, organisation_id=organisation_id, role="admin", state="active"
        )
        challenges = list(
            Challenge.objects.filter(organisation_id=organisation_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:20]
        )
        smes.append(
            {
                "email": user.email,
                "organisation": Organisation.objects.get(pk=organisation_id).slug,
                "challenges": challenges,
            }
        )

    suppliers = list(
        Organisation.objects.filter(
            kind__slug__in=("hbo", "mbo", "wo", "lectorate", "practorate"), is_active=True
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    communities = list(
        LearningCommunity.objects.filter(status="active").order_by("pk").values_list("pk", "slug")
    )
    lecturers = []
    for index, organisation_id in enumerate(_sample(rng, suppliers, counts["lecturer"]), start=1):
        organisation = Organisation.objects.get(pk=organisation_id)
        user = person("lecturer", index, province_id=organisation.province_id)
        Membership.objects.create(user=user, organisation=organisation, state="active")
        topics = list(organisation.topics.order_by("pk").values_list("pk", flat=True))
        user.expertise_topics.set(_sample(rng, topics, 4))
        mine = _sample(rng, communities, 2)
        CommunityMembership.objects.bulk_create(
            CommunityMembership(community_id=pk, user=user, role="lecturer") for pk, _ in mine
        )
        lecturers.append({"email": user.email, "communities": [slug for _, slug in mine]})

    hubs = list(
        Hub.objects.annotate(
            listed=Count(
                "provinces__challenges", filter=Q(provinces__challenges__status="published")
            )
        ).order_by("-listed", "slug")
    )
    coordinators = []
    for index in range(1, counts["coordinator"] + 1):
        hub = hubs[(index - 1) % len(hubs)]
        user = person("coordinator", index)
        hub_coordinator_add(hub=hub, user=user)
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        review = list(
            Challenge.objects.filter(province__hubs=hub, status="published")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        coordinators.append(
            {
                "email": user.email,
                "totp_secret": secret,
                "hub": hub.slug,
                "review_challenges": _sample(rng, review, REVIEW_CHALLENGES),
            }
        )

    def slugs(queryset, field="slug") -> list:
        return _sample(rng, list(queryset.order_by("pk").values_list(field, flat=True)), SAMPLE)

    phrases = sorted({phrase for group in TOPIC_PHRASES.values() for phrase in group})
    return {
        "password": PASSWORD,
        "sme": smes,
        "lecturer": lecturers,
        "coordinator": coordinators,
        "challenges": slugs(Challenge.objects.filter(listed), "pk"),
        "organisations": slugs(Organisation.objects.filter(is_active=True)),
        "communities": slugs(LearningCommunity.objects.filter(is_public=True)),
        "knowledge": slugs(KnowledgeItem.objects.filter(visibility="public")),
        "hubs": [hub.slug for hub in hubs],
        "facets": {
            "province": list(Province.objects.order_by("pk").values_list("code", flat=True)),
            "topic": list(AITopic.objects.order_by("pk").values_list("slug", flat=True)),
            "sector": list(Sector.objects.order_by("pk").values_list("slug", flat=True)),
            "format": list(Format.objects.order_by("pk").values_list("slug", flat=True)),
            "hub": [hub.slug for hub in hubs],
        },
        "searches": _sample(rng, phrases, 60),
    }


# --- The benchmark's own database ----------------------------------------------------------------

# DROP DATABASE waits for every backend of the server to answer a signal barrier; one busy
# session elsewhere (another engineer's long statement) can hold it for minutes. Bounded, so
# the benchmark says so instead of hanging.
DROP_TIMEOUT = "30s"


def _admin(admin_url: str):
    import psycopg

    connection = psycopg.connect(admin_url, autocommit=True)
    connection.execute(f"SET statement_timeout = '{DROP_TIMEOUT}'")
    return connection


def database_prepare(admin_url: str, name: str, *, keep: bool) -> str:
    """Creates the database (dropped first) and returns its name. When the server cannot drop
    it in time, a cancelled DROP leaves it invalid: the run then uses a name of its own, and
    a later run drops such leftovers."""
    import psycopg

    with _admin(admin_url) as connection:
        # datconnlimit -2: a DROP that was interrupted left it unusable.
        usable = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s AND datconnlimit <> -2", [name]
        ).fetchone()
        if usable and keep:
            log(f"reusing database {name} (--keep)")
            return name
        try:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            leftovers = connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}\\_%"]
            ).fetchall()
            for (leftover,) in leftovers:
                connection.execute(f'DROP DATABASE IF EXISTS "{leftover}" WITH (FORCE)')
                log(f"dropped the leftover database {leftover}")
        except psycopg.errors.QueryCanceled:
            log(f"could not drop database {name} within {DROP_TIMEOUT}")
            name = f"{name}_{os.getpid()}"
        connection.execute(f'CREATE DATABASE "{name}"')
        log(f"created database {name}")
    return name


def database_drop(admin_url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    try:
        with _admin(admin_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.errors.QueryCanceled:
        log(
            f"could not drop database {name} within {DROP_TIMEOUT} (the server is busy); "
            "a later run drops it"
        )
        return
    log(f"dropped database {name}")


# --- The server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(*, database_url: str, port: int, args: argparse.Namespace) -> dict:
    """Production settings for the served site: DEBUG off, a secret, one host, behind a TLS
    proxy (the load generator sends what the proxy would: X-Forwarded-Proto and -For)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="learningcommunities.settings.base",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-load-" + os.urandom(24).hex(),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",
        BEHIND_TLS_PROXY="true",
        TRUSTED_PROXY_COUNT="1",
        CACHE_KEY_PREFIX=f"lc-bench-load-{os.getpid()}",
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_MAX_REQUESTS=str(args.max_requests),
        GUNICORN_MAX_REQUESTS_JITTER=str(args.max_requests_jitter),
    )
    env.pop("ENV_FILE", None)
    if args.keepalive is not None:
        env["GUNICORN_KEEPALIVE"] = str(args.keepalive)
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    return env


def collectstatic(env: dict) -> None:
    """The manifest the production static storage needs (STATIC_ROOT, git-ignored); skipped
    while it is newer than every file in static/."""
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    sources = [path.stat().st_mtime for path in (BASE_DIR / "static").rglob("*") if path.is_file()]
    if manifest.exists() and manifest.stat().st_mtime > max(sources, default=0):
        log("static files already collected")
        return
    log("collectstatic (the production static storage needs its manifest)")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def gunicorn_start(env: dict, log_path: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log_path, "wb") as output:
        return subprocess.Popen(
            [str(gunicorn), "-c", "deploy/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_serving(url: str, server: subprocess.Popen, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f}s")
        time.sleep(0.5)


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def server_log_figures(log_path: Path) -> dict:
    """Recycles and server errors from gunicorn's log (error log and access log)."""
    text = log_path.read_text(errors="replace")
    statuses: dict[str, int] = {}
    for match in re.finditer(r'" (\d{3}) ', text):
        statuses[match.group(1)] = statuses.get(match.group(1), 0) + 1
    return {
        "worker_recycles": text.count("Autorestarting worker"),
        "workers_booted": len(re.findall(r"Booting worker with pid", text)),
        "server_statuses": dict(sorted(statuses.items())),
        "server_tracebacks": text.count("Traceback"),
    }


def cache_clear(prefix: str) -> None:
    """The run's keys (sessions, rate limits, cached pages) from the shared Redis."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


# --- Load --------------------------------------------------------------------------------------


def user_counts(users: int) -> dict[str, int]:
    counts = {kind: max(1, round(users * share)) for kind, share in MIX.items()}
    counts["visitor"] = users - sum(counts.values())
    if counts["visitor"] < 1:
        raise SystemExit(f"--users {users} is too few for every kind of user (at least 5)")
    return counts


def warm_up_allowance(args: argparse.Namespace) -> int:
    """The most time the run gives the users to start and sign in (a password hash each, a
    TOTP step for coordinators). The locustfile ends the run `--duration` seconds after the
    last one has signed in; this only caps a server too slow to get there."""
    return int(args.users / args.spawn_rate) + args.max_warm_up


def locust_run(*, host: str, plan_path: Path, result_path: Path, log_path: Path, args) -> int:
    locust = Path(sys.executable).with_name("locust")
    env = dict(os.environ, BENCH_LOAD_PLAN=str(plan_path), BENCH_LOAD_RESULT=str(result_path))
    command = [
        str(locust),
        "-f",
        str(BASE_DIR / "bench" / "load_locust.py"),
        "--headless",
        "--only-summary",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.duration + warm_up_allowance(args)}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--loglevel",
        "WARNING",
    ]
    with open(log_path, "wb") as output:
        return subprocess.run(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=output
        ).returncode


def targets(result: dict) -> list[dict]:
    pages = result["pages"]
    checks = [
        {"target": "errors == 0", "value": result["errors"], "pass": result["errors"] == 0},
        {
            "target": "reset connections == 0",
            "value": result["reset_connections"],
            "pass": result["reset_connections"] == 0,
        },
    ]
    for name, figures in sorted(pages.items()):
        if name.startswith(("visitor ", "login ")):
            continue
        checks.append(
            {
                "target": f"{name}: p95 <= {TARGET_MEMBER_P95_MS} ms"
                + (" (only warm-up samples)" if figures.get("warm_up_only") else ""),
                "value": figures["p95_ms"],
                "pass": figures["p95_ms"] is not None and figures["p95_ms"] <= TARGET_MEMBER_P95_MS,
            }
        )
    ratio = result.get("member_vs_visitor_challenge_list")
    checks.append(
        {
            "target": f"member challenge list p50 <= {TARGET_MEMBER_VS_VISITOR} x visitor's",
            "value": ratio,
            "pass": ratio is not None and ratio <= TARGET_MEMBER_VS_VISITOR,
        }
    )
    return checks


# --- Main ------------------------------------------------------------------------------------


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="3000 x 500, 30 s, 20 users")
    parser.add_argument("--challenges", type=int, default=None, help="default 100000")
    parser.add_argument("--suppliers", type=int, default=None, help="default 10000")
    parser.add_argument("--demanders", type=int, default=None, help="challenge owners")
    parser.add_argument("--duration", type=int, default=None, help="seconds (180; 30 small)")
    parser.add_argument("--users", type=int, default=None, help="concurrent users (50; 20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started a second")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=None,
        help="gunicorn max_requests for the run (500; 10 small): every worker recycles once or "
        "twice in a full run",
    )
    parser.add_argument("--max-requests-jitter", type=int, default=None, help="(a fifth of it)")
    parser.add_argument(
        "--keepalive", type=int, default=None, help="override gunicorn keepalive (seconds)"
    )
    parser.add_argument("--workers", type=int, default=None, help="override gunicorn workers")
    parser.add_argument(
        "--max-warm-up",
        type=int,
        default=600,
        help="seconds the users may take to sign in before the run ends anyway (600)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database; reuse its data next time"
    )
    args = parser.parse_args(argv)
    args.challenges = args.challenges or (3000 if args.small else 100_000)
    args.suppliers = args.suppliers or (500 if args.small else 10_000)
    args.demanders = args.demanders or max(50, min(5000, args.challenges // 20))
    args.duration = args.duration or (30 if args.small else 180)
    args.users = args.users or (20 if args.small else 50)
    # Production recycles a worker after 2000 requests (deploy/gunicorn.conf.py). A full run
    # serves about 4 000 on five workers, so 500 recycles each once or twice while loaded,
    # which is what the reset check needs; with 50 the run recycled 57 times, and the new
    # workers' cold first requests (a second each) took about a third of the server's time,
    # a cost production pays 40 times less often.
    args.max_requests = args.max_requests or (10 if args.small else 500)
    if args.max_requests_jitter is None:
        args.max_requests_jitter = max(1, args.max_requests // 5)
    return args


def data_prepare(args: argparse.Namespace, result: dict) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import dataset, insights

    started = time.perf_counter()
    call_command("migrate", "--no-input", verbosity=0, stdout=sys.stderr)
    log(f"migrated in {time.perf_counter() - started:.1f}s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM challenges_challenge")
        existing = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM communities_learningcommunity")
        existing_communities = cursor.fetchone()[0]
    if args.keep and existing == args.challenges and existing_communities:
        log(f"reusing the kept data ({existing} challenges)")
        result["data_reused"] = True
        return
    log(f"generating {args.challenges} challenges x {args.suppliers} suppliers")
    insights.proposed_indexes_drop()
    insights.clear_activity()
    dataset.clear()
    generated = dataset.generate(
        challenges=args.challenges,
        suppliers=args.suppliers,
        demanders=args.demanders,
        log=log,
    )
    result["generate_s"] = round(generated.seconds + generated.seconds_analyze, 2)
    log("matches, communities, participants and knowledge")
    activity = insights.generate_activity()
    result.update(
        {key: activity[key] for key in ("matches", "communities", "knowledge_items", "people")}
    )


def main(argv: list[str]) -> int:
    args = arguments(argv)
    counts = user_counts(args.users)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    matching_url, admin_url, matching_name = database_urls(url)
    # Its own database: the other benchmarks can run at the same time.
    bench_name = f"{matching_name}_load"
    bench_name = database_prepare(admin_url, bench_name, keep=args.keep)
    bench_url = urlunsplit(urlsplit(matching_url)._replace(path=f"/{bench_name}"))
    django_setup(bench_url)

    from django.db import connections

    result: dict = {
        "challenges": args.challenges,
        "suppliers": args.suppliers,
        "users": args.users,
        "duration_s": args.duration,
        "user_mix": counts,
        "max_requests": args.max_requests,
        "max_requests_jitter": args.max_requests_jitter,
    }
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env = production_env(database_url=bench_url, port=port, args=args)
    work = Path(tempfile.mkdtemp(prefix="lc-bench-load-"))
    server = None
    try:
        data_prepare(args, result)
        log(f"people: {counts}")
        plan = personas_create(counts=counts)
        plan.update(users=args.users, counts=counts, host=host, duration=args.duration)
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan))
        connections.close_all()
        collectstatic(env)
        server_log = work / "gunicorn.log"
        server = gunicorn_start(env, server_log)
        wait_until_serving(f"{host}/", server)
        log(f"gunicorn serving at {host} (log {server_log})")
        result_path = work / "locust.json"
        locust_log = work / "locust.log"
        log(f"locust: {args.users} users for {args.duration}s (log {locust_log})")
        exit_code = locust_run(
            host=host,
            plan_path=plan_path,
            result_path=result_path,
            log_path=locust_log,
            args=args,
        )
        if not result_path.exists():
            raise SystemExit(f"locust exited with {exit_code} and no result; see {locust_log}")
        gunicorn_stop(server)
        result.update(json.loads(result_path.read_text()))
        result.update(server_log_figures(server_log))
    finally:
        if server is not None:
            gunicorn_stop(server)
        cache_clear(env["CACHE_KEY_PREFIX"])
        if args.keep:
            log(f"kept database {bench_name}")
        else:
            database_drop(admin_url, bench_name)
    result["work_dir"] = str(work)
    checks = targets(result)
    result["targets"] = checks
    result["targets_passed"] = all(check["pass"] for check in checks)
    result["targets_missed"] = [check["target"] for check in checks if not check["pass"]]
    for check in checks:
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {check['value']}")
    headline = {key: result.pop(key, None) for key in HEADLINE}
    print(json.dumps({**headline, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
