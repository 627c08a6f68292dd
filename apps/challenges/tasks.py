"""Thin Celery tasks for challenges. The daily stale-demand reminder is idempotent: its
notices carry a key per challenge and waiting period, so a rerun or a redelivery within the
same period notifies no one twice."""

from celery import shared_task

from apps.core.delivery import retried_task_options

from . import stale


@shared_task(**retried_task_options(backoff=60, backoff_max=900, max_retries=5))
def remind_stale_challenges() -> int:
    return stale.challenges_stale_remind_all()
