"""Thin Celery task: embed the pending texts of some rows, or of one part of a source under
its lease (apps/semantics/embeddings.py). The pending state is in the data, so a lost or
repeated message costs at most a batch of work, never a duplicate."""

from celery import shared_task

from apps.core.delivery import DeliveredTask

from . import embeddings


@shared_task(base=DeliveredTask, bind=True)
def embed_pending(self, source: str, shard: int | None = None, ids: list[int] | None = None) -> int:
    if ids:
        return embeddings.embeddings_refresh(source, ids=ids, limit=len(ids))
    if shard is None:  # a message from before parts existed: every part
        return embeddings.embed_all_pending_send(source)
    return embeddings.embeddings_shard_work(source, shard, token=self.request.id or "")
