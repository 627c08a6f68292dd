"""Pointing the test process's Celery app at another broker."""

from learningcommunities.celery import app


def broker_connections_reset() -> None:
    """Celery's connection and producer pools live in kombu's global registry, keyed by the
    broker URL: forget them all (closing one would leave it closed for later tests), and the
    back-off after a failed publish with them."""
    from kombu import pools

    from apps.core import delivery

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    delivery._broker_down_until = 0.0
