"""A SURFconext sign-in whose verified address belongs to an existing account links to it only
after that account's password; staff still need the second factor for the admin (issue 13)."""

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.mfa_helpers import give_totp
from tests.oidc_provider.fixtures import LECTURER, STAFF, UNVERIFIED

from .flow import sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


@pytest.fixture
def existing(db):
    return UserFactory(email=LECTURER["email"], full_name="Jan de Vries (bestaand)")


def test_an_existing_address_asks_for_the_accounts_password_and_connects_nothing_yet(
    client, surfconext, existing
):
    response = sign_in(client, LECTURER)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:social_link")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    page = client.get(reverse("accounts:social_link")).content.decode()
    assert LECTURER["email"] in page
    assert 'type="password"' in page


def test_a_wrong_password_links_nothing(client, surfconext, existing):
    sign_in(client, LECTURER)

    response = client.post(reverse("accounts:social_link"), {"password": "not-the-password"})

    assert response.status_code == 200
    assert "Dit is niet het wachtwoord van dat account." in response.content.decode()
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()


def test_the_right_password_links_the_sign_in_and_logs_in(client, surfconext, existing):
    sign_in(client, LECTURER)

    response = client.post(reverse("accounts:social_link"), {"password": PASSWORD})

    assert response.status_code == 302
    assert signed_in_user(client) == existing
    account = SocialAccount.objects.get()
    assert (account.user, account.provider) == (existing, "surfconext")
    assert User.objects.filter(email__iexact=LECTURER["email"]).count() == 1
    # The next sign-in goes straight in.
    client.logout()
    assert sign_in(client, LECTURER)["Location"] != reverse("accounts:social_link")
    assert signed_in_user(client) == existing


def test_without_a_pending_sign_in_the_page_sends_to_the_login(client, db):
    response = client.get(reverse("accounts:social_link"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_an_unverified_address_never_offers_to_link(client, surfconext):
    UserFactory(email=UNVERIFIED["email"])

    response = sign_in(client, UNVERIFIED)

    assert response["Location"] != reverse("accounts:social_link")
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user__email__iexact=UNVERIFIED["email"]).exists()


@pytest.fixture
def staff_linked(client, surfconext):
    """A staff member whose account is linked to their SURFconext sign-in."""
    staff = UserFactory(email=STAFF["email"], is_staff=True, is_superuser=True)
    sign_in(client, STAFF)
    client.post(reverse("accounts:social_link"), {"password": PASSWORD})
    assert SocialAccount.objects.filter(user=staff).exists()
    client.logout()
    return staff


def test_staff_signed_in_with_surfconext_are_sent_to_set_up_the_second_factor_for_the_admin(
    client, staff_linked
):
    sign_in(client, STAFF)
    request = client.get("/").wsgi_request
    methods = {record["method"] for record in get_authentication_records(request, staff_linked)}

    assert signed_in_user(client) == staff_linked
    assert methods == {"socialaccount"}
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_an_authenticator_app_enter_its_code_before_the_admin_opens(
    client, staff_linked
):
    give_totp(staff_linked)

    response = sign_in(client, STAFF)

    # allauth's login asks for the code before the sign-in completes; without it, no admin.
    assert response["Location"] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith(reverse("admin:login"))
