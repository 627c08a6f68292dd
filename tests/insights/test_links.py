"""The ways in: a link on the hub page and on the admin index, shown only to those who may
open the insights behind it."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from tests.accounts.factories import UserFactory
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

HUB_PAGE = reverse("hubs:detail", kwargs={"slug": "zuid-holland"})
INSIGHTS = reverse("insights:hub", kwargs={"slug": "zuid-holland"})


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize("persona", ["coordinator", "programme_coordinator"])
def test_hub_page_links_to_its_insights_for_coordinators(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert f'href="{INSIGHTS}"' in client.get(HUB_PAGE).text


@pytest.mark.parametrize("persona", [None, "member", "outsider", "other_hub_coordinator"])
def test_hub_page_has_no_insights_link_for_others(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    page = client.get(HUB_PAGE).text
    assert f'href="{INSIGHTS}"' not in page
    if persona != "other_hub_coordinator":  # who has insights of their own, in the header
        assert "/insights/" not in page


def test_admin_index_links_hub_coordinators_to_insights(client):
    user = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)
    login_with_second_factor(client, user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert f'href="{reverse("insights:index")}"' in response.text
    assert 'id="content-main"' in response.text  # the app list is still there


def test_admin_index_has_no_insights_link_for_staff_without_a_hub(client):
    user = UserFactory(is_staff=True)
    login_with_second_factor(client, user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "insights-module" not in response.text


def test_hub_insights_offer_the_national_page_only_to_who_may_open_it(
    client, coordinator, programme_coordinator
):
    national = reverse("insights:national")
    other_hub = reverse("insights:hub", kwargs={"slug": "noord-nederland"})

    login_with_second_factor(client, coordinator)
    page = client.get(INSIGHTS).text
    assert f'href="{national}"' not in page and f'href="{other_hub}"' not in page
    assert client.get(national).status_code == client.get(other_hub).status_code == 403

    login_with_second_factor(client, programme_coordinator)
    page = client.get(INSIGHTS).text
    assert f'href="{national}"' in page and f'href="{other_hub}"' in page
    assert client.get(national).status_code == 200


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("coordinator", True),
        ("programme_coordinator", True),
        ("member", False),
        ("staff_without_a_hub", False),
    ],
)
def test_the_header_leads_coordinators_to_the_insights_and_nobody_else(
    client, request, persona, offered
):
    """Without it a coordinator reached the insights only by typing their address."""
    if persona == "staff_without_a_hub":
        from tests.accounts.factories import UserFactory

        user = UserFactory(is_staff=True)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    link = f'href="{reverse("insights:index")}"'
    assert (link in client.get(reverse("portal:home")).text) is offered
    if offered:
        login_with_second_factor(client, user)
        assert client.get(reverse("insights:index")).status_code == 200
