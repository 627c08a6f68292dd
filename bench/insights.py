"""Insights benchmark: `make bench BENCH=insights` (quick: `BENCH_ARGS=--small`).

Creates its own database `<dbname>_bench_insights` next to the one DATABASE_URL names
(never the dev or test database, nor the matching benchmark's), migrates it, loads the
matching benchmark's national dataset (`bench/dataset.py`), adds what a running programme
has on top of it in bulk (suggested and accepted matches, communities with their challenges,
participants, knowledge items) and renders the national insights page and a hub's page
through Django's test Client, timing each run. Progress goes to stderr; the last line on
stdout is one JSON object with the figures (see bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.matching import (  # importable thanks to the line above
    DEFAULT_DATABASE_URL,
    database_drop,
    database_prepare,
    database_urls,
    django_setup,
    log,
    percentile_ms,
    rss_mb,
)

STARTED = time.perf_counter()
SEED = 2027
HUB = "zuid-holland"  # the busiest region: the slowest hub page
TARGET_MS = 500
# Suggestions per challenge (a full rematch writes the top 10) and what people did with them.
SUGGESTIONS = 10
SHARE_IN_COMMUNITY = 0.10
SHARE_ACCEPTED_WAITING = 0.20
SHARE_SHORTLISTED = 0.15
COMMUNITY_STATUS = {"forming": 0.3, "active": 0.5, "completed": 0.2}
ROLES = {
    "company-participant": 0.30,
    "lecturer": 0.25,
    "student": 0.30,
    "researcher": 0.10,
    "coordinator": 0.05,
}
KINDS = ("case", "tool", "instrument", "lesson", "teaching-material")

HEADLINE = (
    "challenges",
    "suppliers",
    "national_p50_ms",
    "national_p95_ms",
    "hub_p50_ms",
    "hub_p95_ms",
    "home_p50_ms",
    "count_p50_ms",
    "national_vs_home",
    "hub_vs_home",
    "national_queries",
    "hub_queries",
)


# --- Data on top of the matching dataset -------------------------------------------------------


def _ints(cursor, sql: str, params=()) -> np.ndarray:
    cursor.execute(sql, params)
    return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)


def generate_activity(*, seed: int = SEED) -> dict:
    """Matches, communities, participants and knowledge for the loaded dataset, all with
    COPY or set-based UPDATEs. Deterministic for a given dataset and seed."""
    from django.db import connection
    from django.utils import timezone

    from bench.dataset import _copy, _reset_sequences

    rng = np.random.default_rng(seed)
    now = timezone.now()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.published_at, h.hub_id FROM challenges_challenge c "
            "JOIN hubs_hub_provinces h ON h.province_id = c.province_id ORDER BY c.id"
        )
        rows = cursor.fetchall()
        suppliers = _ints(
            cursor,
            "SELECT o.id FROM organisations_organisation o JOIN taxonomy_organisationkind k "
            "ON k.id = o.kind_id WHERE k.role = 'supply' ORDER BY o.id",
        )
    challenge_ids = np.array([row[0] for row in rows], dtype=np.int64)
    published = [row[1] for row in rows]
    challenge_hub = np.array([row[2] for row in rows], dtype=np.int64)
    n, m = len(challenge_ids), len(suppliers)

    # Outcomes per challenge.
    draw = rng.random(n)
    in_community = draw < SHARE_IN_COMMUNITY
    accepted_waiting = (draw >= SHARE_IN_COMMUNITY) & (
        draw < SHARE_IN_COMMUNITY + SHARE_ACCEPTED_WAITING
    )
    has_accepted = in_community | accepted_waiting
    second_accepted = has_accepted & (rng.random(n) < 0.3)
    shortlisted = ~has_accepted & (rng.random(n) < SHARE_SHORTLISTED)
    accept_after = rng.gamma(2.0, 9.0, size=(n, 2))  # days; median about two weeks

    # Suggestions: SUGGESTIONS distinct suppliers per challenge (a start and a stride).
    per = min(SUGGESTIONS, m)
    start = rng.integers(0, m, size=n)
    stride = rng.integers(1, max(2, m // per), size=n)
    score = np.clip(0.9 - 0.05 * np.arange(per)[None, :] + rng.normal(0, 0.03, (n, per)), 0, 1)

    def match_rows():
        for i in range(n):
            for rank in range(per):
                organisation = int(suppliers[(start[i] + rank * stride[i]) % m])
                status, changed = "suggested", None
                if (rank == 0 and has_accepted[i]) or (rank == 1 and second_accepted[i]):
                    changed = min(published[i] + timedelta(days=float(accept_after[i, rank])), now)
                    status = "accepted"
                elif rank == 1 and shortlisted[i]:
                    status, changed = "shortlisted", published[i] + timedelta(days=3)
                elif rank == 2 and has_accepted[i]:
                    status, changed = "declined", published[i] + timedelta(days=5)
                yield (
                    int(challenge_ids[i]),
                    organisation,
                    float(score[i, rank]),
                    rank + 1,
                    "[]",
                    "bench",
                    now,
                    status,
                    changed,
                )

    matches = _copy(
        "matching_match",
        (
            "challenge_id",
            "organisation_id",
            "score",
            "rank",
            "reasons",
            "algorithm_version",
            "computed_at",
            "status",
            "status_changed_at",
        ),
        match_rows(),
    )
    log(f"  {matches} matches ({int(has_accepted.sum() + second_accepted.sum())} accepted)")

    # Communities: the in-community challenges of one hub, one to three at a time.
    chosen = np.flatnonzero(in_community)
    chosen = chosen[np.argsort(challenge_hub[chosen], kind="stable")]
    communities, links = [], []
    position = 0
    statuses = list(COMMUNITY_STATUS)
    status_p = np.array(list(COMMUNITY_STATUS.values()))
    while position < len(chosen):
        size = int(rng.integers(1, 4))
        members = chosen[position : position + size]
        members = members[challenge_hub[members] == challenge_hub[members[0]]]
        position += len(members)
        community_id = len(communities) + 1
        status = statuses[rng.choice(len(statuses), p=status_p)]
        communities.append((community_id, int(challenge_hub[members[0]]), status))
        links.extend((community_id, int(challenge_ids[i])) for i in members)
    _copy(
        "communities_learningcommunity",
        (
            "id",
            "name",
            "slug",
            "goal",
            "learning_objectives",
            "status",
            "is_public",
            "created_at",
            "updated_at",
            "hub_id",
        ),
        (
            (
                pk,
                f"Leergemeenschap {pk}",
                f"bench-community-{pk}",
                "Samen leren.",
                "",
                status,
                True,
                now,
                now,
                hub,
            )
            for pk, hub, status in communities
        ),
    )
    _copy(
        "communities_learningcommunity_challenges",
        ("learningcommunity_id", "challenge_id"),
        links,
    )
    community_status = {pk: status for pk, _hub, status in communities}
    closed = [challenge for pk, challenge in links if community_status[pk] == "completed"]
    grouped = [challenge for pk, challenge in links if community_status[pk] != "completed"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE challenges_challenge SET status = 'in_community' WHERE id = ANY(%s)", [grouped]
        )
        cursor.execute(
            "UPDATE challenges_challenge SET status = 'closed', closed_at = now() "
            "WHERE id = ANY(%s)",
            [closed],
        )
    log(f"  {len(communities)} communities with {len(links)} challenges")

    # Participants: 4-10 per community from a pool of people (some in several communities).
    sizes = rng.integers(4, 11, size=len(communities))
    people = max(10, int(sizes.sum() * 0.7))
    _copy(
        "accounts_user",
        (
            "id",
            "password",
            "is_superuser",
            "email",
            "full_name",
            "preferred_language",
            "bio",
            "is_programme_coordinator",
            "is_staff",
            "is_active",
            "date_joined",
            "email_visibility",
            "offer",
            "profile_visibility",
        ),
        (
            (
                pk,
                "!",
                False,
                f"bench-person-{pk}@example.invalid",
                f"Deelnemer {pk}",
                "nl",
                "",
                False,
                False,
                True,
                now,
                "only-me",
                "",
                "members",
            )
            for pk in range(1, people + 1)
        ),
    )
    role_names = list(ROLES)
    role_p = np.array(list(ROLES.values()))

    def membership_rows():
        for index, (community_id, _hub, _status) in enumerate(communities):
            first = int(rng.integers(0, people))
            step = int(rng.integers(1, max(2, people // 11)))
            roles = rng.choice(len(role_names), size=int(sizes[index]), p=role_p)
            for k, role in enumerate(roles):
                yield (role_names[role], now, ((first + k * step) % people) + 1, community_id)

    memberships = _copy(
        "communities_communitymembership",
        ("role", "joined_at", "user_id", "community_id"),
        membership_rows(),
    )
    log(f"  {people} people, {memberships} memberships")

    # Knowledge: a few items per community, made over the last two years.
    per_community = rng.poisson(1.5, size=len(communities))
    kinds = rng.integers(0, len(KINDS), size=int(per_community.sum()))
    ages = rng.integers(0, 730, size=len(kinds))

    def knowledge_rows():
        item = 0
        for index, (community_id, _hub, _status) in enumerate(communities):
            for _ in range(int(per_community[index])):
                item += 1
                made = now - timedelta(days=int(ages[item - 1]))
                yield (
                    item,
                    f"Les {item}",
                    f"bench-knowledge-{item}",
                    KINDS[kinds[item - 1]],
                    "Wat we leerden.",
                    "",
                    "",
                    "",
                    "cc-by-4.0",
                    "public",
                    made,
                    made,
                    community_id,
                )

    items = _copy(
        "knowledge_knowledgeitem",
        (
            "id",
            "title",
            "slug",
            "kind",
            "summary",
            "body",
            "file",
            "link",
            "licence",
            "visibility",
            "created_at",
            "updated_at",
            "source_community_id",
        ),
        knowledge_rows(),
    )
    _reset_sequences(
        (
            "communities_learningcommunity",
            "communities_learningcommunity_challenges",
            "communities_communitymembership",
            "accounts_user",
            "knowledge_knowledgeitem",
            "matching_match",
        )
    )
    log(f"  {items} knowledge items")
    vacuum()
    return {
        "matches": matches,
        "accepted_matches": int(has_accepted.sum() + second_accepted.sum()),
        "communities": len(communities),
        "community_challenges": len(links),
        "people": people,
        "memberships": memberships,
        "knowledge_items": items,
        "activity_generate_s": round(time.perf_counter() - started, 2),
    }


def vacuum() -> None:
    """Statistics and visibility maps as autovacuum leaves them on a settled database, so
    index-only scans are possible (a freshly COPYed table has no visibility map yet)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    log(f"  VACUUM (ANALYZE) in {time.perf_counter() - started:.1f}s")


