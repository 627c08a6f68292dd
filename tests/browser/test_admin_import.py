"""A hub coordinator imports the example file the import page offers, in the browser (issue
12, item 9): the example is made for their region, so it passes the check and imports as it
is, for organisations and for challenges alike."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.challenges.models import Challenge
from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from apps.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.browser.helpers import login
from tests.mfa_helpers import give_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def en(viewname: str) -> str:
    with translation.override("en"):
        return reverse(viewname)


@pytest.fixture
def coordinator(page: Page, live_server):
    """A coordinator of hub Noord-Nederland (Groningen, Friesland, Drenthe), signed in with
    the password and the authenticator app's code."""
    user = UserFactory(full_name="Gerrit Hubcoördinator")
    hub_coordinator_add(hub=Hub.objects.get(slug="noord-nederland"), user=user)
    _authenticator, secret = give_totp(user)
    login(page, live_server, user)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("form.account-form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/2fa/authenticate/"))
    return user


def import_the_example(page: Page, live_server, tmp_path, changelist: str) -> None:
    """From the change list: import page, download its example, check it, confirm."""
    page.goto(live_server.url + en(changelist))
    page.get_by_role("link", name="Import from spreadsheet (CSV)").click()
    expect(page.locator("#content-main")).to_contain_text("made for your region")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download an example file")).click()
    example = tmp_path / download.value.suggested_filename
    download.value.save_as(example)

    page.get_by_label(re.compile("file", re.I)).first.set_input_files(example)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported")


def test_the_example_files_import_as_they_are_for_a_hub_coordinator(
    page: Page, live_server, coordinator, tmp_path
):
    # The organisations first: the example challenges belong to them.
    for changelist, model in (
        ("admin:organisations_organisation_changelist", Organisation),
        ("admin:challenges_challenge_changelist", Challenge),
    ):
        before = model.objects.count()
        import_the_example(page, live_server, tmp_path, changelist)
        created = model.objects.count() - before
        assert created > 0, model
        provinces = set(
            model.objects.order_by("-pk")[:created].values_list("province__code", flat=True)
        )
        assert provinces <= {"NL-GR", "NL-FR", "NL-DR"}, provinces
