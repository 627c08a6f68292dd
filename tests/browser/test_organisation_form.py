"""Adding an organisation in the browser (issue 12, item 2): the kind first, then only that
kind's fields; the parent is found by searching education organisations, as you type with
JavaScript and with a Search button without it. By keyboard, axe-clean at both widths."""

import re

import pytest
from playwright.sync_api import Page, expect

from apps.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible_at_both_widths, focused, login, tab_to
from tests.browser.test_sme_journey import en
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hogescholen():
    delta = OrganisationFactory(name="Hogeschool Delta", kind_slug="hbo", province_code="NL-ZH")
    OrganisationFactory(name="Delta Bakkerij", kind_slug="sme", province_code="NL-ZH")
    OrganisationFactory(name="Hogeschool Gamma", kind_slug="hbo", province_code="NL-ZH")
    return delta


def choose_kind_by_keyboard(page: Page, label: str) -> None:
    """Tab into the radio group, arrow down to `label`, Tab to "Go on" and press Enter."""
    tab_to(page, lambda element: element.get("name") == "kind")
    for _ in range(15):
        if page.get_by_label(label, exact=True).is_checked():
            break
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label(label, exact=True)).to_be_checked()
    tab_to(page, lambda element: element.get("text") == "Go on")
    page.keyboard.press("Enter")


def test_a_lectoraat_is_added_by_keyboard_with_its_hogeschool_found_as_you_type(
    page: Page, live_server, hogescholen
):
    person = UserFactory()
    login(page, live_server, person)
    page.goto(live_server.url + en("organisations:create"))
    assert_accessible_at_both_widths(page, "organisation-form-kind")

    choose_kind_by_keyboard(page, "Professorship (lectoraat)")
    expect(page.locator(".chosen-kind")).to_contain_text("Professorship (lectoraat)")
    expect(page.get_by_label("Capacity")).to_be_visible()

    page.get_by_label(re.compile(r"^Name:?$")).focus()
    page.keyboard.type("Lectoraat Slimme Kassen")
    page.get_by_label("Province").select_option(label="South Holland")
    search = page.get_by_label(re.compile("Search for the education organisation"))
    search.focus()
    page.keyboard.type("delta")
    # The suggestions come in while typing; focus stays where the person types.
    option = page.get_by_label("Hogeschool Delta (South Holland)")
    expect(option).to_be_visible()
    expect(page.get_by_label(re.compile("^Delta Bakkerij"))).to_have_count(0)
    expect(page.get_by_label(re.compile("^Hogeschool Gamma"))).to_have_count(0)
    assert focused(page)["name"] == "parent_query"
    expect(page.locator(".parent-search-status")).to_contain_text(
        "One education organisation matches your search."
    )
    assert_accessible_at_both_widths(page, "organisation-form-parent-suggestions")

    # Into the radio group by Tab (past the Search button), then the arrow to Hogeschool Delta.
    tab_to(page, lambda element: element.get("name") == "parent")
    page.keyboard.press("ArrowDown")
    expect(option).to_be_checked()

    page.get_by_label("Time series", exact=True).check()
    page.get_by_label("Capacity").fill("2")
    tab_to(page, lambda element: element.get("text") == "Add organisation")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Lectoraat Slimme Kassen")
    created = Organisation.objects.get(name="Lectoraat Slimme Kassen")
    assert created.parent == hogescholen
    assert created.kind.slug == "lectorate"


def test_without_javascript_the_search_button_finds_the_parent(
    new_context, live_server, hogescholen
):
    page = new_context(java_script_enabled=False).new_page()
    login(page, live_server, UserFactory())
    page.goto(live_server.url + en("organisations:create"))
    page.get_by_label("Professorship (lectoraat)", exact=True).check()
    page.get_by_role("button", name="Go on").click()

    page.get_by_label(re.compile(r"^Name:?$")).fill("Lectoraat Zonder Script")
    page.get_by_label(re.compile("Search for the education organisation")).fill("delta")
    # Before the required province is chosen: searching is not sending the form.
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".parent-search-status")).to_contain_text("One education organisation")

    # The same page again, with what was typed and the matches to choose from.
    expect(page.get_by_label(re.compile(r"^Name:?$"))).to_have_value("Lectoraat Zonder Script")
    page.get_by_label("Hogeschool Delta (South Holland)").check()
    page.get_by_label("Province").select_option(label="South Holland")
    page.get_by_label("Time series", exact=True).check()
    page.get_by_label("Capacity").fill("1")
    page.get_by_role("button", name="Add organisation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lectoraat Zonder Script")
    assert Organisation.objects.get(name="Lectoraat Zonder Script").parent == hogescholen
    # (axe needs JavaScript: the same page is checked in the test above.)
