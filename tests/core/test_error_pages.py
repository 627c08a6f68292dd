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
