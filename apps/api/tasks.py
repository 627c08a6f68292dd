"""Thin Celery tasks of the API app. Purging twice deletes nothing the second time."""

from celery import shared_task

from apps.core.delivery import DeliveredTask

from .services import idempotent_requests_purge


@shared_task(base=DeliveredTask)
def purge_idempotent_requests() -> int:
    return idempotent_requests_purge()
