"""Thin Celery tasks for challenges. The daily stale-demand reminder is idempotent: its
notices carry a key per challenge and waiting period, so a rerun or a redelivery within the
same period notifies no one twice."""

from celery import shared_task

from apps.core.delivery import DeliveredTask

from . import stale


@shared_task(base=DeliveredTask, retry_backoff=60, retry_backoff_max=900)
def remind_stale_challenges() -> int:
    return stale.challenges_stale_remind_all()
