"""After a first SURFconext sign-in, "get started" proposes the institution the sign-in named
(`schac_home_organization`), matched on the organisations' websites (issue 13)."""

import pytest
from django.urls import reverse

from apps.organisations.selectors import organisation_for_home_domain
from tests.accounts.factories import UserFactory
from tests.oidc_provider.fixtures import LECTURER, STRANGER
from tests.organisations.factories import OrganisationFactory

from .flow import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hogeschool_leiden(db):
    return OrganisationFactory(
        name="Hogeschool Leiden", kind_slug="hbo", website="https://www.hsleiden.nl/"
    )


@pytest.mark.parametrize(
    ("website", "found"),
    [
        ("https://www.hsleiden.nl/", True),
        ("https://hsleiden.nl", True),
        ("http://onderzoek.hsleiden.nl/lectoraten", True),
        ("https://nothsleiden.nl/", False),
        ("https://www.hsleiden.nl.example.com/", False),
        ("", False),
    ],
)
def test_the_institution_is_found_by_its_websites_domain(website, found):
    organisation = OrganisationFactory(name="Hogeschool Leiden", website=website)
    person = UserFactory()
    result = organisation_for_home_domain(user=person, domain="hsleiden.nl")
    assert (result == organisation) is found


def test_get_started_proposes_joining_the_institution_of_the_sign_in(
    client, surfconext, hogeschool_leiden
):
    response = sign_in(client, LECTURER)
    page = client.get(response["Location"]).content.decode()

    assert "Je instelling Hogeschool Leiden staat op het platform: vraag om lid te worden" in page
    join_url = reverse("organisations:join", kwargs={"slug": hogeschool_leiden.slug})
    assert f'action="{join_url}"' in page


def test_get_started_says_so_when_the_institution_is_not_on_the_platform(client, surfconext):
    OrganisationFactory(name="Hogeschool Leiden", website="https://www.hsleiden.nl/")

    response = sign_in(client, STRANGER)
    page = client.get(response["Location"]).content.decode()

    assert "Je instelling staat nog niet op het platform" in page
    assert "onbekende-school.nl" in page
    assert reverse("organisations:create") in page


def test_without_surfconext_get_started_proposes_nothing(client, hogeschool_leiden):
    client.force_login(UserFactory(email="iemand@hsleiden.nl"))
    page = client.get(reverse("portal:get_started")).content.decode()
    assert "Hogeschool Leiden" not in page
    assert "Je instelling" not in page
