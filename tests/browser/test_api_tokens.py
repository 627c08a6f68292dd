"""A member's personal API tokens, in the browser: reached from the home page through the
profile's navigation, created and revoked with the keyboard alone; the secret is shown once,
announced, and copied; wrong input comes back tied to its field with nothing lost; axe-core
finds nothing at laptop and phone width in each state, and nothing scrolls sideways on a
phone.

Driven through the English site, as the other journeys are (English text is what stays
stable to assert on); the Dutch page is checked where the errors are.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.api.models import ApiToken
from tests.accounts.factories import UserFactory
from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    assert_accessible_at_both_widths,
    elements_past_the_right_edge,
    focused,
    horizontal_overflow,
    login,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKENS_PATH = "/en/me/api-tokens/"


# --- Keyboard --------------------------------------------------------------------------------


def tab_through(page: Page, predicate, *, limit: int = 60) -> dict:
    """Press Tab until `predicate(focused(page))` holds; every element passed on the way must
    show its focus. Returns the element reached. (A date field is a stop of its own for its
    calendar button, which the browser rings itself: the field does not match :focus-visible
    then, so `focused` cannot see that ring.)"""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        seen.append(element)
        assert element.get("visibleFocus") or element.get("type") == "date", (
            f"no visible focus on {element}"
        )
        if predicate(element):
            return element
    order = "\n".join(f"  {item}" for item in seen)
    raise AssertionError(f"focus never reached the element after {limit} Tabs:\n{order}")


def named(name: str):
    return lambda element: element.get("name") == name


def text_of(element: dict) -> str:
    return " ".join(element.get("text", "").split())


def link(text: str):
    return lambda element: element["tag"] == "a" and text_of(element) == text


def button(text: str):
    return lambda element: element["tag"] == "button" and text_of(element) == text


def type_date(page: Page, day: datetime.date) -> None:
    """Type a date into the focused date field as a person does, digit by digit into its
    segments. Their order is the browser's own (this Chromium shows mm/dd/yyyy whatever the
    page's or the context's language), so a probe date is typed first to learn it; Shift+Tab
    goes back through the segments."""
    field = page.locator("input:focus")
    page.keyboard.type("01022003")
    order = "%m%d%Y" if field.input_value() == "2003-01-02" else "%d%m%Y"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(day.strftime(order))
    expect(field).to_have_value(day.isoformat())


# Whether a field shows all its text, without scrolling inside it.
SHOWN_WHOLE = "el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"


# --- Checks on each state of the page ---------------------------------------------------------


def assert_fits_a_phone_and_passes_axe(page: Page, screenshot_name: str) -> None:
    assert_accessible_at_both_widths(page, screenshot_name)
    original = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        assert horizontal_overflow(page) == 0, elements_past_the_right_edge(page)
    finally:
        page.set_viewport_size(original)


def assert_error_tied_to_field(page: Page, field, text: str) -> None:
    """The field is marked invalid and described by an error message with `text`."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = (field.get_attribute("aria-describedby") or "").split()
    messages = [page.locator(f"[id='{ident}']").inner_text() for ident in described_by]
    assert any(text in message for message in messages), (described_by, messages)


def token_listed(page: Page, name: str):
    """The token's entry under "My tokens", found by its heading."""
    return (
        page.get_by_role("region", name="My tokens")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name=name, exact=True))
    )


# --- The journey -----------------------------------------------------------------------------


@pytest.fixture
def member(db):
    return UserFactory(full_name="Anouk de Bakker", email="anouk@korenbloem.example.nl")


