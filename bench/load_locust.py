"""The users of `make bench BENCH=load` (bench/load.py starts locust with this file).

Four kinds of user, each on its own journey, with a think time of 1-3 s between pages:

- visitors (anonymous): home, challenge list with facets, search, sort and pages (a part as
  htmx swaps, as ticking a facet does), challenge, organisation, community and knowledge
  pages, hubs;
- SME owners: sign in, My overview, the challenge list, their challenges' status and matched
  partners, their organisation;
- lecturers: sign in, For you, My overview, the challenge list and challenges, their
  communities, the knowledge base;
- hub coordinators: sign in with password and a real TOTP code computed from their
  authenticator's secret (RFC 6238, as an app does), the match review in the admin, their
  hub's insights, My overview, the challenge list.

Every request goes out as the TLS proxy in front of gunicorn would send it: X-Forwarded-Proto
https and an X-Forwarded-For of its own per user (documentation addresses), so secure cookies,
CSRF and per-IP rate limits behave as in production. Redirects are not followed: a page must
answer 200 (a sign-in step 302), anything else is an error. A request that fails because the
server closed or reset the connection counts as a reset connection.

Figures are computed here from every sample (exact percentiles) over the time after all users
had signed in, and written as JSON to $BENCH_LOAD_RESULT when locust quits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import struct
import threading
import time
from collections import defaultdict

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115
RESULT_PATH = os.environ["BENCH_LOAD_RESULT"]
LOGIN_PAGES = {"login form", "login password", "login second factor form", "login second factor"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# --- What happened -------------------------------------------------------------------------

SAMPLES: list[tuple[str, float, float]] = []  # (page, started at, milliseconds), successes
ERRORS: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
RESETS: dict[str, int] = defaultdict(int)
TOTP_REJECTED = [0]
STARTED_AT = time.time()
READY = {"users": 0, "at": None}
LOCK = threading.Lock()
RESET_TYPES = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
)


def is_reset(exception: BaseException) -> bool:
    """Whether the server closed or reset the connection under the request (requests wraps
    the socket error in urllib3's and its own exceptions)."""
    seen, stack = set(), [exception]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, RESET_TYPES):
            return True
        stack.extend((current.__cause__, current.__context__, getattr(current, "reason", None)))
        stack.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
    return False


@events.request.add_listener
def on_request(name, response_time, exception, start_time=None, **_kwargs):
    started = start_time if start_time is not None else time.time() - response_time / 1000
    if exception is None:
        SAMPLES.append((name, started, response_time))
        return
    if is_reset(exception):
        RESETS[name] += 1
    ERRORS[name][f"{type(exception).__name__}: {str(exception)[:160]}"] += 1


ENVIRONMENT = {}


@events.init.add_listener
def remember_environment(environment, **_kwargs):
    ENVIRONMENT["it"] = environment


def user_ready() -> None:
    """Once every user has signed in, the measured part starts and lasts PLAN["duration"]
    seconds; locust's --run-time is only a cap for a server too slow to sign everyone in."""
    with LOCK:
        READY["users"] += 1
        if READY["users"] == PLAN["users"] and READY["at"] is None:
            READY["at"] = time.time()
            runner = ENVIRONMENT["it"].runner
            gevent.spawn_later(PLAN["duration"], runner.quit)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 1)


@events.quitting.add_listener
def write_result(environment, **_kwargs):
    ready_at = READY["at"]
    window = [s for s in SAMPLES if ready_at is None or s[1] >= ready_at]
    pages: dict[str, list[float]] = defaultdict(list)
    for name, _started, milliseconds in window:
        pages[name].append(milliseconds)
    # A page so slow that none of its requests started after everyone signed in is still a
    # page: its figures then come from the warm-up, and say so.
    warm_up_only = sorted({name for name, _s, _m in SAMPLES} - set(pages) - LOGIN_PAGES)
    for name, _started, milliseconds in SAMPLES:
        if name in warm_up_only:
            pages[name].append(milliseconds)
    ended = max((s[1] + s[2] / 1000 for s in SAMPLES), default=time.time())
    measured = ended - (ready_at or STARTED_AT)
    error_count = sum(sum(kinds.values()) for kinds in ERRORS.values())
    figures = {
        name: {
            "requests": len(values),
            "p50_ms": percentile(values, 50),
            "p95_ms": percentile(values, 95),
            "p99_ms": percentile(values, 99),
            "max_ms": round(max(values), 1),
            "errors": sum(ERRORS.get(name, {}).values()),
            **({"warm_up_only": True} if name in warm_up_only else {}),
        }
        for name, values in sorted(pages.items())
    }
    visitor = figures.get("visitor challenge list", {}).get("p50_ms")
    member = figures.get("member challenge list", {}).get("p50_ms")
    visitor95 = figures.get("visitor challenge list", {}).get("p95_ms")
    member95 = figures.get("member challenge list", {}).get("p95_ms")
    result = {
        "rps": round(len(window) / measured, 1) if measured > 0 else None,
        "requests": len(SAMPLES) + error_count,
        "measured_requests": len(window),
        "measured_s": round(measured, 1),
        "warm_up_s": round(ready_at - STARTED_AT, 1) if ready_at else None,
        "all_users_signed_in": ready_at is not None,
        "errors": error_count,
        "reset_connections": sum(RESETS.values()),
        "totp_codes_rejected": TOTP_REJECTED[0],
        "member_vs_visitor_challenge_list": round(member / visitor, 2)
        if member and visitor
        else None,
        "member_vs_visitor_challenge_list_p95": round(member95 / visitor95, 2)
        if member95 and visitor95
        else None,
        "pages": figures,
        "error_kinds": {name: dict(kinds) for name, kinds in ERRORS.items()},
        "resets_by_page": dict(RESETS),
    }
    with open(RESULT_PATH, "w") as output:
        json.dump(result, output)