# Indexes that belong to other apps' models and would speed the insights up; the benchmark
# measures the pages without them (as shipped) and then with them, in its own database.
PROPOSED_INDEXES = {
    "matching.Match": (
        "CREATE INDEX bench_match_accepted ON matching_match "
        "(challenge_id, organisation_id, status_changed_at) WHERE status = 'accepted'",
        'models.Index(fields=["challenge", "organisation", "status_changed_at"], '
        'condition=models.Q(status="accepted"), name="match_accepted")',
    ),
    "challenges.Challenge": (
        "CREATE INDEX bench_challenge_status_province_incl ON challenges_challenge "
        "(status, province_id) INCLUDE (id, published_at)",
        'models.Index(fields=["status", "province"], include=["id", "published_at"], '
        'name="challenge_status_province_incl")',
    ),
}


def proposed_indexes_drop() -> None:
    """A kept database may still have them from an earlier run."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, _django in PROPOSED_INDEXES.values():
            name = sql.split()[2]
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def proposed_indexes_create() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, _django in PROPOSED_INDEXES.values():
            cursor.execute(sql)
    vacuum()


ACTIVITY_TABLES = (
    "knowledge_knowledgeitem",
    "communities_communitymembership",
    "communities_learningcommunity_challenges",
    "communities_learningcommunity",
    "accounts_user",
)


def clear_activity() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(ACTIVITY_TABLES)} RESTART IDENTITY CASCADE")


# --- Measurements ------------------------------------------------------------------------------


def timed_requests(client, url: str, runs: int) -> tuple[list[float], int]:
    """Wall times of `runs` GETs (after two warm-ups); fails loudly on a non-200."""
    statuses = set()
    for _ in range(2):
        statuses.add(client.get(url).status_code)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        statuses.add(response.status_code)
    if statuses != {200}:
        raise SystemExit(f"{url} answered {sorted(statuses)}")
    return samples, len(response.content)


def query_profile(client, url: str) -> dict:
    """Queries of one request, with the slowest ones (SQL shortened)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
    return {
        "queries": len(captured.captured_queries),
        "sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "slowest_ms": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": " ".join(q["sql"].split())[:160]}
            for q in queries[:5]
        ],
    }


