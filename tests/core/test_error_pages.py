"""Issue 12, item 10: errors are pages of the site, in its layout and language, with a way
back, instead of Django's bare English "403 Forbidden"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import bad_request

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_a_page_of_the_site_in_its_language(client, member):
    client.force_login(member)

    dutch = client.get(reverse("insights:national"))
    with translation.override("en"):
        english = client.get(reverse("insights:national"))

    assert dutch.status_code == english.status_code == 403
    assert "<h1>Geen toegang</h1>" in dutch.text
    assert 'href="/"' in dutch.text  # a way back
    assert "<nav" in dutch.text  # the site's layout, not a bare page
    assert "<h1>No access</h1>" in english.text
    assert "Forbidden" not in dutch.text


def test_a_visitor_refused_a_page_is_offered_to_log_in(client, rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/insights/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert reverse("account_login") in response.content.decode()


def test_an_expired_form_says_so_and_that_nothing_was_saved(member):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)

    response = strict.post(reverse("accounts:profile"), {"full_name": "Nieuwe naam"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>Dit formulier is verlopen</h1>" in page
    assert "Er is niets opgeslagen." in page
    member.refresh_from_db()
    assert member.full_name != "Nieuwe naam"


def test_a_bad_request_is_a_page_of_the_site(rf: RequestFactory):
    request = rf.get("/")
    request.user = AnonymousUser()

    response = bad_request(request, BadRequest())

    assert response.status_code == 400
    assert "<h1>Het verzoek klopte niet</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "heading", "lang"),
    [("", "Pagina niet gevonden", "nl"), ("/en", "Page not found", "en")],
)
def test_a_missing_page_is_a_page_of_the_site_in_its_language(client, prefix, heading, lang):
    response = client.get(f"{prefix}/bestaat-niet/")

    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert f'<html lang="{lang}"' in page
    assert "<nav" in page  # the site's layout
    assert f'href="{prefix}/"' in page  # a way back: the home page
    assert reverse("challenges:list") in page
    assert reverse("account_login") in page  # a visitor may only need to log in
    assert "Not Found" not in page  # not Django's bare page


def test_a_missing_page_offers_no_login_to_someone_signed_in(client, member):
    client.force_login(member)

    page = client.get("/bestaat-niet/").content.decode()

    assert "<h1>Pagina niet gevonden</h1>" in page
    assert f'href="{reverse("account_login")}"' not in page


def test_a_server_error_is_a_page_of_the_site_in_both_languages_without_the_database(rf):
    """Rendered with no request context (the database may be what broke): the site's style
    sheet, Dutch and English, and a way back to either home page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.views.defaults import server_error

    with CaptureQueriesContext(connection) as queries:
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Er ging iets mis</h1>" in page
    assert '<h2 lang="en">Something went wrong</h2>' in page
    assert 'href="/"' in page and 'href="/en/"' in page
    assert "css/site" in page  # the site's look
    assert "Server Error" not in page
    assert len(queries) == 0
