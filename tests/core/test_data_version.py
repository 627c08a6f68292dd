"""The data version that shared page caches are keyed on: every way of writing a watched
table advances it, so a cached count never outlives the data it counted."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.challenges.models import Challenge, Visibility
from apps.challenges.selectors import challenge_filterset
from apps.core.data_version import cached_for_data_version, data_version
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def province_counts(user=None):
    return challenge_filterset(user=user or AnonymousUser(), filters={}).facet_counts()["province"]


def test_every_kind_of_write_advances_the_version():
    challenge = ChallengeFactory()
    seen = [data_version()]

    Challenge.objects.filter(pk=challenge.pk).update(title="Bijgewerkt")  # no signals
    seen.append(data_version())
    challenge.topics.clear()  # a link table
    seen.append(data_version())
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM challenges_challenge_sectors")
    seen.append(data_version())
    OrganisationFactory()
    seen.append(data_version())

    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_reading_leaves_the_version_alone():
    ChallengeFactory()
    before = data_version()
    list(Challenge.objects.all())
    province_counts()
    assert data_version() == before


def test_facet_counts_are_shared_until_the_data_changes():
    ChallengeFactory(province_code="NL-ZH")
    filterset = challenge_filterset(user=AnonymousUser(), filters={})
    first = filterset.facet_counts()  # loads the options, counts, caches
    assert first["province"]["NL-ZH"] == 1

    # Cached: only the version is read, no count query.
    with CaptureQueriesContext(connection) as queries:
        assert filterset.facet_counts() == first
    assert queries.captured_queries
    assert all("core_data_version" in query["sql"] for query in queries.captured_queries)

    # A bulk insert sends no signals; the trigger still advances the version.
    template = Challenge.objects.get()
    Challenge.objects.bulk_create(
        [
            Challenge(
                organisation=template.organisation,
                title=f"Bulk {n}",
                description=template.description,
                province=template.province,
                status=template.status,
                visibility=Visibility.PUBLIC,
                created_by=template.created_by,
            )
            for n in range(2)
        ]
    )
    assert province_counts()["NL-ZH"] == 3


def test_a_cached_result_depends_on_its_key():
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert cached_for_data_version("test", "a", lambda: compute("a")) == "a"
    assert cached_for_data_version("test", "a", lambda: compute("again")) == "a"
    assert cached_for_data_version("test", "b", lambda: compute("b")) == "b"
    assert calls == ["a", "b"]


def _version_reads(captured) -> int:
    return sum("FROM core_data_version" in q["sql"] for q in captured)


def test_a_get_request_reads_the_version_once_and_a_post_afresh(client, sme):
    ChallengeFactory(organisation=sme)
    client.get("/challenges/", {"q": "challenge", "province": "NL-ZH"})  # shared parts built

    with CaptureQueriesContext(connection) as page:
        client.get("/challenges/", {"q": "challenge", "province": "NL-ZH", "page": 1})
    assert _version_reads(page) == 1

    from django.test import RequestFactory

    from apps.core.data_version import DataVersionPerRequestMiddleware

    seen = []

    def view(request):
        seen.append(data_version())
        ChallengeFactory(organisation=sme)  # a write inside the request
        seen.append(data_version())
        return None

    DataVersionPerRequestMiddleware(view)(RequestFactory().post("/"))
    assert seen[1] > seen[0]  # a POST sees its own writes
    seen.clear()
    DataVersionPerRequestMiddleware(view)(RequestFactory().get("/"))
    assert seen[1] == seen[0]  # kept for the request
    assert data_version() > seen[0]  # and read afresh outside it
