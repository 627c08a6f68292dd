"""Every public page a visitor can reach today: no serious or critical WCAG 2.1 A/AA violation
(axe-core) at laptop and phone width, and screenshots of both widths in screenshots/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Error, Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import (
    assert_accessible_at_both_widths,
    assert_no_serious_axe_violations,
    axe_violations,
    is_logged_in,
    login,
    screenshot,
    signup,
    verification_link,
)
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content():
    """A little of everything, with realistic (long, Dutch) names to stress the layout."""
    sme = OrganisationFactory(
        name="Bakkerij De Korenbloem",
        slug="bakkerij-de-korenbloem",
        province_code="NL-ZH",
        description="Familiebakkerij met drie winkels in Leiden en omgeving.",
        website="https://korenbloem.example.nl",
        topics=["predictive-analytics"],
    )
    OrganisationFactory(
        name="Hogeschool Leiden, Lectoraat Data-gedreven Werken",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["predictive-analytics", "nlp"],
    )
    OrganisationFactory(name="Innovatielab Delft", kind_slug="innovation-lab")
    challenge = ChallengeFactory(
        organisation=sme,
        title="Minder brood weggooien: voorspel per winkel en per dag hoeveel we moeten bakken",
        description=(
            "Elke avond gooien we brood weg, en op zaterdag is het om twee uur op. "
            "We willen met onze kassadata en het weer beter voorspellen wat we bakken."
        ),
        learning_goals="Hoe je een voorspelmodel onderhoudt zonder eigen data-team.",
        topics=["predictive-analytics"],
    )
    community = LearningCommunityFactory(
        name="Leergemeenschap Voedselverspilling Zuid-Holland", slug="voedselverspilling"
    )
    community.challenges.add(challenge)
    community.organisations.add(sme)
    CommunityMembershipFactory(community=community)
    return {"challenge": challenge, "organisation": sme, "community": community}


PAGES = {
    "home": lambda c: reverse("portal:home"),
    "challenge-list": lambda c: reverse("challenges:list"),
    "challenge-detail": lambda c: c["challenge"].get_absolute_url(),
    "organisation-list": lambda c: reverse("organisations:list"),
    "organisation-detail": lambda c: c["organisation"].get_absolute_url(),
    "hub-list": lambda c: reverse("hubs:list"),
    "hub-detail": lambda c: reverse("hubs:detail", kwargs={"slug": "zuid-holland"}),
    "community-list": lambda c: reverse("communities:list"),
    "community-detail": lambda c: c["community"].get_absolute_url(),
    "login": lambda c: reverse("account_login"),
    "signup": lambda c: reverse("account_signup"),
    "password-reset": lambda c: reverse("account_reset_password"),
    "accessibility-statement": lambda c: reverse("portal:accessibility"),
    "privacy-statement": lambda c: reverse("accounts:privacy"),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violations(page: Page, content, name):
    response = page.goto(PAGES[name](content))

    assert response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible_at_both_widths(page, name)


def test_english_home_has_no_serious_accessibility_violations(page: Page, content):
    page.goto("/en/")

    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_serious_axe_violations(page)
    screenshot(page, "home-en")


def test_signed_in_header_has_no_serious_accessibility_violations(page: Page, live_server):
    user = UserFactory(full_name="Fatima el Amrani-Verhoeven")

    login(page, live_server, user)
    page.goto("/")

    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Fatima")
    assert_accessible_at_both_widths(page, "home-signed-in")


def test_signup_confirmation_pages_have_no_serious_accessibility_violations(page: Page, mailoutbox):
    page.goto(reverse("account_signup"))
    page.locator("[name=email]").fill("lector@example.nl")
    page.locator("[name=full_name]").fill("Sanne Lector")
    page.locator("[name=password1]").fill("lesgeven-met-data-2024")
    page.locator("[name=password2]").fill("lesgeven-met-data-2024")
    page.locator("form.account-form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert_accessible_at_both_widths(page, "signup-verification-sent")
    page.goto(verification_link(mailoutbox, "lector@example.nl"))
    expect(page.locator("main form button[type=submit]")).to_be_visible()
    assert_accessible_at_both_widths(page, "signup-confirm-email")


def test_signup_helper_ends_with_a_confirmed_logged_in_person(page: Page, mailoutbox):
    user = signup(
        page,
        mailoutbox,
        email="mkb@example.nl",
        full_name="Bram Ondernemer",
        password="brood-en-banket-2024",
    )

    assert user.full_name == "Bram Ondernemer"
    assert user.emailaddress_set.get(email="mkb@example.nl").verified
    assert is_logged_in(page)


def test_not_found_page_has_no_serious_accessibility_violations(page: Page):
    response = page.goto("/bestaat-niet/")

    assert response.status == 404
    expect(page.locator("h1")).to_have_count(1)
    assert_no_serious_axe_violations(page)
    screenshot(page, "404")


def test_the_axe_check_reports_violations_it_finds(page: Page):
    """The check itself can fail: a page with an unlabelled field and an image without text."""
    page.goto("/")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
            '<input type="text" id="nameless"><img id="wordless" src="/static/img/favicon.svg">')"""
    )

    with pytest.raises(AssertionError) as failure:
        assert_no_serious_axe_violations(page)

    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"label", "image-alt"} <= ids
    assert "#nameless" in str(failure.value)
    assert "#wordless" in str(failure.value)


def test_csp_violations_and_script_errors_are_caught(page: Page, page_problems):
    """The CSP stays on in browser tests, and breaking it is noticed (an inline script), as
    is a script error."""
    page.goto("/")

    with pytest.raises(Error, match="Content Security Policy"):
        page.add_script_tag(content="document.title = 'inline'")
    with page.context.expect_event("weberror"):
        page.evaluate("setTimeout(() => { throw new Error('broken script') })")

    assert any("CSP violation" in problem for problem in page_problems.errors)
    assert any("broken script" in problem for problem in page_problems.errors)
    page_problems.errors.clear()  # seen; the teardown check would fail the test otherwise


def test_footer_leads_to_the_accessibility_statement(page: Page):
    page.goto("/")

    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Een initiatief van de regionale AI-hubs")
    footer.get_by_role("link", name="Toegankelijkheidsverklaring").click()

    expect(page.locator("h1")).to_have_text("Toegankelijkheidsverklaring")
    expect(page.locator("main")).to_contain_text("Voldoet gedeeltelijk")
