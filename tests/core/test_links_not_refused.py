"""Issue 12, item 10: no link to a page that answers 403. A link is shown only when the
check the page itself makes would let the person in; each test shows the link to a persona
the page admits and hides it from one it refuses (and checks that the page does refuse)."""

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus
from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.hubs.factories import make_coordinator
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(sme):
    return ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)


def status_page(client, user, challenge) -> str:
    sign_in(client, user)
    response = client.get(reverse("challenges:status", kwargs={"pk": challenge.pk}))
    assert response.status_code == 200
    return response.text


def admin_change(challenge) -> str:
    return reverse("admin:challenges_challenge_change", args=[challenge.pk])


@pytest.mark.parametrize("persona", ["hub_coordinator", "programme_coordinator"])
def test_coordinators_the_admin_admits_get_the_review_link(client, request, challenge, persona):
    if persona == "hub_coordinator":
        user = UserFactory()
        hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)
    else:
        user = request.getfixturevalue(persona)

    page = status_page(client, user, challenge)

    assert f'href="{admin_change(challenge)}"' in page
    assert client.get(admin_change(challenge)).status_code == 200


def test_staff_the_admin_refuses_get_no_review_link(client, challenge):
    """Staff and coordinator of the region, so the status page opens, but without the
    coordinators' group the admin has no challenge permission for them: 403 there."""
    user = make_coordinator(UserFactory(is_staff=True), "zuid-holland")

    page = status_page(client, user, challenge)

    assert admin_change(challenge) not in page
    assert client.get(admin_change(challenge)).status_code == 403


def test_members_get_no_review_link(client, challenge, sme):
    from tests.organisations.factories import MembershipFactory

    member = MembershipFactory(organisation=sme, user=UserFactory(is_staff=True)).user

    assert admin_change(challenge) not in status_page(client, member, challenge)
