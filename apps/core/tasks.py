"""Thin Celery tasks of the shared infrastructure."""

from celery import shared_task
from celery.signals import worker_ready

from . import delivery


@shared_task(base=delivery.DeliveredTask, ignore_result=True)
def redeliver_pending_work() -> dict[str, int]:
    return delivery.redeliver_pending_work()


@worker_ready.connect
def _redeliver_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that starts (after a crash, a deploy, or the broker coming back) first sends
    what is still pending, instead of waiting for the next beat. Through the broker, so the
    sweep runs in a pool process like any task; if that fails, beat's next sweep does it."""
    redeliver_pending_work.send()
