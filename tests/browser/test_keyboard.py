"""Keyboard only: the sign-up form (focus order, visible focus, errors that take focus, the
verification link) and the language switch. No mouse clicks in this module."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from apps.accounts.models import User
from tests.browser.helpers import focused, screenshot, tab_to, verification_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "bakker-met-brood-2024"


def is_field(name):
    return lambda element: element.get("name") == name


def test_signup_works_with_the_keyboard_alone(page: Page, live_server, mailoutbox):
    page.goto(reverse("account_signup"))
    original_title = page.title()

    # The skip link comes first, shows itself when focused and jumps past the header.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["visibleFocus"]
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # Tab order: the sign-in link in the intro, then the fields in reading order, then submit.
    order = []
    values = {"email": "baker@example.nl", "full_name": "Anouk de Bakker", "password1": PASSWORD}
    values["password2"] = PASSWORD + "-typo"
    while True:
        page.keyboard.press("Tab")
        element = focused(page)
        order.append(element)
        assert element["visibleFocus"], f"no visible focus on {element}"
        if element["name"] in values:
            page.keyboard.type(values[element["name"]])
        if element["name"] == "password2" or len(order) > 10:
            break
    assert [element["name"] for element in order if element["name"]] == [
        "email",
        "full_name",
        "password1",
        "password2",
    ]
    assert order[0]["tag"] == "a"  # "already have an account? sign in"

    # Enter submits; the mismatch comes back as a summary that has focus and links the field.
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.title() != original_title and page.title().endswith(original_title)
    password2 = page.locator("input[name=password2]")
    expect(password2).to_have_attribute("aria-invalid", "true")
    error_id = password2.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{error_id}")).not_to_be_empty()
    screenshot(page, "signup-errors")

    page.keyboard.press("Tab")  # the summary's link to the wrong field
    assert focused(page)["tag"] == "a"
    page.keyboard.press("Enter")
    expect(password2).to_be_focused()
    page.keyboard.type(PASSWORD)
    # The passwords are not sent back after an error: fill the first one again too.
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "password1"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    user = User.objects.get(email="baker@example.nl")
    assert user.full_name == "Anouk de Bakker"

    # The confirmation link from the mail, confirmed with the keyboard, signs the person in.
    page.goto(verification_link(mailoutbox, "baker@example.nl"))
    tab_to(page, lambda element: element["tag"] == "button" and element["region"] == "main")
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"/confirm-email/"))
    assert user.emailaddress_set.get().verified
    page.goto("/")
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Anouk")


def test_language_switch_works_with_the_keyboard(page: Page, live_server):
    page.goto(reverse("challenges:list"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    english = tab_to(page, lambda element: element["tag"] == "button" and element["value"] == "en")
    assert english["visibleFocus"]
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/en/challenges/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    dutch = tab_to(page, lambda element: element["tag"] == "button" and element["value"] == "nl")
    assert dutch["visibleFocus"]
    page.keyboard.press("Space")

    expect(page).to_have_url(f"{live_server.url}/challenges/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
