"""A SURFconext sign-in comes back in the language it started in. The provider's callback has
no language prefix (one redirect URI is registered), so on its own it would be Dutch: someone
reading /en/ would land on the Dutch home page. Against the real test provider."""

from urllib.parse import quote

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import PASSWORD, UserFactory
from tests.oidc_provider.fixtures import CLIENTS, LECTURER, UNVERIFIED, surfconext_settings

from .flow import SIGN_IN_PATH, sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()
ENGLISH_SIGN_IN_PATH = "/en" + SIGN_IN_PATH


def english(view_name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(view_name, **kwargs)


def dutch(view_name: str, **kwargs) -> str:
    with translation.override("nl"):
        return reverse(view_name, **kwargs)


def page_language(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["Content-Language"]


def test_a_first_sign_in_from_the_english_site_lands_on_the_english_get_started_step(
    client, surfconext
):
    response = sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)

    assert response.status_code == 302
    assert response["Location"] == english("portal:get_started")
    assert page_language(client, response["Location"]) == "en"
    # The new account takes the language they were reading in (for emails and the profile).
    assert User.objects.get(email=LECTURER["email"]).preferred_language == "en"


def test_signing_in_again_from_the_english_site_lands_on_the_english_home_page(client, surfconext):
    sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)
    client.logout()

    response = sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)

    assert response.status_code == 302
    assert response["Location"] == english("portal:home") == "/en/"
    assert page_language(client, response["Location"]) == "en"


def test_an_english_next_page_is_where_the_sign_in_returns(client, surfconext):
    sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)
    client.logout()
    target = english("challenges:list")

    response = sign_in(client, LECTURER, f"{ENGLISH_SIGN_IN_PATH}?next={quote(target)}")

    assert response["Location"] == target
    assert page_language(client, target) == "en"


def test_a_dutch_reader_still_lands_on_dutch_pages(client, surfconext):
    first = sign_in(client, LECTURER)
    client.logout()
    again = sign_in(client, LECTURER)

    assert first["Location"] == dutch("portal:get_started")
    assert again["Location"] == dutch("portal:home") == "/"
    assert page_language(client, again["Location"]) == "nl"
    assert User.objects.get(email=LECTURER["email"]).preferred_language == "nl"


def test_the_english_reader_confirms_an_existing_account_in_english(client, surfconext):
    UserFactory(email=LECTURER["email"])

    asked = sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)
    assert asked["Location"] == english("accounts:social_link")
    assert page_language(client, asked["Location"]) == "en"

    linked = client.post(asked["Location"], {"password": PASSWORD})
    assert linked["Location"] == english("portal:home")
    assert SocialAccount.objects.filter(user__email=LECTURER["email"]).exists()


def test_an_unverified_address_is_confirmed_in_english(client, surfconext, mailoutbox):
    response = sign_in(client, UNVERIFIED, ENGLISH_SIGN_IN_PATH)

    assert response["Location"] == english("account_email_verification_sent")
    assert "Please Confirm Your Email Address" in mailoutbox[-1].subject


def test_a_refused_sign_in_explains_in_english(client, settings, oidc_provider):
    wrong_audience = next(c for c in CLIENTS if c["name"] == "wrong-aud")
    settings.SOCIALACCOUNT_PROVIDERS = surfconext_settings(oidc_provider, wrong_audience)

    response = sign_in(client, LECTURER, ENGLISH_SIGN_IN_PATH)

    assert response.status_code == 401
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()