def signed_in_with_second_factor(user):
    """A test client signed in as allauth's login flow leaves a coordinator after the password
    and a TOTP code: the insights pages of coordinators require the second factor, and a
    bare `force_login` is sent to set one up (a 302, not the page)."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, generate_totp_secret()).instance
    client = Client()
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def measure(*, runs: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.hubs.models import Hub, HubCoordinator

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    national_user, _created = User.objects.get_or_create(
        email="bench-programme@example.invalid", defaults={"is_programme_coordinator": True}
    )
    hub_user, _created = User.objects.get_or_create(email="bench-hub@example.invalid")
    HubCoordinator.objects.get_or_create(hub=Hub.objects.get(slug=HUB), user=hub_user)
    national_client = signed_in_with_second_factor(national_user)
    hub_client = signed_in_with_second_factor(hub_user)
    anonymous = Client()
    national_url = reverse("insights:national")
    hub_url = reverse("insights:hub", kwargs={"slug": HUB})

    result: dict = {}
    national, size = timed_requests(national_client, national_url, runs)
    result["national_bytes"] = size
    hub, size = timed_requests(hub_client, hub_url, runs)
    result["hub_bytes"] = size
    home, _size = timed_requests(anonymous, reverse("portal:home"), runs)
    csv, _size = timed_requests(
        national_client, reverse("insights:csv", kwargs={"table": "topics"}), runs
    )
    counts = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM challenges_challenge")
            cursor.fetchone()
            counts.append(time.perf_counter() - started)
    for name, samples in (("national", national), ("hub", hub), ("home", home), ("csv", csv)):
        result[f"{name}_p50_ms"] = percentile_ms(samples, 50)
        result[f"{name}_p95_ms"] = percentile_ms(samples, 95)
        result[f"{name}_max_ms"] = percentile_ms(samples, 100)
        log(f"  {name}: p50 {result[f'{name}_p50_ms']} ms, p95 {result[f'{name}_p95_ms']} ms")
    result["count_p50_ms"] = percentile_ms(counts, 50)
    result["national_vs_home"] = round(result["national_p50_ms"] / result["home_p50_ms"], 1)
    result["hub_vs_home"] = round(result["hub_p50_ms"] / result["home_p50_ms"], 1)
    result["national_vs_count"] = round(result["national_p50_ms"] / result["count_p50_ms"], 1)
    result["runs"] = runs
    national_profile = query_profile(national_client, national_url)
    hub_profile = query_profile(hub_client, hub_url)
    result["national_queries"] = national_profile.pop("queries")
    result["hub_queries"] = hub_profile.pop("queries")
    result["national_sql"] = national_profile
    result["hub_sql"] = hub_profile
    return result


# --- Main ------------------------------------------------------------------------------------


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--challenges", type=int, default=None, help="default 100000")
    parser.add_argument("--suppliers", type=int, default=None, help="default 10000")
    parser.add_argument("--small", action="store_true", help="2000 x 500, a quick run")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--demanders", type=int, default=None, help="challenge owners")
    parser.add_argument("--runs", type=int, default=None, help="timed requests per page")
    parser.add_argument(
        "--no-proposed-indexes",
        action="store_true",
        help="skip the second measurement with other apps' proposed indexes",
    )
    args = parser.parse_args(argv)
    args.challenges = args.challenges or (2000 if args.small else 100_000)
    args.suppliers = args.suppliers or (500 if args.small else 10_000)
    args.demanders = args.demanders or max(50, min(5000, args.challenges // 20))
    args.runs = args.runs or (10 if args.small else 20)
    return args


def main(argv: list[str]) -> int:
    args = arguments(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    matching_url, admin_url, matching_name = database_urls(url)
    # Its own database: a matching benchmark running at the same time is not disturbed.
    bench_name = f"{matching_name}_insights"
    bench_url = urlunsplit(urlsplit(matching_url)._replace(path=f"/{bench_name}"))
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
        log(f"generating {args.challenges} challenges x {args.suppliers} suppliers")
        proposed_indexes_drop()
        clear_activity()
        dataset.clear()
        generated = dataset.generate(
            challenges=args.challenges,
            suppliers=args.suppliers,
            demanders=args.demanders,
            log=log,
        )
        result["generate_s"] = round(generated.seconds + generated.seconds_analyze, 2)
        log("matches, communities, participants and knowledge")
        result.update(generate_activity())
        log(f"timing the pages, {args.runs} runs each")
        result.update(measure(runs=args.runs))
        if not args.no_proposed_indexes:
            log("again with the proposed indexes of other apps (bench/README.md)")
            proposed_indexes_create()
            again = measure(runs=args.runs)
            result["with_proposed_indexes"] = {
                key: again[key]
                for key in (
                    "national_p50_ms",
                    "national_p95_ms",
                    "hub_p50_ms",
                    "hub_p95_ms",
                    "home_p50_ms",
                    "national_vs_home",
                    "hub_vs_home",
                    "csv_p50_ms",
                )
            }
            result["with_proposed_indexes"]["national_sql_ms"] = again["national_sql"]["sql_ms"]
            result["with_proposed_indexes"]["hub_sql_ms"] = again["hub_sql"]["sql_ms"]
            result["proposed_indexes"] = {
                model: django for model, (_sql, django) in PROPOSED_INDEXES.items()
            }
    finally:
        if args.keep:
            log(f"kept database {bench_name}")
        else:
            database_drop(admin_url, bench_name)
    result["peak_rss_mb"] = rss_mb()
    result["total_s"] = round(time.perf_counter() - STARTED, 1)
    result["target_ms"] = TARGET_MS
    with_indexes = result.get("with_proposed_indexes", {})
    result["targets_missed"] = [
        key for key in ("national_p95_ms", "hub_p95_ms") if result[key] > TARGET_MS
    ] + [
        f"with_proposed_indexes.{key}"
        for key in ("national_p95_ms", "hub_p95_ms")
        if with_indexes.get(key, 0) > TARGET_MS
    ]
    headline = {key: result.pop(key, None) for key in HEADLINE}
    print(json.dumps({**headline, **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
