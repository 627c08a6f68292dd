"""Thin Celery tasks: take ids, call one service. Late acknowledgement so a killed worker's
chunk is redelivered; the chunk claim (keyed on the task id) makes the redelivery safe."""

import logging

from celery import shared_task

from apps.core.delivery import TRANSIENT_ERRORS, DeliveredTask
from apps.hubs.models import Hub

from . import services

logger = logging.getLogger(__name__)


@shared_task(base=DeliveredTask, bind=True)
def process_match_chunk(self, chunk_id: int) -> bool:
    try:
        return services.match_chunk_process(chunk_id=chunk_id, token=self.request.id or "")
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        logger.exception("match chunk %s failed", chunk_id)
        services.match_run_fail(chunk_id=chunk_id, error=repr(error))
        raise


@shared_task(base=DeliveredTask)
def rematch_supplier(organisation_id: int, trigger: str = "") -> None:
    services.match_run_for_supplier(organisation_id=organisation_id, trigger=trigger)


@shared_task(base=DeliveredTask)
def rematch_all(hub_slug: str | None = None, balanced: bool = False) -> None:
    hub = Hub.objects.get(slug=hub_slug) if hub_slug else None
    services.match_run_full(hub=hub, balanced=balanced, trigger="periodic")
