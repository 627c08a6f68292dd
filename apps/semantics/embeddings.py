"""Stored embeddings of the platform's texts, and search by meaning over them.

The domain apps say which of their texts are embedded (`embedded_text_register`, in their
`AppConfig.ready`): a name, the rows, and the text of a row as a SQL expression. Semantics
sits below them and never imports them.

Durable intent, then delivery (apps/core/delivery.py): a text needs (re-)embedding when no
stored vector has its current hash (md5, computed by PostgreSQL) and the current model's
version. That state lives in the data itself, so a change by a form, the admin, an import or
a migration, and a new model version, all leave work behind that is found again:

- after a commit that saved rows of a source, `embed_pending` is sent for those rows' ids
  (a save of another watched model, such as a member's offer, sends the whole source);
- every sweep (and every worker start) sends it for each source that has pending texts,
  split by id into `EMBED_SHARDS` parts that run on as many workers at once (a new model
  version re-embeds everything; about 110 000 texts in a few minutes on 2 cores);
- a part is held by one chain of tasks at a time, under a lease in the cache that the
  task renews per batch: a repeated send finds it held and does nothing, and a killed
  worker's part is free again when the lease runs out, for the next sweep;
- the task embeds batches and upserts them (the same text twice gives one row) for up to
  `EMBED_TASK_SECONDS`, then sends itself again while more is pending.

Progress of a full re-embedding: `manage.py embeddings` (pending texts per source).

Search: each process holds the vectors of a source in memory (`VectorTable`), loaded once and
then brought up to date with only the rows whose revision is newer than it has seen.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import MD5, Mod
from django.db.models.signals import post_save

from apps.core.warming import in_background

from .core import VectorTable
from .models import REVISION_SEQUENCE, TextEmbedding
from .services import embedder

logger = logging.getLogger(__name__)

# Texts embedded per task: about a second of work on one core, so a task never holds a
# worker long and a killed one loses little.
EMBED_BATCH = 500
# Parts a source is split into for a full (re-)embedding, one chain of tasks each; more than
# the worker processes of a small deployment, so every one of them takes part.
EMBED_SHARDS = 4
# A task goes on with the next batch of its part for this long, then hands over to a new
# message (so a worker is never held for long); its lease outlasts a batch comfortably.
EMBED_TASK_SECONDS = 60
EMBED_LEASE_SECONDS = 120

# How many texts by meaning a search adds to the full-text matches, and how similar they
# must be: at least MEANING_FLOOR (cosine) and MEANING_OF_BEST times the most similar one's.
# The multilingual USE gives short queries low similarities: on the development half of
# bench/data/semantics/search.json (even-numbered queries) the relevant texts have a median
# of 0.26 and the irrelevant ones a 95th percentile of 0.14; 0.15 and 0.7 keep 81 % of the
# relevant texts and admit 0.9 irrelevant ones per query (bench/README.md, "Search").
MEANING_CANDIDATES = 100
MEANING_FLOOR = 0.15
MEANING_OF_BEST = 0.7


@dataclass(frozen=True)
class EmbeddedText:
    """A kind of text that is embedded: `rows()` gives every row, `text()` the text of a
    row as an expression, `watches` the models whose saves can change it."""

    source: str
    rows: Callable[[], models.QuerySet]
    text: Callable[[], models.Expression]
    watches: Sequence[type[models.Model]] = field(default_factory=tuple)


_sources: dict[str, EmbeddedText] = {}


def text_of(*parts) -> models.Expression:
    """The text of a row: the given fields (or expressions), one per line; empty parts are
    left out (CONCAT_WS skips NULLs)."""
    return models.Func(
        models.Value("\n"), *parts, function="CONCAT_WS", output_field=models.TextField()
    )


def embedded_text_register(embedded: EmbeddedText) -> None:
    _sources[embedded.source] = embedded
    for model in embedded.watches:
        post_save.connect(
            _schedule_after_save,
            sender=model,
            dispatch_uid=f"embeddings:{embedded.source}:{model._meta.label}",
        )


def embedded_sources() -> list[str]:
    return sorted(_sources)


def model_version() -> str:
    return embedder().version


# --- Computing -------------------------------------------------------------------------------


def _with_text(embedded: EmbeddedText) -> models.QuerySet:
    return (
        embedded.rows()
        .order_by()
        .annotate(embedded_text=embedded.text())
        .annotate(embedded_hash=MD5("embedded_text"))
    )


def _pending(embedded: EmbeddedText) -> models.QuerySet:
    current = TextEmbedding.objects.filter(
        source=embedded.source,
        object_id=OuterRef("pk"),
        text_hash=OuterRef("embedded_hash"),
        model_version=model_version(),
    )
    return _with_text(embedded).filter(~Exists(current))


def embeddings_pending_count(source: str) -> int:
    return _pending(_sources[source]).count()


@dataclass(frozen=True)
class EmbeddingStatus:
    rows: int
    pending: int

    @property
    def current(self) -> int:
        return self.rows - self.pending


def embeddings_status(source: str) -> EmbeddingStatus:
    embedded = _sources[source]
    return EmbeddingStatus(rows=embedded.rows().count(), pending=embeddings_pending_count(source))


def embeddings_refresh(
    source: str,
    *,
    limit: int = EMBED_BATCH,
    ids: Sequence[int] | None = None,
    shard: int | None = None,
) -> int:
    """Embed up to `limit` texts of `source` that have no current vector (of the rows `ids`,
    or of part `shard` of `EMBED_SHARDS`, or any); returns how many. Safe to run twice at
    once: the upsert keeps one row per text, the newest hash winning."""
    return len(_refresh(source, limit=limit, ids=ids, shard=shard))


def _refresh(
    source: str,
    *,
    limit: int,
    ids: Sequence[int] | None = None,
    shard: int | None = None,
    after: int = 0,
) -> list[int]:
    """`embeddings_refresh`, in id order from `after` on; returns the ids embedded."""
    embedded = _sources[source]
    pending = _pending(embedded)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    if shard is not None:
        pending = pending.annotate(embed_shard=Mod("pk", EMBED_SHARDS)).filter(embed_shard=shard)
    if after:
        pending = pending.filter(pk__gt=after)
    rows = list(pending.order_by("pk").values_list("pk", "embedded_text", "embedded_hash")[:limit])
    if not rows:
        return []
    vectors = embedder().embed([text or "" for _pk, text, _hash in rows])
    version = model_version()
    values = [
        (source, pk, text_hash, version, vector.astype(np.float32).tobytes())
        for (pk, _text, text_hash), vector in zip(rows, vectors, strict=True)
    ]
    table = TextEmbedding._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # The table and sequence names are our own; every value is a parameter.
        cursor.executemany(
            f"""
            INSERT INTO {table}
                (source, object_id, text_hash, model_version, vector, revision, computed_at)
            VALUES (%s, %s, %s, %s, %s, nextval('{REVISION_SEQUENCE}'), now())
            ON CONFLICT (source, object_id) DO UPDATE SET
                text_hash = EXCLUDED.text_hash,
                model_version = EXCLUDED.model_version,
                vector = EXCLUDED.vector,
                revision = EXCLUDED.revision,
                computed_at = EXCLUDED.computed_at
            WHERE ({table}.text_hash, {table}.model_version)
                IS DISTINCT FROM (EXCLUDED.text_hash, EXCLUDED.model_version)
            """,
            values,
        )
    return [pk for pk, _text, _hash in rows]


def embeddings_prune(source: str) -> int:
    """Forget the vectors of rows that no longer exist."""
    embedded = _sources[source]
    exists = embedded.rows().model._base_manager.filter(pk=OuterRef("object_id"))
    deleted, _ = TextEmbedding.objects.filter(source=source).filter(~Exists(exists)).delete()
    return deleted


# --- Delivery -------------------------------------------------------------------------------


def _lease_key(source: str, shard: int) -> str:
    return f"embeddings:lease:{source}:{shard}"


def embeddings_shard_work(source: str, shard: int, *, token: str) -> int:
    """Embed part `shard` of `source` while it has pending texts, for up to
    `EMBED_TASK_SECONDS`, under the part's lease; returns how many texts it embedded, or -1
    when another task holds the part. Sends the part again when time ran out first."""
    key = _lease_key(source, shard)
    if not cache.add(key, token, EMBED_LEASE_SECONDS):
        return -1
    cache.delete(_sent_key(source, shard))
    done = 0
    after = 0  # each batch goes on after the last: no rescanning what was just embedded
    started = time.monotonic()
    try:
        while True:
            embedded_ids = _refresh(source, shard=shard, limit=EMBED_BATCH, after=after)
            done += len(embedded_ids)
            if len(embedded_ids) < EMBED_BATCH:
                return done
            after = embedded_ids[-1]
            if time.monotonic() - started > EMBED_TASK_SECONDS:
                break
            cache.touch(key, EMBED_LEASE_SECONDS)
    finally:
        if cache.get(key) == token:
            cache.delete(key)
    embed_pending_send(source, shard=shard)
    return done


def embed_pending_send(
    source: str, *, shard: int | None = None, ids: Sequence[int] | None = None
) -> bool:

    from .tasks import embed_pending

    if not settings.EMBEDDINGS_ENABLED:
        return False
    return embed_pending.send(source, shard=shard, ids=list(ids) if ids else None)


def _sent_key(source: str, shard: int) -> str:
    return f"embeddings:sent:{source}:{shard}"


def embed_all_pending_send(source: str) -> int:
    """Send every part of `source` that no task holds and that was not sent in the last
    `DELIVERY_GRACE_SECONDS` (a message still waiting in the queue: a sweep every minute
    must not pile up copies of it ahead of other work); returns how many were sent."""
    sent = 0
    for shard in range(EMBED_SHARDS):
        if cache.get(_lease_key(source, shard)) is not None:
            continue
        if not cache.add(_sent_key(source, shard), 1, settings.DELIVERY_GRACE_SECONDS):
            continue
        sent += embed_pending_send(source, shard=shard)
    return sent


def _schedule_after_save(sender, instance, **kwargs) -> None:
    """After the commit, send `embed_pending` for every source that watches `sender`: for
    the saved rows of the source itself (collected over the transaction), or for the whole
    source when a row of another watched model changed (a member's offer)."""
    for embedded in _sources.values():
        if sender in embedded.watches:
            own_row = sender is embedded.rows().model
            _schedule(embedded.source, instance.pk if own_row else None)


def _schedule(source: str, object_id: int | None) -> None:
    marker = f"embeddings:{source}"
    if connection.in_atomic_block:
        for _sids, callback, _robust in connection.run_on_commit:
            if getattr(callback, "marker", None) == marker:
                callback.add(object_id)
                return

    ids: set[int] | None = set()

    def send_embeddings() -> None:
        if ids is None or len(ids) > EMBED_BATCH:  # a bulk change: every part, in parallel
            embed_all_pending_send(source)
        else:
            embed_pending_send(source, ids=sorted(ids))

    def add(object_id: int | None) -> None:
        nonlocal ids
        if object_id is None or ids is None:
            ids = None
        else:
            ids.add(object_id)

    add(object_id)
    send_embeddings.marker = marker
    send_embeddings.add = add
    transaction.on_commit(send_embeddings, robust=True)


def embeddings_redeliver(now: datetime) -> int:
    """The sweep's part (registered with apps.core.delivery): send every free part of each
    source with a text that has no current vector, and forget vectors of deleted rows."""
    sent = 0
    if not settings.EMBEDDINGS_ENABLED:
        return sent
    for source in embedded_sources():
        embeddings_prune(source)
        if _pending(_sources[source]).exists():
            sent += embed_all_pending_send(source)
    return sent


# --- Matching -------------------------------------------------------------------------------


def texts_of(source: str, ids: Sequence[int]) -> dict[int, str]:
    """The embedded text of the rows `ids` of `source` (for quoting from it)."""
    rows = _with_text(_sources[source]).filter(pk__in=list(ids))
    return dict(rows.values_list("pk", "embedded_text"))


def stored_vectors_for(source: str, ids: Sequence[int]) -> np.ndarray | None:
    """The stored vectors of the rows `ids` of `source`, in that order, as float32 unit rows;
    a zero row where a text has no vector of the current model yet (it is then matched by
    its words only). None when none of them has one (nothing embedded yet, or matching by
    meaning switched off): the caller then leaves meaning out entirely.

    A vector of an earlier version of the text is used until the new one is stored (seconds
    after the commit); the nightly full rematch catches up with it."""
    if not settings.MATCHING_BY_MEANING or not len(ids):
        return None
    position = {int(object_id): index for index, object_id in enumerate(ids)}
    vectors = None
    for object_id, vector in _binary_rows(
        f"SELECT object_id, vector FROM {TextEmbedding._meta.db_table} "
        "WHERE source = %s AND model_version = %s AND object_id = ANY(%s)",
        [source, model_version(), list(position)],
    ):
        values = np.frombuffer(vector, dtype=np.float32)
        if vectors is None:
            vectors = np.zeros((len(ids), values.size), dtype=np.float32)
        vectors[position[object_id]] = values
    return vectors


def _binary_rows(sql: str, params: list):
    """Rows of `sql` in PostgreSQL's binary format, on Django's connection (and inside its
    transaction): a vector arrives as its bytes instead of hex text, four times faster for
    the 100 000 vectors of a full rematch (1.4 s instead of 5.5 s)."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        yield from cursor


# --- Search ---------------------------------------------------------------------------------


@dataclass
class _Loaded:
    table: VectorTable
    version: str
    revision: int = 0


_loaded: dict[str, _Loaded] = {}
_loaded_lock = threading.Lock()
# Sources whose vectors this process has loaded once (read without the lock: a page never
# waits behind a first load).
_ready: set[str] = set()
_warm_up_started = threading.Event()


def stored_vectors(source: str) -> VectorTable:
    """This process's copy of the stored vectors of `source`, brought up to date: one query
    for the rows written since the last call (all of them the first time)."""
    version = model_version()
    with _loaded_lock:
        loaded = _loaded.get(source)
        if loaded is None or loaded.version != version:
            loaded = _Loaded(VectorTable(embedder().dimensions), version)
            _loaded[source] = loaded
        rows = (
            TextEmbedding.objects.filter(
                source=source, model_version=version, revision__gt=loaded.revision
            )
            .order_by("revision")
            .values_list("object_id", "vector", "revision")
        )
        ids, vectors = [], []
        for object_id, vector, revision in rows.iterator(chunk_size=5000):
            ids.append(object_id)
            vectors.append(np.frombuffer(vector, dtype=np.float32))
            loaded.revision = max(loaded.revision, revision)
            if len(ids) == 5000:
                loaded.table.upsert(ids, np.vstack(vectors))
                ids, vectors = [], []
        if ids:
            loaded.table.upsert(ids, np.vstack(vectors))
        _ready.add(source)
        return loaded.table


def warm_up(sources: Sequence[str] | None = None) -> None:
    """Load the model and the stored vectors now (a worker's first search then answers at
    once). About a second for the model, one to two for 100 000 vectors."""
    embedder().embed(["warm up"])
    for source in sources if sources is not None else embedded_sources():
        stored_vectors(source)


def warm_up_before_fork() -> None:
    """`warm_up` in a process about to fork its workers (gunicorn's master, which preloads
    the app), then close its database connections, which no forked worker may share.

    Why: every worker then starts with the model and the vectors in pages it shares with the
    others until it writes them (copy on write), instead of each loading its own copy (about
    300 MB and several seconds of CPU at national size, for each of five workers at start and
    again for every worker `max_requests` recycles, while the others serve). A worker only
    catches up with the vectors stored since (`stored_vectors` reads rows by revision). On
    failure the workers load on their own, as before."""
    try:
        warm_up()
    except Exception:
        logger.exception("loading the model or stored vectors before forking failed")
    finally:
        connections.close_all()


def _warm_up_or_allow_another_try() -> None:
    try:
        warm_up()
    except Exception:
        _warm_up_started.clear()  # search stays lexical; the next search tries again
        raise


WARM_UP_THREAD_NAME = "semantics-warm-up"


def warm_up_in_background() -> None:
    """Start `warm_up` in a thread of this process, once (gunicorn's post_worker_init)."""
    if _warm_up_started.is_set():
        return
    _warm_up_started.set()
    in_background(_warm_up_or_allow_another_try, name=WARM_UP_THREAD_NAME)


def search_by_meaning_ready(source: str) -> bool:
    return embedder().is_loaded and source in _ready


def meaning_available(source: str, *, enabled: bool) -> bool:
    """Whether this process can answer by meaning for `source` now. With
    SEMANTICS_LOAD_IN_BACKGROUND a process that has not loaded the model and vectors yet
    starts loading them in the background and answers no, so no page waits for them."""
    if not enabled:
        return False
    if settings.SEMANTICS_LOAD_IN_BACKGROUND and not search_by_meaning_ready(source):
        warm_up_in_background()
        return False
    return True


def ids_by_meaning(
    source: str,
    text: str,
    *,
    limit: int = MEANING_CANDIDATES,
    floor: float = MEANING_FLOOR,
    of_best: float = MEANING_OF_BEST,
) -> list[int]:
    """Ids of `source` whose text means most nearly what `text` says, best first.

    No page waits for the model: with SEMANTICS_LOAD_IN_BACKGROUND (the default), a process
    that has not loaded the model and vectors yet starts loading them in the background and
    answers none, so the search is full text only for its first seconds."""
    return ids_by_meaning_soon(source, text, limit=limit, floor=floor, of_best=of_best)()


_meaning_pool: ThreadPoolExecutor | None = None
_meaning_pool_lock = threading.Lock()


def _meaning_threads() -> ThreadPoolExecutor:
    global _meaning_pool
    with _meaning_pool_lock:
        if _meaning_pool is None:
            _meaning_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="meaning")
        return _meaning_pool


def ids_by_meaning_soon(
    source: str,
    text: str,
    *,
    limit: int = MEANING_CANDIDATES,
    floor: float = MEANING_FLOOR,
    of_best: float = MEANING_OF_BEST,
) -> Callable[[], list[int]]:
    """`ids_by_meaning`, with the comparison against every stored vector run in a thread of
    its own while the caller goes on: call the result for the ids. A directory page runs its
    search by words meanwhile; NumPy lets go of the GIL while it multiplies, so on two cores
    the 30 ms of comparing 100 000 vectors hide behind the words' query.

    What needs the database (the vectors brought up to date) and the query's embedding
    happen here, in the caller's thread, connection and transaction."""
    text = " ".join((text or "").split())
    if not text or not meaning_available(source, enabled=settings.SEARCH_BY_MEANING):
        return list
    table = stored_vectors(source)
    if not len(table):
        return list
    query = embedder().embed([text])[0]
    compared = _meaning_threads().submit(
        table.nearest, query, limit=limit, floor=floor, of_best=of_best
    )
    return lambda: [object_id for object_id, _score in compared.result()]


def nearest_by_meaning(
    source: str,
    text: str,
    *,
    limit: int = MEANING_CANDIDATES,
    floor: float = MEANING_FLOOR,
    of_best: float = MEANING_OF_BEST,
) -> list[tuple[int, float]]:
    """(id, cosine) of the rows of `source` nearest in meaning to `text`, best first; the
    same gates as `ids_by_meaning` apply to the caller."""
    text = " ".join((text or "").split())
    if not text:
        return []
    table = stored_vectors(source)
    if not len(table):
        return []
    query = embedder().embed([text])[0]
    return table.nearest(query, limit=limit, floor=floor, of_best=of_best)
