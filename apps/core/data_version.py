"""One number that changes whenever data the public pages read changes: the key under which
their expensive, shared results are cached (facet counts, the "For you" candidates).

PostgreSQL keeps it, so nothing can change a table without it: every INSERT, UPDATE,
DELETE or TRUNCATE on a watched table advances a sequence in a statement-level trigger
(admin, services, imports, bulk updates and raw SQL alike). A sequence takes no lock, so a
trigger never makes writers wait for one another, and it never deadlocks.

The one gap: a sequence advances when the statement runs, not when its transaction commits,
so a reader in between can cache the old data under the new number. `PAGE_CACHE_SECONDS`
bounds how long such an entry can live.

Each app watches its own tables in a migration (`watch_tables`); core never names them.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations import RunSQL

from apps.core.warming import in_background

SEQUENCE = "core_data_version"
FUNCTION = "core_data_version_advance"

CREATE_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {SEQUENCE};
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('{SEQUENCE}');
    RETURN NULL;
END;
$$;
"""
DROP_SQL = f"""
DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE;
DROP SEQUENCE IF EXISTS {SEQUENCE};
"""

T = TypeVar("T")
K = TypeVar("K")


def _trigger(table: str) -> str:
    return f"{table}_data_version"


def watch_tables(*tables: str) -> RunSQL:
    """A migration operation: every write to `tables` advances the data version. Needs the
    core migration `0001_data_version` first."""
    create = "\n".join(
        f"CREATE TRIGGER {_trigger(table)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();"
        for table in tables
    )
    drop = "\n".join(f"DROP TRIGGER IF EXISTS {_trigger(table)} ON {table};" for table in tables)
    return RunSQL(create, drop)


# Within a GET or HEAD request (`DataVersionPerRequestMiddleware`): the number once read.
_read_in_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "data_version_read_in_request", default=None
)


def data_version() -> int:
    """The current number: one read of the sequence, no lock; once per GET or HEAD request."""
    read = _read_in_request.get()
    if read is not None and "version" in read:
        return read["version"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
        version = int(cursor.fetchone()[0])
    if read is not None:
        read["version"] = version
    return version


class DataVersionPerRequestMiddleware:
    """Reads the data version once per GET or HEAD request, however many shared results the
    page uses (a directory page asked six times). Such a request writes nothing the version
    watches, so the number cannot change under it; a POST reads it afresh each time, as its
    own writes advance it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _read_in_request.set({})
        try:
            return self.get_response(request)
        finally:
            _read_in_request.reset(token)


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def _cache_key(name: str, version: int, key: str) -> str:
    return f"dv:{name}:{version}:{_digest(key)}"


def cached_for_data_version(
    name: str,
    key: str,
    compute: Callable[[], T],
    *,
    seconds: int | None = None,
    lease: bool = False,
) -> T | None:
    """`compute()`, shared through the cache by every process while the data version stays
    the same. `key` says everything else the result depends on (for a query: its SQL and
    parameters, which hold the user's id where the user matters).

    `lease`: for results that take seconds, computed by one process at a time; the others get
    None meanwhile (and do without), instead of all computing the same thing at once."""
    cache_key = _cache_key(name, data_version(), key)
    found = cache.get(cache_key)
    if found is not None:
        return found
    if lease:
        lease_key = f"{cache_key}:computing"
        if not cache.add(lease_key, 1, LEASE_SECONDS):
            return None
        try:
            value = compute()
            cache.set(cache_key, value, settings.PAGE_CACHE_SECONDS if seconds is None else seconds)
        finally:
            cache.delete(lease_key)
        return value
    value = compute()
    cache.set(
        cache_key,
        value,
        settings.PAGE_CACHE_SECONDS if seconds is None else seconds,
    )
    return value


def cached_many_for_data_version(
    name: str,
    keys: Mapping[K, str],
    compute: Callable[[list[K]], Mapping[K, T]],
    *,
    seconds: int | None = None,
) -> dict[K, T]:
    """`cached_for_data_version` for several results at once: `keys` maps each wanted result
    to its key, and `compute(missing)` gives all the results not in the cache in one go (one
    query for all of them, where each would otherwise cost its own)."""
    version = data_version()
    cache_keys = {wanted: _cache_key(name, version, key) for wanted, key in keys.items()}
    found = cache.get_many(list(cache_keys.values()))
    results = {wanted: found[key] for wanted, key in cache_keys.items() if key in found}
    missing = [wanted for wanted in keys if wanted not in results]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {cache_keys[wanted]: value for wanted, value in computed.items()},
            settings.PAGE_CACHE_SECONDS if seconds is None else seconds,
        )
        results.update(computed)
    return results


# The thread that counts a result again after it has been shown once more (tests join it).
REFRESH_THREAD_NAME = "data-version-refresh"


def _clock() -> float:
    return time.time()


def refreshed_for_data_version(
    name: str,
    key: str,
    compute: Callable[[], T],
    *,
    seconds: int,
    compute_later: Callable[[], T] | None = None,
) -> T:
    """`compute()`, shared through the cache by every process while the data version stays
    the same, and computed again once it is `seconds` old: the request that finds it older
    still gets it (at once) and starts the new count in a thread of its process, one process
    at a time; it is only computed while the request waits when there is none younger than
    twice `seconds`, or the data changed.

    Why: for results that take a third of a second and may lag behind some writes for
    `seconds` (the insights' figures), counting them again every `seconds` inside a request
    put that third of a second into a page every minute per hub. `compute_later`: what the
    thread runs instead of `compute` (for a computation that must not share objects with the
    request)."""
    version = data_version()
    cache_key = f"dvr:{name}:{_digest(key)}"  # without the version: it is kept in the value
    found = cache.get(cache_key)
    if found is not None and found[0] == version:
        if _clock() - found[1] >= seconds:
            _refresh_in_background(cache_key, version, compute_later or compute, seconds)
        return found[2]
    value = compute()
    cache.set(cache_key, (version, _clock(), value), 2 * seconds)
    return value


def _refresh_in_background(cache_key: str, version: int, compute, seconds: int) -> None:
    lease_key = f"{cache_key}:refreshing"
    if not cache.add(lease_key, 1, LEASE_SECONDS):
        return  # another request (in any process) is counting it

    def refresh() -> None:
        try:
            value = compute()
            if data_version() == version:
                cache.set(cache_key, (version, _clock(), value), 2 * seconds)
        finally:
            cache.delete(lease_key)

    in_background(refresh, name=REFRESH_THREAD_NAME)


# How long a computation under `lease` may hold it (a killed process's lease then lapses).
LEASE_SECONDS = 120

_memo: dict[str, tuple[int, float, object]] = {}
_memo_lock = threading.Lock()


def memoised_for_data_version(name: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in this process while the data version stays the same: for results
    too large to fetch from the cache on every request (arrays of every published
    challenge). Concurrent threads may compute at once; the last one is kept. Kept no longer
    than `PAGE_CACHE_SECONDS` either (the gap in the module docstring). A None (not available
    yet) is not kept: the next call asks again."""
    version = data_version()
    now = time.monotonic()
    with _memo_lock:
        found = _memo.get(name)
    if found is not None and found[0] == version and now - found[1] < settings.PAGE_CACHE_SECONDS:
        return found[2]  # type: ignore[return-value]
    value = compute()
    if value is not None:
        with _memo_lock:
            _memo[name] = (version, now, value)
    return value
