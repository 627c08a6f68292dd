"""A lecturer signs in with SURFconext for the first time, in the browser (issue 13): from the
home page to the sign-in page, "Inloggen met SURFconext", signing in at the institution (the
test OpenID Connect provider, a real server in a process of its own), and landing on "get
started", which proposes their institution; they ask to join it, and find the link in My
data. axe-core checks the pages on the way at phone and laptop width."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.organisations.models import Membership
from tests.browser.helpers import assert_accessible_at_both_widths
from tests.oidc_provider.fixtures import (  # noqa: F401 (fixture)
    LECTURER,
    oidc_provider,
    surfconext_settings,
)
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def surfconext_on_live_server(settings, live_server, oidc_provider):  # noqa: F811
    """The live server configured for the test provider as SURFCONEXT_* would configure it:
    the app, and the issuer in CSP's form-action (the button's redirect goes there)."""
    oidc_provider.allow_redirect_uri(f"{live_server.url}/accounts/oidc/surfconext/login/callback/")
    settings.SOCIALACCOUNT_PROVIDERS = surfconext_settings(oidc_provider)
    policy = {**settings.CONTENT_SECURITY_POLICY}
    directives = {**policy["DIRECTIVES"]}
    directives["form-action"] = [*directives["form-action"], oidc_provider.base_url]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    return oidc_provider


def test_a_lecturer_signs_in_with_surfconext_and_asks_to_join_their_institution(
    page: Page, live_server, surfconext_on_live_server
):
    hogeschool = OrganisationFactory(
        name="Hogeschool Leiden", kind_slug="hbo", website="https://www.hsleiden.nl/"
    )
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Inloggen", exact=True).click()
    expect(
        page.get_by_role(
            "heading", name="Docent of student bij een Nederlandse onderwijsinstelling?"
        )
    ).to_be_visible()
    assert_accessible_at_both_widths(page, "journey-surfconext-login")

    page.get_by_role("button", name="Inloggen met SURFconext").click()
    expect(page).to_have_url(re.compile("^" + re.escape(surfconext_on_live_server.base_url)))
    page.get_by_label("Username").fill(LECTURER["username"])
    page.get_by_label("Password").fill(LECTURER["password"])
    page.get_by_role("button", name="Sign in").click()

    heading = "Je instelling Hogeschool Leiden staat op het platform: vraag om lid te worden"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert_accessible_at_both_widths(page, "journey-surfconext-get-started")

    proposal = page.locator("section", has=page.get_by_role("heading", name=heading))
    proposal.get_by_role("button", name="Vraag om lid te worden").click()
    expect(page.get_by_text("Verzoek in behandeling").first).to_be_visible()
    membership = Membership.objects.get(organisation=hogeschool)
    assert membership.user.email == LECTURER["email"]
    assert membership.user.full_name == "Jan de Vries"

    # What the platform keeps of the SURFconext link, in My data.
    page.get_by_role("link", name="Mijn overzicht").first.click()
    page.get_by_role("navigation", name="Mijn account").get_by_role(
        "link", name="Mijn gegevens"
    ).click()
    linked = page.locator(
        "section", has=page.get_by_role("heading", name="Gekoppelde inlogmethode")
    )
    expect(linked.get_by_role("heading", name="SURFconext")).to_be_visible()
    expect(linked).to_contain_text(LECTURER["email"])
    assert_accessible_at_both_widths(page, "journey-surfconext-my-data")


def test_an_english_reader_comes_back_from_surfconext_on_english_pages(
    page: Page, live_server, surfconext_on_live_server
):
    """The provider's callback has no language prefix; the sign-in still ends in English."""
    OrganisationFactory(
        name="Hogeschool Leiden", kind_slug="hbo", website="https://www.hsleiden.nl/"
    )
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()  # the header's language switch
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_role("button", name="Sign in with SURFconext").click()
    expect(page).to_have_url(re.compile("^" + re.escape(surfconext_on_live_server.base_url)))
    page.get_by_label("Username").fill(LECTURER["username"])
    page.get_by_label("Password").fill(LECTURER["password"])
    page.get_by_role("button", name="Sign in").click()

    heading = "Your institution Hogeschool Leiden is on the platform: ask to join"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page).to_have_url(re.compile("^" + re.escape(live_server.url + "/en/")))
    expect(page.locator("html")).to_have_attribute("lang", "en")
