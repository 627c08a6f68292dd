"""Thin Celery task: embed a batch of pending texts, and go on while more is pending. The
pending state is in the data (apps/semantics/embeddings.py), so a lost or repeated message
costs at most a batch of work, never a duplicate."""

from celery import shared_task

from apps.core.delivery import retried_task_options

from . import embeddings


@shared_task(**retried_task_options(backoff=5, backoff_max=300, max_retries=5))
def embed_pending(source: str) -> int:
    done = embeddings.embeddings_refresh(source)
    if done >= embeddings.EMBED_BATCH:
        embeddings.embed_pending_send(source)
    return done
