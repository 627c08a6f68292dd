import pytest
import redis
from django.conf import settings


@pytest.fixture
def purged_queue():
    """This run's own Celery queue (settings/test.py names it per PYTEST_DB_SUFFIX), empty."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    yield client
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)


@pytest.fixture
def english_user(db):
    from tests.accounts.factories import UserFactory

    return UserFactory(preferred_language="en", email="reader@example.com")


@pytest.fixture
def dutch_user(db):
    from tests.accounts.factories import UserFactory

    return UserFactory(preferred_language="nl", email="lezer@example.nl")
