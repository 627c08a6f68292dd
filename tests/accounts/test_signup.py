import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email="anne@bakkerij.nl"):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "full_name": "Anne de Vries",
            "password1": "een-lang-wachtwoord-2026",
            "password2": "een-lang-wachtwoord-2026",
        },
    )


def test_sign_up_sends_verification_mail_and_verified_person_can_log_in(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="anne@bakkerij.nl")
    assert user.full_name == "Anne de Vries"
    assert user.preferred_language == "nl"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["anne@bakkerij.nl"]

    # Not verified yet: logging in only leads to the "verify your email" page.
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "anne@bakkerij.nl", "password": "een-lang-wachtwoord-2026"},
    )
    assert "_auth_user_id" not in client.session

    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)
    path = link.split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified

    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "Anne@Bakkerij.nl", "password": "een-lang-wachtwoord-2026"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_up_with_a_taken_email_in_other_case_creates_no_second_account(client, mailoutbox):
    UserFactory(email="piet@zuivel.nl")
    sign_up(client, email="Piet@Zuivel.nl")
    assert User.objects.filter(email__iexact="piet@zuivel.nl").count() == 1
    # allauth does not reveal that the account exists; it mails the owner instead.
    assert [m.to for m in mailoutbox] == [["piet@zuivel.nl"]]


def test_sign_up_in_english_stores_english_as_preferred_language(client):
    client.post(
        "/en/accounts/signup/",
        {
            "email": "john@example.com",
            "full_name": "John Smith",
            "password1": "a-long-password-2026",
            "password2": "a-long-password-2026",
        },
    )
    assert User.objects.get(email="john@example.com").preferred_language == "en"


def test_password_reset_sends_a_mail(client, mailoutbox):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_logout_needs_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_new_person_lands_on_get_started_after_confirming_their_email(client, mailoutbox):
    sign_up(client)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mailoutbox[0].body)
    response = client.post(link.group(0).split("testserver", 1)[-1])
    assert response.status_code == 302
    assert response.url == reverse("portal:get_started")
    assert client.get(response.url).status_code == 200


def test_account_emails_greet_with_the_programmes_name_not_a_host(client, mailoutbox, settings):
    settings.SITE_URL = "https://leergemeenschappen.example.nl"
    sign_up(client)
    body = mailoutbox[0].body
    without_links = re.sub(r"https?://\S+/accounts/\S+", "", body)
    assert "testserver" not in without_links
    assert body.startswith("Hallo van AI-leergemeenschappen!"), body[:80]
    assert "AI-leergemeenschappen" in body.strip().splitlines()[-2]  # the sign-off


def test_logging_in_on_the_english_site_stays_english(client):
    user = UserFactory()
    response = client.post(
        "/en" + reverse("account_login"), {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/en/"
    dutch = Client()
    response = dutch.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.url == "/"
