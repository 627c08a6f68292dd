"""The shared layout on a phone: nothing wider than the screen, every navigation link on
screen and large enough to tap, and the navigation takes you where it says."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import PHONE, login
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 24  # px, WCAG 2.2 target size (minimum)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


def elements_past_the_right_edge(page: Page) -> list[str]:
    """The innermost elements that stick out on the right, to name the culprit of a failure."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .filter(el => ![...el.children].some(
                child => child.getBoundingClientRect().right > window.innerWidth + 0.5))
            .slice(0, 5)
            .map(el => `${el.localName}.${el.className} "${el.textContent.trim().slice(0, 40)}"`)"""
    )


def assert_links_fit_the_screen(page: Page, selector: str) -> None:
    width = page.viewport_size["width"]
    links = page.locator(selector)
    assert links.count() > 0
    for index in range(links.count()):
        link = links.nth(index)
        expect(link).to_be_visible()
        box = link.bounding_box()
        label = link.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{label!r} is off screen"
        assert box["height"] >= MIN_TARGET, f"{label!r} is {box['height']}px tall"


@pytest.fixture
def long_names():
    organisation = OrganisationFactory(
        name="Stichting Samenwerkingsverband Gezondheidszorginnovatie Zuid-Holland",
        website="https://www.een-heel-lange-domeinnaam-voor-een-zorgorganisatie.example.nl/over-ons",
    )
    return ChallengeFactory(
        organisation=organisation,
        title="Arbeidsmarktdiscriminatiebestrijdingsmaatregelenonderzoek met taalmodellen",
    )


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_phone_navigation_fits_the_screen(page: Page, live_server, long_names, signed_in):
    if signed_in:
        login(page, live_server, UserFactory(full_name="Maximiliaan van Oudshoorn-Brinkhorst"))
    page.set_viewport_size(PHONE)
    pages = [
        reverse("portal:home"),
        reverse("challenges:list"),
        long_names.get_absolute_url(),
        long_names.organisation.get_absolute_url(),
        reverse("organisations:list"),
        reverse("hubs:list"),
        reverse("communities:list"),
        reverse("account_signup"),
        "/en/",
    ]
    for url in pages:
        page.goto(url)
        assert horizontal_overflow(page) == 0, (
            f"{url} scrolls sideways on a phone: {elements_past_the_right_edge(page)}"
        )

    page.goto("/")
    assert_links_fit_the_screen(page, "header .nav-list a")
    assert_links_fit_the_screen(page, "header .account-nav a")
    assert_links_fit_the_screen(page, "header .lang-switch button")


def test_phone_navigation_leads_to_each_section(page: Page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/")

    for view_name in ["challenges:list", "organisations:list", "hubs:list", "portal:home"]:
        url = reverse(view_name)
        page.locator(f"header .nav-list a[href='{url}']").click()
        expect(page).to_have_url(live_server.url + url)
        expect(page.locator(f"header .nav-list a[href='{url}']")).to_have_attribute(
            "aria-current", "page"
        )
