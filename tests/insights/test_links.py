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

    assert "/insights/" not in client.get(HUB_PAGE).text


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
