"""Errors in the browser (issue 12, item 10): a refused or missing page is a page of the site,
in its language, with a way back; and a coordinator's pages offer no link that answers 403."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible_at_both_widths, login
from tests.mfa_helpers import give_totp, totp_code
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def en(viewname: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(viewname, kwargs=kwargs or None)


def test_a_refused_page_says_so_in_the_sites_layout_and_leads_back(page: Page, live_server):
    member = MembershipFactory(organisation=OrganisationFactory(kind_slug="sme")).user
    login(page, live_server, member)
    response = page.goto(live_server.url + en("insights:national"))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("No access")
    expect(page.locator("main")).not_to_contain_text("Forbidden")
    assert_accessible_at_both_widths(page, "error-403")
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(re.compile(re.escape(en("portal:home")) + "$"))


def test_a_missing_page_says_so_in_the_sites_layout_and_leads_back(page: Page, live_server):
    response = page.goto(live_server.url + "/en/bestaat-niet/")
    assert response.status == 404
    expect(page.get_by_role("banner")).to_be_visible()
    assert_accessible_at_both_widths(page, "error-404")
    page.locator("main").get_by_role("link").first.click()
    assert page.url != live_server.url + "/en/bestaat-niet/"


def test_no_link_on_a_hub_coordinators_insights_answers_403(page: Page, live_server):
    user = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)
    _authenticator, secret = give_totp(user)
    login(page, live_server, user)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form.account-form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/2fa/authenticate/"))

    page.goto(live_server.url + en("insights:index"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    hrefs = page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.href)")
    assert hrefs
    refused = [
        href
        for href in sorted(set(hrefs))
        if "logout" not in href and page.request.get(href).status == 403
    ]
    assert not refused, refused
