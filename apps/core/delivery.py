"""Durable intent, then delivery.

Work a person's action causes (a match run's chunks, a notice's email) is first recorded in
PostgreSQL, in the same transaction as the action; only after the commit is it handed to
Celery. The broker is a way to deliver the work quickly, never the only record of it:

- tasks derive from `DeliveredTask` (late acknowledgement, retries on transient errors);
- `task.send_after_commit(...)` publishes after the commit and swallows (and logs) any
  broker error, so a request the database accepted is never answered with an error because
  the broker is down;
- each app that records work registers a *redeliverer* (`redeliverer_register`, in its
  `AppConfig.ready`), a function that finds its own pending work (never sent, sent long ago
  and not done, or with an expired lease) and sends it again;
- `redeliver_pending_work()` runs them all: every `DELIVERY_SWEEP_SECONDS` from Celery beat,
  and once when a worker starts, so work queued while the broker was down, or held by a worker
  that was killed, still happens.

Every task this delivers must be idempotent (claims with conditional UPDATEs), because a
message can arrive twice: once from the commit and once from a sweep.

Core sits below the domain apps, so it never imports them; they register with it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Worth a retry: the database or the broker was briefly unreachable.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError, ConnectionError)


class DeliveredTask(Task):
    """The base class of every task delivered here (`@shared_task(base=DeliveredTask)`).

    - Acknowledged only when done, so a killed worker's message is delivered again.
    - A few retries with exponential backoff on `autoretry_for` (transient database and broker
      errors); after those, the app's redeliverer brings the recorded work back. A task
      narrows or widens this with `shared_task` options (`retry_backoff=60`,
      `autoretry_for=...`), which take precedence over these class defaults.
    - Sent through `send` / `send_after_commit`, which never raise on a broker error.
    """

    acks_late = True
    autoretry_for: tuple[type[Exception], ...] = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 300
    max_retries = 5

    def send(self, *args, **kwargs) -> bool:
        """Publish now; False (logged) when the broker could not be reached."""
        return task_send(self, *args, **kwargs)

    def send_after_commit(self, *args, **kwargs) -> None:
        """Publish once the current transaction commits (not at all if it rolls back)."""
        send_after_commit(self, *args, **kwargs)


# After a failed publish, the next publishes in this process skip the broker for this long:
# a page that notifies twenty people must not wait twenty times for a broker that is down.
BROKER_BACKOFF_SECONDS = 10.0

_broker_down_until = 0.0
_broker_lock = threading.Lock()

Redeliverer = Callable[[datetime], int]
_redeliverers: dict[str, Redeliverer] = {}


def task_send(task, *args, **kwargs) -> bool:
    """Publish `task(*args, **kwargs)` now. Returns False (and logs) when the broker could not
    be reached; the caller's recorded intent is then picked up by the next sweep."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(
            args=args,
            kwargs=kwargs,
            retry=True,
            retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
        )
    except Exception:
        with _broker_lock:
            _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning(
            "broker unreachable: %s%r not sent now; it is recorded and the sweep sends it",
            task.name,
            args,
            exc_info=True,
        )
        return False
    return True


def send_after_commit(task, *args, **kwargs) -> None:
    """Publish `task` once the current transaction commits (not at all if it rolls back).
    The work must already be recorded in the database: a broker error only delays it."""

    def send_committed_task() -> None:
        task_send(task, *args, **kwargs)

    # Named after the task, so a list of pending hooks says what each one delivers.
    send_committed_task.__name__ = f"deliver_{task.name.rpartition('.')[2]}"
    transaction.on_commit(send_committed_task)


def redeliverer_register(name: str, redeliverer: Redeliverer) -> None:
    """Register `redeliverer(now) -> number sent` under a unique name (re-registering the same
    name replaces it, so a reloaded app does not run twice)."""
    _redeliverers[name] = redeliverer


def redeliver_pending_work(*, now: datetime | None = None) -> dict[str, int]:
    """Run every registered redeliverer; one failing does not stop the others."""
    global _broker_down_until
    now = now or timezone.now()
    # A sweep is a fresh look: the broker may be back.
    _broker_down_until = 0.0
    sent: dict[str, int] = {}
    for name, redeliverer in sorted(_redeliverers.items()):
        try:
            sent[name] = redeliverer(now)
        except Exception:
            logger.exception("redelivery of %s failed; the next sweep tries again", name)
            sent[name] = -1
    if any(count > 0 for count in sent.values()):
        logger.info("redelivered pending work: %s", sent)
    return sent
