"""Thin Celery tasks of the API app. Purging twice deletes nothing the second time."""

from celery import shared_task

from .services import idempotent_requests_purge


@shared_task(acks_late=True)
def purge_idempotent_requests() -> int:
    return idempotent_requests_purge()
