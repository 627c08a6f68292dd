"""The site's components are NL Design System components: the vendored CSS of the Utrecht
component library (EUPL-1.2) with design tokens of our own, and the templates use their class
names for buttons, form fields, alerts, tables, breadcrumbs, skip link, header and footer
(issue 12, item 18)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db

VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "nl-design-system"
# The component packages the site builds on; each is named with its version in the README.
PACKAGES = [
    "@utrecht/alert-css",
    "@utrecht/breadcrumb-nav-css",
    "@utrecht/button-css",
    "@utrecht/button-link-css",
    "@utrecht/checkbox-css",
    "@utrecht/form-field-css",
    "@utrecht/form-field-description-css",
    "@utrecht/form-field-error-message-css",
    "@utrecht/form-fieldset-css",
    "@utrecht/form-label-css",
    "@utrecht/page-footer-css",
    "@utrecht/page-header-css",
    "@utrecht/select-css",
    "@utrecht/skip-link-css",
    "@utrecht/table-css",
    "@utrecht/textarea-css",
    "@utrecht/textbox-css",
]


def classes_of(page: str, tag: str) -> list[set[str]]:
    """The class sets of every `tag` element in the page."""
    return [
        set(match.group(1).split())
        for match in re.finditer(rf'<{tag}\b[^>]*?\bclass="([^"]*)"', page, re.S)
    ]


def has(page: str, tag: str, *names: str) -> bool:
    return any(set(names) <= found for found in classes_of(page, tag))


def test_every_page_links_the_vendored_components_then_the_theme(client):
    page = client.get(reverse("portal:home")).content.decode()

    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    components = "/static/vendor/nl-design-system/nl-design-system.min.css"
    assert components in stylesheets
    assert "/static/css/theme.css" in stylesheets
    # Tokens and our own rules come after the components, so they win on equal specificity.
    assert stylesheets.index(components) < stylesheets.index("/static/css/theme.css")
    assert stylesheets.index("/static/css/theme.css") < stylesheets.index("/static/css/site.css")
    assert re.search(r'<html[^>]*\bclass="[^"]*\blc-theme\b', page)
    assert finders.find("vendor/nl-design-system/nl-design-system.min.css")


def test_theme_defines_the_tokens_the_components_read():
    theme = Path(finders.find("css/theme.css")).read_text(encoding="utf-8")

    for token in [
        "--utrecht-button-primary-action-background-color",
        "--utrecht-button-secondary-action-color",
        "--utrecht-form-control-border-color",
        "--utrecht-focus-outline-color",
        "--utrecht-alert-error-background-color",
        "--utrecht-document-font-family",
        "--utrecht-page-header-background-color",
        "--utrecht-page-footer-background-color",
        "--utrecht-skip-link-background-color",
        "--utrecht-button-border-radius",
    ]:
        assert re.search(rf"{token}\s*:", theme), token


def test_vendored_css_names_each_package_with_its_version_and_licence():
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    bundle = (VENDOR / "nl-design-system.min.css").read_text(encoding="utf-8")
    licence = (VENDOR / "LICENSE.md").read_text(encoding="utf-8")

    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in licence
    assert "EUPL-1.2" in readme
    assert "npm pack" in readme  # how to refresh them
    for package in PACKAGES:
        version = re.search(rf"`{re.escape(package)}` \| `(\d+\.\d+\.\d+)` \| EUPL-1\.2", readme)
        assert version, package
        # The bundle says where each part comes from, with the same version.
        assert f"{package}@{version.group(1)} (EUPL-1.2)" in bundle


def test_layout_uses_skip_link_page_header_and_page_footer(client):
    page = client.get(reverse("portal:home")).content.decode()

    assert has(page, "a", "skip-link", "utrecht-skip-link", "utrecht-skip-link--visible-on-focus")
    assert has(page, "header", "site-header", "utrecht-page-header")
    assert has(page, "div", "utrecht-page-header__content")
    assert has(page, "footer", "site-footer", "utrecht-page-footer")
    assert has(page, "div", "utrecht-page-footer__content")


def test_messages_are_alerts_of_their_kind(client, member):
    client.force_login(member)

    page = client.post(reverse("account_logout"), follow=True).content.decode()

    assert has(page, "li", "message", "utrecht-alert", "utrecht-alert--ok")


def test_form_fields_labels_inputs_and_buttons_are_components(client):
    page = client.get(reverse("account_login")).content.decode()

    assert has(page, "div", "utrecht-form-field")
    assert has(page, "label", "utrecht-form-label")
    assert has(page, "input", "utrecht-textbox", "utrecht-textbox--html-input")
    assert has(page, "input", "utrecht-checkbox", "utrecht-checkbox--html-input")
    assert has(page, "button", "utrecht-button", "utrecht-button--primary-action")
    assert has(page, "form", "account-form")  # the browser tests find allauth's forms by it


def test_a_form_with_errors_shows_an_error_alert_and_marks_the_fields(client):
    page = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": ""}
    ).content.decode()

    assert has(page, "div", "error-summary", "utrecht-alert", "utrecht-alert--error")
    assert has(page, "ul", "errorlist", "utrecht-form-field-error-message")
    assert has(page, "div", "utrecht-form-field", "utrecht-form-field--invalid")
    assert has(page, "input", "utrecht-textbox", "utrecht-textbox--invalid")


def test_challenge_form_renders_select_and_textarea_components(client, member):
    client.force_login(member)

    page = client.get(reverse("challenges:create")).content.decode()

    assert has(page, "select", "utrecht-select", "utrecht-select--html-select")
    assert has(page, "textarea", "utrecht-textarea", "utrecht-textarea--html-textarea")
    assert has(page, "div", "utrecht-form-field-description")


def test_breadcrumbs_and_link_buttons_are_components(client):
    challenge = ChallengeFactory()

    page = client.get(challenge.get_absolute_url()).content.decode()

    assert has(page, "nav", "utrecht-breadcrumb-nav")
    assert has(page, "ol", "utrecht-breadcrumb-nav__list", "utrecht-breadcrumb-nav__list--html-ol")
    assert has(page, "a", "utrecht-breadcrumb-nav__link")
    current = ("utrecht-breadcrumb-nav__link", "utrecht-breadcrumb-nav__link--current")
    assert has(page, "span", *current)


def test_link_styled_as_a_button_is_a_button_link(client):
    page = client.get(reverse("challenges:list")).content.decode()

    assert has(
        page,
        "a",
        "utrecht-button-link",
        "utrecht-button-link--html-a",
        "utrecht-button-link--secondary-action",
    )
    assert not has(page, "a", "button"), "the old class is gone"


def test_tables_are_components(client, programme_coordinator):
    sign_in(client, programme_coordinator)

    page = client.get(reverse("insights:national")).content.decode()

    assert has(page, "table", "utrecht-table", "utrecht-table--html-table")


def test_accessibility_statement_names_the_nl_design_system(client):
    page = client.get(reverse("portal:accessibility")).content.decode()

    assert "NL Design System" in page
