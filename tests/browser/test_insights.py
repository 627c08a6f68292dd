"""The insights page in the browser: the map switch (demand, supply, shortage or surplus)
works with the keyboard alone, without JavaScript of its own, and the page passes axe-core at
phone and laptop width."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from apps.hubs.services import programme_coordinator_set
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible_at_both_widths, login, tab_to
from tests.browser.test_coordinator_journey import enter_code_with_the_keyboard
from tests.insights.conftest import published, supplier
from tests.mfa_helpers import give_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def figures():
    """Zuid-Holland: demand 2, supply 5 (a surplus of 3); Utrecht: demand 1, no supply."""
    published("NL-ZH", ["nlp"], days=3)
    published("NL-ZH", ["ml"], days=40)
    published("NL-UT", ["nlp"], days=10)
    supplier("NL-ZH", ["nlp"], capacity=5)


@pytest.fixture
def programme_coordinator_user():
    user = programme_coordinator_set(user=UserFactory(full_name="Pim Programma"), enabled=True)
    _authenticator, user.totp_secret = give_totp(user)
    return user


def province_class(page: Page, code: str) -> str:
    return page.locator(f"#province-{code}").get_attribute("class")


def test_map_switch_works_with_the_keyboard_and_the_page_is_accessible(
    page: Page, live_server, figures, programme_coordinator_user
):
    login(page, live_server, programme_coordinator_user)
    enter_code_with_the_keyboard(page, programme_coordinator_user.totp_secret)
    page.goto("/en" + reverse("insights:national"))

    # By default the map shows shortage or surplus: Zuid-Holland's surplus, Utrecht short.
    assert province_class(page, "NL-ZH") == "province surplus-5"
    assert province_class(page, "NL-UT") == "province shade-5"
    switch = page.locator(".map-switch")
    expect(switch.locator("[aria-current=true]")).to_have_text("Shortage or surplus")
    expect(page.locator(".map-legend")).to_contain_text("surplus of 3")

    # Tab to "Demand" and press Enter: the map, the legend and the marked choice change.
    link = tab_to(page, lambda element: element["tag"] == "a" and element["text"] == "Demand")
    assert link["visibleFocus"], link
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?show=demand#provinces$"))
    assert province_class(page, "NL-ZH") == "province shade-5"
    assert province_class(page, "NL-UT") == "province shade-3"  # 1 of 2: ceil(5 / 2)
    expect(switch.locator("[aria-current=true]")).to_have_text("Demand")
    expect(page.locator(".map-legend li")).to_have_text(["0", "1", "2"])
    expect(page.locator("#province-map-title")).to_have_text(
        "Map of the 12 provinces, shaded by demand"
    )

    assert_accessible_at_both_widths(page, "insights-national-demand")
