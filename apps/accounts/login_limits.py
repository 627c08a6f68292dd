"""Failed sign-ins: slow password guessing down without letting anyone lock out the owner.

allauth keys its `login_failed` limit on the email address alone, so five wrong passwords
typed by anyone who knows an address used to block its owner for five minutes, the correct
password included. The limits are now:

- **per IP** (allauth's `10/m/ip`): one network guesses at most ten times a minute, whatever
  the addresses;
- **per address and IP** (allauth's `5/5m/key`, with the key made of both by
  `login_attempt_key`): a network that guessed wrong five times for an address is refused
  for that address for five minutes. Someone else's network is a different key, so the owner,
  signing in from their own, is never refused because of it;
- **per address, from any IP**: a progressive delay. Guessing spread over many networks
  stays below both limits, so every failed attempt for an address is counted across
  networks (`login_failure_record`), and after a few failures each further attempt for that
  address waits before its password is checked: 1, 2, 4, then at most 5 seconds
  (`login_delay_seconds`), for as long as failures keep coming within 15 minutes of each
  other. The correct password waits too, so a fast answer never gives a guess away, but it
  is never refused: the owner, from any network, gets in after at most that wait.

A refused attempt is answered with 429 and a page that says what happened and what to do
(`login_rate_limited_response`), not with the form again. Refused attempts never wait: the
limits are checked first, so one network can hold at most ten waiting requests a minute.
"""

from __future__ import annotations

import hashlib
import time
from http import HTTPStatus

from allauth.account import app_settings as account_settings

# allauth's parsing of ACCOUNT_RATE_LIMITS and its client-IP rule, so our limits read the
# same settings and count the same networks as allauth's. Private (`core.internal`) and used
# in this module only; tests/accounts/test_login_limits.py fails if an upgrade changes them
# (Retry-After 300 from "5/5m/key", the count per network by REMOTE_ADDR).
from allauth.core.internal.ratelimit import get_ip, parse_rates
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FAILURE_WINDOW_SECONDS = 15 * 60
FREE_FAILURES = 3
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 5.0

# Looked up at call time, so tests can replace it and measure the delay without waiting.
sleep = time.sleep


def _normalised(address: str) -> str:
    return (address or "").strip().lower()


def login_attempt_key(request: HttpRequest, *, address: str) -> str:
    """allauth's `login_failed` "key": the address *and* the client's IP (an IPv6 client
    counts by its /64, as in allauth's own per-IP limits)."""
    return f"{_normalised(address)}|{get_ip(request)}"


def _failures_cache_key(address: str) -> str:
    digest = hashlib.sha256(_normalised(address).encode("utf-8")).hexdigest()
    return f"login-failures:{digest}"


def login_failure_record(*, address: str) -> int:
    """Counts a failed sign-in for `address`, from whichever IP; returns the count."""
    key = _failures_cache_key(address)
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between `add` and `incr`
        failures = 1
        cache.set(key, failures, FAILURE_WINDOW_SECONDS)
    cache.touch(key, FAILURE_WINDOW_SECONDS)
    return failures


def login_delay_seconds(*, address: str) -> float:
    """How long the next attempt for `address` waits before its password is checked."""
    failures = cache.get(_failures_cache_key(address), 0)
    if failures < FREE_FAILURES:
        return 0.0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


def login_delay_wait(*, address: str) -> None:
    delay = login_delay_seconds(address=address)
    if delay:
        sleep(delay)


def _retry_after_seconds() -> int:
    """The longest window of the `login_failed` limits: by then every one has passed."""
    rates = parse_rates(account_settings.RATE_LIMITS.get("login_failed"))
    return int(max((rate.duration for rate in rates), default=60))


def login_rate_limited_response(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"login_attempts": True},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(_retry_after_seconds())
    return response
