"""One sign-in plus one code is enough (issue 12, item 8): right after signing in with the
password and the code, the admin opens without asking for either again; and right after
setting up the authenticator app (its code entered, the recovery codes shown), it opens too."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.mfa_helpers import give_totp, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "een-lang-wachtwoord-2026"


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    user.emailaddress_set.update_or_create(
        email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_after_password_and_code_the_admin_opens_at_once(client, staff):
    _authenticator, secret = give_totp(staff)
    response = sign_in_with_password(client, staff)
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200, response.get("Location")


@pytest.mark.django_db(transaction=True)  # allauth sends `authenticator_added` on commit
def test_right_after_setting_up_the_app_the_admin_opens_without_another_code(client, staff):
    sign_in_with_password(client, staff)
    response = client.get(reverse("admin:index"))
    assert response.url == reverse("mfa_activate_totp")
    page = client.get(response.url)
    assert page.status_code == 200, page.get("Location")
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    # The recovery codes are shown; the person saves them and goes on to the admin.
    assert client.get(response.url).status_code == 200
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200, response.get("Location")


def test_long_after_signing_in_a_sensitive_step_still_asks_for_the_password(client, staff):
    from tests.mfa_helpers import SESSION_METHODS_KEY

    sign_in_with_password(client, staff)
    session = client.session
    session[SESSION_METHODS_KEY] = [
        {**record, "at": record["at"] - 3600} for record in session[SESSION_METHODS_KEY]
    ]
    session.save()
    response = client.get(reverse("mfa_activate_totp"))
    assert re.match(re.escape(reverse("account_reauthenticate")), response.url)
