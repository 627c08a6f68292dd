"""What the platform keeps of a SURFconext sign-in, as the person sees it in "My data" and its
download, and what happens to it when they delete their account. Against the real provider."""

import json

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.oidc_provider.fixtures import LECTURER

from .flow import sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


def downloaded_linked_sign_ins(client) -> list[dict]:
    response = client.post(reverse("accounts:export"))
    assert response.status_code == 200
    return json.loads(response.content)["apps"]["accounts"]["linked_sign_ins"]


def test_the_download_holds_the_surfconext_sign_in_and_when_it_was_last_used(client, surfconext):
    sign_in(client, LECTURER)
    [first] = downloaded_linked_sign_ins(client)
    client.logout()
    sign_in(client, LECTURER)

    [linked] = downloaded_linked_sign_ins(client)

    account = SocialAccount.objects.get(user__email=LECTURER["email"])
    assert linked["provider"] == "SURFconext"
    assert linked["identifier"] == account.uid
    assert linked["email"] == LECTURER["email"]
    assert linked["claims"]["schac_home_organization"] == "hsleiden.nl"
    assert "nonce" not in linked["claims"]
    assert linked["linked_at"] == first["linked_at"]
    assert linked["last_used_at"] > first["last_used_at"]


def test_deleting_the_account_removes_the_surfconext_sign_in(client, surfconext):
    sign_in(client, LECTURER)
    user = User.objects.get(email=LECTURER["email"])

    # Signed in through SURFconext only, so there is no password: the address confirms.
    response = client.post(reverse("portal:account_delete"), {"email": LECTURER["email"]})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not SocialAccount.objects.exists()
    # Signing in again is a first sign-in: a new account, not the old one brought back.
    again = sign_in(client, LECTURER)
    assert again["Location"] == reverse("portal:get_started")
    assert User.objects.get(email=LECTURER["email"]).pk != user.pk
