"""A new hub coordinator's first visit to the admin, in the browser (issue 12, item 8): one
sign-in plus one code is enough. After the password, "Admin" leads straight to setting up
the authenticator app (no password again); after its first code and the recovery codes, the
admin opens (no code again)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible_at_both_widths, login
from tests.mfa_helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def en(viewname: str) -> str:
    with translation.override("en"):
        return reverse(viewname)


def test_a_new_coordinator_signs_in_once_sets_up_the_app_once_and_is_in_the_admin(
    page: Page, live_server
):
    user = UserFactory(full_name="Hanna Hubcoördinator", email="hanna@aihub-zh.example.nl")
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)

    login(page, live_server, user)
    page.goto(live_server.url + en("portal:home"))
    page.get_by_role("link", name="Admin", exact=True).click()

    # Straight to the set-up: not the password again.
    expect(page).to_have_url(re.compile(re.escape(en("mfa_activate_totp")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert_accessible_at_both_widths(page, "second-factor-activate")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery Codes")
    page.get_by_role("link", name=re.compile("I have saved my codes")).click()

    # The admin, without a code again.
    expect(page).to_have_url(re.compile(re.escape(en("admin:index")) + "$"))
    expect(page.locator("#site-name")).to_be_visible()
    expect(page).not_to_have_url(re.compile("reauthenticate"))
