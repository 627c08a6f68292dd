import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Let parallel test runs on one machine (PYTEST_DB_SUFFIX=x) use their own database."""
    from django.conf import settings

    suffix = os.environ.get("PYTEST_DB_SUFFIX")
    if suffix:
        test_settings = settings.DATABASES["default"].setdefault("TEST", {})
        test_settings["NAME"] = f"test_learningcommunities_{suffix}"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and cached sessions live in the real Redis: start every test clean.

    Only this run's keys are removed, so a `make run` sharing the server keeps its own."""
    import redis
    from django.conf import settings

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    yield


@pytest.fixture(autouse=True)
def _dutch_by_default():
    """A request to /en/ activates English in the thread; later tests must start in Dutch."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.activate("nl")


@pytest.fixture
def sme(db):
    """An SME in Zuid-Holland (hub zuid-holland)."""
    from tests.organisations.factories import OrganisationFactory

    return OrganisationFactory(
        name="Bakkerij De Korenbloem", kind_slug="sme", province_code="NL-ZH"
    )


@pytest.fixture
def member(sme):
    """An active member of `sme`."""
    from tests.organisations.factories import MembershipFactory

    return MembershipFactory(organisation=sme).user


@pytest.fixture
def sme_admin(sme):
    """An active administrator of `sme`."""
    from apps.organisations.models import Membership
    from tests.organisations.factories import MembershipFactory

    return MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user


@pytest.fixture
def outsider(db):
    """A member of another organisation, in another hub's region (Groningen)."""
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    other = OrganisationFactory(name="Zuivel Noord", kind_slug="sme", province_code="NL-GR")
    return MembershipFactory(organisation=other).user


@pytest.fixture
def coordinator(db):
    """Coordinator of hub zuid-holland, the region of `sme`."""
    from tests.accounts.factories import UserFactory
    from tests.hubs.factories import make_coordinator

    return make_coordinator(UserFactory(is_staff=True), "zuid-holland")


@pytest.fixture
def other_hub_coordinator(db):
    """Coordinator of hub noord-nederland: must not see Zuid-Holland's hub-only objects."""
    from tests.accounts.factories import UserFactory
    from tests.hubs.factories import make_coordinator

    return make_coordinator(UserFactory(is_staff=True), "noord-nederland")


@pytest.fixture
def programme_coordinator(db):
    """Works nationally: staff, in the "Programme coordinators" group, not a superuser."""
    from apps.hubs.services import programme_coordinator_set
    from tests.accounts.factories import UserFactory

    return programme_coordinator_set(user=UserFactory(), enabled=True)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's `admin_client`, signed in the way the admin requires: with a second
    factor (see tests/mfa_helpers.py)."""
    from tests.mfa_helpers import login_with_second_factor

    login_with_second_factor(client, admin_user)
    return client


class TestQueue:
    """The tests' Celery queue in the real Redis broker: how many messages wait, and which
    tasks with which arguments."""

    def __init__(self):
        import redis
        from django.conf import settings

        self.name = settings.CELERY_TASK_DEFAULT_QUEUE
        self.redis = redis.Redis.from_url(settings.REDIS_URL)

    def __call__(self) -> int:
        return self.redis.llen(self.name)

    def tasks(self) -> list[tuple[str, list, dict]]:
        import base64
        import json

        sent = []
        for raw in reversed(self.redis.lrange(self.name, 0, -1)):
            message = json.loads(raw)
            args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            sent.append((message["headers"]["task"], args, kwargs))
        return sent

    def clear(self) -> None:
        self.redis.delete(self.name)


@pytest.fixture
def queue():
    from apps.core import delivery

    waiting = TestQueue()
    waiting.clear()
    delivery._broker_down_until = 0.0
    yield waiting
    waiting.clear()