def test_a_member_creates_and_revokes_a_token_with_the_keyboard(page: Page, live_server, member):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_server, member, language="en")

    # From the home page to the profile (the name in the header), then "API tokens".
    tab_through(page, link("Signed in as Anouk"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    tab_through(page, link("API tokens"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + TOKENS_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_role("link", name="API tokens", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()
    # The profile's navigation looks as it does on the profile: a row of tabs, not bullets.
    expect(page.locator(".me-nav ul")).to_have_css("list-style-type", "none")
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-empty")

    # A first try without a name and with a date in the past: read and write chosen with the
    # arrow keys, the date typed, submitted with Enter.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tab_through(page, named("name"))
    page.keyboard.press("Tab")
    assert focused(page)["value"] == "read"  # the group's one tab stop is the chosen radio
    page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "write"
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "expires_on"
    type_date(page, yesterday)
    tab_through(page, button("Create token"))
    page.keyboard.press("Enter")

    # The errors: a summary that has focus and links each field, each field described by
    # its message; what was chosen and typed is still there.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This field is required.")
    expect(summary).to_contain_text("Choose a date in the future.")
    name = page.locator("input[name=name]")
    expires_on = page.locator("input[name=expires_on]")
    assert_error_tied_to_field(page, name, "This field is required.")
    assert_error_tied_to_field(page, expires_on, "Choose a date in the future.")
    expect(page.locator("input[name=scope][value=write]")).to_be_checked()
    expect(expires_on).to_have_value(yesterday.isoformat())
    assert not ApiToken.objects.exists()
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-errors")

    # The summary's first link leads to the name; then the date is put right.
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a"
    page.keyboard.press("Enter")
    expect(name).to_be_focused()
    page.keyboard.type("Hub site")
    page.keyboard.press("Tab")
    assert focused(page)["value"] == "write"
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "expires_on"
    type_date(page, in_a_month)
    tab_through(page, button("Create token"))
    page.keyboard.press("Space")

    # The secret, once: the message that it was made has focus, so a screen reader reads it.
    new_token = page.get_by_role("region", name="Your new token")
    expect(new_token).to_be_focused()
    expect(new_token).to_have_accessible_description(re.compile("shown only this once"))
    token = ApiToken.objects.get(user=member)
    assert (token.name, token.scope) == ("Hub site", "write")
    assert timezone.localtime(token.expires_at).date() == in_a_month
    secret_field = page.get_by_label("Token", exact=True)
    secret = secret_field.input_value()
    assert secret.startswith("lc_")
    expect(secret_field).to_be_visible()
    expect(secret_field).to_have_accessible_description(
        re.compile(r"copy it .*Authorization: Bearer <token>")
    )
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-created")
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        assert secret_field.evaluate(SHOWN_WHOLE), f"the secret is cut off at {size}"
    page.set_viewport_size(LAPTOP)

    # Copied as the hint says: into the field, select all, copy.
    page.keyboard.press("Tab")
    expect(secret_field).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("ControlOrMeta+C")
    assert page.evaluate("navigator.clipboard.readText()") == secret

    # Reloading shows the token in the list, never its secret again, and makes no new one.
    page.reload()
    expect(page.get_by_role("heading", name="Your new token")).to_have_count(0)
    assert secret not in page.content()
    assert ApiToken.objects.filter(user=member).count() == 1
    listed = token_listed(page, "Hub site")
    expect(listed).to_contain_text("What it may do read and write")
    expect(listed).to_contain_text("Status valid")

    # Revoked with the keyboard, after a page that asks first (it cannot be undone).
    tab_through(page, link("Revoke Hub site"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token “Hub site”?")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-revoke-confirm")
    tab_through(page, button("Revoke the token"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("“Hub site” has been revoked")
    expect(token_listed(page, "Hub site")).to_contain_text("Status revoked")
    expect(page.get_by_role("link", name="Revoke Hub site")).to_have_count(0)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-revoked")


def test_errors_in_dutch_keep_what_was_typed_each_time(page: Page, live_server, member):
    login(page, live_server, member, language="nl")
    page.get_by_role("link", name="Ingelogd als Anouk").click()
    account_nav = page.get_by_role("navigation", name="Mijn account")
    account_nav.get_by_role("link", name="API-tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-tokens")

    # No name, and a date in the past.
    name = page.get_by_label("Naam:")
    expires_on = page.locator("input[name=expires_on]")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page.get_by_label("lezen en schrijven", exact=True).check()
    expires_on.fill(yesterday)
    page.get_by_role("button", name="Token aanmaken").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Er is een probleem")
    assert_error_tied_to_field(page, name, "Dit veld is verplicht.")
    assert_error_tied_to_field(page, expires_on, "Kies een datum in de toekomst.")

    # The summary's link leads to the name; sent again with the date still wrong, the
    # summary takes focus again (the link's #id_name must not stay in the page's address,
    # where it would keep the browser from focusing the summary), and everything typed is
    # still there.
    summary.get_by_role("link", name=re.compile("^Naam")).click()
    expect(name).to_be_focused()
    name.fill("Website van de hub")
    page.get_by_role("button", name="Token aanmaken").click()
    expect(summary).to_be_focused()
    expect(summary).not_to_contain_text("Naam")
    assert_error_tied_to_field(page, expires_on, "Kies een datum in de toekomst.")
    expect(name).to_have_value("Website van de hub")
    expect(page.locator("input[name=scope][value=write]")).to_be_checked()
    expect(expires_on).to_have_value(yesterday)
    assert not ApiToken.objects.exists()
    assert_fits_a_phone_and_passes_axe(page, "api-tokens-errors-nl")
