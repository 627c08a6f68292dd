"""Contract test: every operation's answers validate against the published OpenAPI document
(schemathesis, in process through Django's WSGI app, with generated parameters).

The document is loaded from the app itself at collection (`from_wsgi`); schemathesis'
`from_fixture` does not run on pytest 9 (it reads `Function._nodeid`, which is gone)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from hypothesis import HealthCheck, settings

from apps.challenges.models import ChallengeStatus, Visibility
from apps.communities.models import JoinRequest


@pytest.fixture
def _connections_kept_open():
    """Django's WSGI handler closes the database connection after each request; in a test
    that is the test's own transaction (Django's test client keeps it open the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def contract_data(db, settings, sme, member, _connections_kept_open):
    from tests.challenges.factories import ChallengeFactory
    from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
    from tests.knowledge.factories import KnowledgeItemFactory
    from tests.matching.factories import MatchFactory
    from tests.notifications.factories import NotificationFactory

    settings.API_RATE_LIMIT_PER_IP = 100_000
    settings.API_RATE_LIMIT_PER_TOKEN = 100_000
    published = ChallengeFactory(organisation=sme)
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    match = MatchFactory(challenge=published)
    CommunityMembershipFactory(community=LearningCommunityFactory(), user=member)
    KnowledgeItemFactory(topics=["nlp"])
    NotificationFactory(recipient=member)
    join_request = JoinRequest.objects.create(
        community=LearningCommunityFactory(), user=member, role="company-participant"
    )
    return {"challenge_id": draft.pk, "match_id": match.pk, "join_request_id": join_request.pk}


@pytest.fixture
def member_token(member):
    from apps.api.services import api_token_create

    return api_token_create(user=member, name="contract", scope="write").secret


# Loaded at collection, before the test database exists, so without the facets' values, which
# the published document lists from the database (an outside tester against the running
# server gets them: docs/api.md).
with override_settings(API_OPENAPI_FACET_VALUES=False):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# Every check but one: without the facets' values in the document, a string that names no
# hub or topic is schema-valid, and refused with 400 naming the parameter (docs/api.md), which
# this check would count as a schema-valid request rejected.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


def with_token(case, secret: str) -> dict:
    """The member's token, unless this case's negative headers left it out on purpose (the
    token added back would turn the refusal schemathesis expects into an acceptance)."""
    from schemathesis.core.parameters import ParameterLocation

    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
        return {}
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, member_token):
    case.call_and_validate(headers=with_token(case, member_token), excluded_checks=EXCLUDED)


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_without_a_token(case):
    case.call_and_validate(excluded_checks=EXCLUDED)


WRITES = ["POST", "PATCH", "DELETE"]


@schema.include(method=WRITES).parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_write_on_real_objects_answers_as_documented(case, member_token, contract_data):
    """The writes again, on the member's own draft and match (random ids mostly find
    nothing), so the successful answers are checked against the document too."""
    for name in case.path_parameters or {}:
        case.path_parameters[name] = contract_data[name]
    case.call_and_validate(headers=with_token(case, member_token), excluded_checks=EXCLUDED)