# --- TOTP as an authenticator app computes it (RFC 6238: SHA-1, 30 s, 6 digits) ------------


def totp_code(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- What every journey shares --------------------------------------------------------------


ADDRESSES = iter(f"{net}.{host}" for net in ("198.51.100", "203.0.113") for host in range(1, 255))
ADDRESS_LOCK = threading.Lock()


def challenge_list_query(rng: random.Random) -> tuple[dict, bool]:
    """One of the ways people use the challenge list: as it opens, facets (one or two), a
    search, another sort or a later page. True when it goes as an htmx swap."""
    facets = PLAN["facets"]
    choice = rng.random()
    params: dict = {}
    if choice < 0.25:
        pass
    elif choice < 0.65:
        for name in rng.sample(sorted(facets), rng.choice((1, 1, 2))):
            params[name] = rng.choice(facets[name])
    elif choice < 0.85:
        params["q"] = rng.choice(PLAN["searches"])
    elif choice < 0.93:
        params["sort"] = rng.choice(("oldest", "title"))
    else:
        params["page"] = rng.randint(2, 5)
    return params, bool(params) and rng.random() < 0.5


class Journey(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.rng = random.Random()
        with ADDRESS_LOCK:
            address = next(ADDRESSES)
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": address,
                "Accept-Language": "nl",
                "User-Agent": "bench-load (locust)",
            }
        )
        self.sign_in()
        user_ready()

    def sign_in(self):
        pass

    def cookies_through_proxy(self):
        """The client stands where the TLS proxy would: the site's cookies are Secure, and the
        proxy passes them on over the plain loopback leg, so they go back here too."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str, *, params=None, htmx=False, expect=200):
        headers = {"HX-Request": "true"} if htmx else None
        with self.client.get(
            path,
            params=params,
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.error is not None:
                response.failure(response.error)  # kept as it is: resets are counted by type
            elif response.status_code != expect:
                response.failure(
                    f"{response.status_code} {response.headers.get('Location', '')}".strip()
                )
        self.cookies_through_proxy()
        return response

    def post(self, path: str, data: dict, name: str, *, referer: str):
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"Referer": f"https://{self.host.split('://', 1)[1]}{referer}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.error is not None:
                response.failure(response.error)
            elif response.status_code != 302:
                response.failure(f"{response.status_code} instead of a redirect")
        self.cookies_through_proxy()
        return response

    def csrf_from(self, response) -> str:
        found = CSRF_FIELD.search(response.text or "")
        return found.group(1) if found else ""

    def log_in(self, account: dict, *, totp: bool = False):
        form = self.page("/accounts/login/", "login form")
        done = self.post(
            "/accounts/login/",
            {
                "login": account["email"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self.csrf_from(form),
            },
            "login password",
            referer="/accounts/login/",
        )
        if not totp:
            return
        if "/2fa/authenticate/" not in done.headers.get("Location", ""):
            return
        # allauth accepts the code of the current 30 s step only (MFA_TOTP_TOLERANCE 0): on a
        # slow server the code can expire on its way. The user then types the next one; the
        # rejected attempt stays an error.
        for _attempt in range(3):
            step = self.page("/accounts/2fa/authenticate/", "login second factor form")
            done = self.post(
                "/accounts/2fa/authenticate/",
                {
                    "code": totp_code(account["totp_secret"]),
                    "csrfmiddlewaretoken": self.csrf_from(step),
                },
                "login second factor",
                referer="/accounts/2fa/authenticate/",
            )
            if done.status_code != 200:
                return
            with LOCK:
                TOTP_REJECTED[0] += 1

    def challenge_list(self, who: str):
        params, htmx = challenge_list_query(self.rng)
        self.page("/challenges/", f"{who} challenge list", params=params, htmx=htmx)


class Visitor(Journey):
    fixed_count = PLAN["counts"]["visitor"]

    @task(1)
    def home(self):
        self.page("/", "visitor home")

    @task(5)
    def challenges(self):
        self.challenge_list("visitor")

    @task(3)
    def challenge(self):
        self.page(f"/challenges/{self.rng.choice(PLAN['challenges'])}/", "visitor challenge")

    @task(1)
    def organisations(self):
        facets = PLAN["facets"]
        params = (
            {"province": self.rng.choice(facets["province"])} if self.rng.random() < 0.6 else {}
        )
        self.page("/organisations/", "visitor organisation list", params=params)

    @task(1)
    def organisation(self):
        self.page(
            f"/organisations/{self.rng.choice(PLAN['organisations'])}/", "visitor organisation"
        )

    @task(1)
    def communities(self):
        self.page("/communities/", "visitor community list")

    @task(1)
    def community(self):
        self.page(f"/communities/{self.rng.choice(PLAN['communities'])}/", "visitor community")

    @task(1)
    def knowledge(self):
        params = (
            {"topic": self.rng.choice(PLAN["facets"]["topic"])} if self.rng.random() < 0.5 else {}
        )
        self.page("/knowledge/", "visitor knowledge list", params=params)

    @task(1)
    def knowledge_item(self):
        self.page(f"/knowledge/{self.rng.choice(PLAN['knowledge'])}/", "visitor knowledge item")

    @task(1)
    def hub(self):
        self.page(f"/hubs/{self.rng.choice(PLAN['hubs'])}/", "visitor hub")


def accounts(kind: str):
    """Each user of a kind signs in with an account of their own."""
    pool = iter(PLAN[kind])
    lock = threading.Lock()

    def take() -> dict:
        with lock:
            return next(pool)

    return take


class SmeOwner(Journey):
    fixed_count = PLAN["counts"]["sme"]
    next_account = staticmethod(accounts("sme"))

    def sign_in(self):
        self.account = self.next_account()
        self.log_in(self.account)

    @task(2)
    def overview(self):
        self.page("/me/", "sme my overview")

    @task(3)
    def challenges(self):
        self.challenge_list("member")

    @task(2)
    def status(self):
        self.page(
            f"/challenges/{self.rng.choice(self.account['challenges'])}/status/", "sme status"
        )

    @task(3)
    def matches(self):
        pk = self.rng.choice(self.account["challenges"])
        self.page(f"/challenges/{pk}/matches/", "sme matched partners")

    @task(1)
    def organisation(self):
        self.page(f"/organisations/{self.account['organisation']}/", "sme organisation")


class Lecturer(Journey):
    fixed_count = PLAN["counts"]["lecturer"]
    next_account = staticmethod(accounts("lecturer"))

    def sign_in(self):
        self.account = self.next_account()
        self.log_in(self.account)

    @task(3)
    def for_you(self):
        self.page("/for-you/", "lecturer for you")

    @task(2)
    def overview(self):
        self.page("/me/", "lecturer my overview")

    @task(3)
    def challenges(self):
        self.challenge_list("member")

    @task(2)
    def challenge(self):
        self.page(f"/challenges/{self.rng.choice(PLAN['challenges'])}/", "member challenge")

    @task(1)
    def community(self):
        slug = self.rng.choice(self.account["communities"])
        self.page(f"/communities/{slug}/", "lecturer community")

    @task(1)
    def knowledge(self):
        self.page("/knowledge/", "lecturer knowledge list")


class Coordinator(Journey):
    fixed_count = PLAN["counts"]["coordinator"]
    next_account = staticmethod(accounts("coordinator"))

    def sign_in(self):
        self.account = self.next_account()
        self.log_in(self.account, totp=True)

    @task(3)
    def match_review(self):
        pk = self.rng.choice(self.account["review_challenges"] or PLAN["challenges"])
        self.page(f"/admin/matching/match/review/{pk}/", "coordinator match review")

    @task(2)
    def insights(self):
        self.page(f"/insights/hubs/{self.account['hub']}/", "coordinator hub insights")

    @task(1)
    def overview(self):
        self.page("/me/", "coordinator my overview")

    @task(2)
    def challenges(self):
        self.challenge_list("member")

    @task(1)
    def challenge(self):
        self.page(f"/challenges/{self.rng.choice(PLAN['challenges'])}/", "member challenge")
