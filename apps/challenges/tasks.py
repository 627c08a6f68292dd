"""Thin Celery tasks for challenges. The daily stale-demand reminder is idempotent: its
notices carry a key per challenge and waiting period, so a rerun or a redelivery within the
same period notifies no one twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import stale

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=60,
    retry_backoff_max=900,
    max_retries=5,
)
def remind_stale_challenges() -> int:
    return stale.challenges_stale_remind_all()
