"""The shared layout on a phone: nothing wider than the screen, every navigation link on
screen and large enough to tap, and the navigation takes you where it says."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.browser.helpers import (
    PHONE,
    assert_no_serious_axe_violations,
    elements_past_the_right_edge,
    focused,
    horizontal_overflow,
    login,
    screenshot,
    tab_to,
)
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_TARGET = 24  # px, WCAG 2.2 target size (minimum)


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


def open_the_menu(page: Page) -> None:
    page.get_by_role("button", name="Menu").click()
    expect(page.locator("header .nav-list")).to_be_visible()


def header_height(page: Page) -> float:
    return page.locator("header.site-header").bounding_box()["height"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_phone_header_is_short_and_its_menu_opens_by_keyboard(page: Page, live_server, signed_in):
    """On a phone the header took about 240 px of an 844 px screen before the page began: now
    the navigation sits behind a menu button, a disclosure the keyboard can open and close."""
    if signed_in:
        login(page, live_server, UserFactory(full_name="Maximiliaan van Oudshoorn-Brinkhorst"))
    page.set_viewport_size(PHONE)
    page.goto("/")

    assert header_height(page) <= 80, f"the header is {header_height(page)}px tall on a phone"
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    menu = page.locator("#" + button.get_attribute("aria-controls"))
    expect(menu).to_be_hidden()

    assert tab_to(page, lambda el: el["text"] == "Menu")["visibleFocus"]
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    assert_no_serious_axe_violations(page)
    screenshot(page, "menu-open")

    # The links follow the button in the focus order; Escape closes and focus returns.
    reached = tab_to(page, lambda el: el["text"] == "Uitdagingen", limit=5)
    assert reached["region"] == "header"
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert focused(page)["text"] == "Menu"
    page.keyboard.press("Space")
    expect(menu).to_be_visible()
    tab_to(page, lambda el: el["text"] == "Uitdagingen", limit=5)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("challenges:list"))
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_wide_screens_show_the_navigation_without_a_menu_button(page: Page):
    page.goto("/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("header .nav-list")).to_be_visible()


def test_without_javascript_the_phone_navigation_is_still_reachable(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, viewport=PHONE, base_url=live_server.url, locale="nl-NL"
    )
    page = context.new_page()
    page.goto("/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()  # it would do nothing
    page.locator(f"header .nav-list a[href='{reverse('challenges:list')}']").click()
    expect(page).to_have_url(live_server.url + reverse("challenges:list"))
    context.close()


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
    open_the_menu(page)
    assert_links_fit_the_screen(page, "header .nav-list a")
    assert_links_fit_the_screen(page, "header .account-nav a")
    assert_links_fit_the_screen(page, "header .lang-switch button")


def test_phone_navigation_leads_to_each_section(page: Page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/")

    for view_name in ["challenges:list", "organisations:list", "hubs:list", "portal:home"]:
        url = reverse(view_name)
        open_the_menu(page)
        page.locator(f"header .nav-list a[href='{url}']").click()
        expect(page).to_have_url(live_server.url + url)
        expect(page.locator(f"header .nav-list a[href='{url}']")).to_have_attribute(
            "aria-current", "page"
        )


LAYOUT_SHIFT_OBSERVER = """
    window.layoutShift = 0;
    new PerformanceObserver(list => list.getEntries().forEach(entry => {
        if (!entry.hadRecentInput) window.layoutShift += entry.value;
    })).observe({type: "layout-shift", buffered: true});
"""


def test_folding_the_filters_on_a_phone_moves_nothing(page: Page, long_names):
    """facets.js folds the filters on a phone after the page has painted; the stylesheet hides
    them from the first paint, so the results do not jump up (Lighthouse counted a layout
    shift of 0.26 on the challenge list)."""
    for _ in range(5):
        ChallengeFactory()
    page.set_viewport_size(PHONE)
    page.add_init_script(LAYOUT_SHIFT_OBSERVER)
    page.goto(reverse("challenges:list"))

    expect(page.locator("details.facet-panel")).not_to_have_attribute("open", "")
    page.wait_for_timeout(500)
    assert page.evaluate("window.layoutShift") < 0.01
