"""Sign-in with SURFconext against a real OpenID Connect provider on loopback (issue 13):
discovery, the authorization-code flow with PKCE, and allauth's checks of the ID token (with
the signature and the nonce the platform adds), each tried with a token that is wrong."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts.social import VerifyingOpenIDConnectAdapter
from tests.oidc_provider.fixtures import (
    CLIENTS,
    LECTURER,
    MISBEHAVING,
    UNVERIFIED,
    surfconext_settings,
)

from .flow import SIGN_IN_PATH, sign_in, start_sign_in

pytestmark = pytest.mark.django_db

User = get_user_model()


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


# --- Configured or not -----------------------------------------------------------------------


def test_without_configuration_there_is_no_button_and_the_sign_in_url_is_not_there(
    client, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    for page in ("account_login", "account_signup"):
        assert "SURFconext" not in client.get(reverse(page)).content.decode()
    assert client.post(SIGN_IN_PATH).status_code == 404


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/accounts/login/", "Inloggen met SURFconext"),
        ("/accounts/signup/", "Inloggen met SURFconext"),
        ("/en/accounts/login/", "Sign in with SURFconext"),
        ("/en/accounts/signup/", "Sign in with SURFconext"),
    ],
)
def test_configured_the_sign_in_and_sign_up_pages_offer_the_button(client, surfconext, path, label):
    page = client.get(path).content.decode()
    assert label in page
    assert f'<form method="post" action="{path.split("/accounts")[0]}{SIGN_IN_PATH}' in page


# --- Discovery and the authorization request -----------------------------------------------


def test_discovery_gives_allauth_the_providers_endpoints(rf, surfconext):
    discovery = requests.get(f"{surfconext.issuer}/.well-known/openid-configuration").json()
    request = rf.get("/")
    request.session = {}
    config = VerifyingOpenIDConnectAdapter(request, "surfconext").openid_config
    assert config["issuer"] == surfconext.issuer == discovery["issuer"]
    assert config["jwks_uri"].startswith(surfconext.base_url)
    assert "S256" in discovery["code_challenge_methods_supported"]


@pytest.mark.parametrize("path", [SIGN_IN_PATH, "/en" + SIGN_IN_PATH])
def test_the_authorization_request_uses_pkce_a_nonce_and_one_callback_url(client, surfconext, path):
    authorize_url = start_sign_in(client, path)
    assert authorize_url.startswith(f"{surfconext.issuer}/authorize/")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32
    assert sorted(query["scope"][0].split()) == ["email", "openid", "profile"]
    # The URL registered with SURFconext, whatever the language of the page.
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/surfconext/login/callback/"]


# --- The whole round ---------------------------------------------------------------------------


def test_a_first_sign_in_makes_the_account_from_the_verified_claims(client, surfconext):
    response = sign_in(client, LECTURER)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:get_started")
    user = signed_in_user(client)
    assert user.email == LECTURER["email"]
    assert user.full_name == "Jan de Vries"
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "surfconext"
    assert account.extra_data["userinfo"]["schac_home_organization"] == "hsleiden.nl"


def test_signing_in_again_logs_into_the_same_account(client, surfconext):
    sign_in(client, LECTURER)
    first = signed_in_user(client)
    client.logout()

    response = sign_in(client, LECTURER)

    assert response.status_code == 302
    assert signed_in_user(client) == first
    assert User.objects.filter(email=LECTURER["email"]).count() == 1


def test_an_address_the_provider_has_not_verified_is_not_trusted(client, surfconext, mailoutbox):
    response = sign_in(client, UNVERIFIED)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    assert not EmailAddress.objects.filter(email=UNVERIFIED["email"], verified=True).exists()
    assert [UNVERIFIED["email"]] in [mail.to for mail in mailoutbox]


# --- Tokens that must be refused ---------------------------------------------------------------


@pytest.mark.parametrize("misbehaviour", MISBEHAVING)
def test_an_id_token_that_is_wrong_is_refused(client, settings, oidc_provider, misbehaviour):
    """wrong-aud: issued for another client; expired; wrong-nonce: not this sign-in's;
    wrong-key: not signed with the provider's published key."""
    client_config = next(c for c in CLIENTS if c["name"] == misbehaviour)
    settings.SOCIALACCOUNT_PROVIDERS = surfconext_settings(oidc_provider, client_config)

    response = sign_in(client, LECTURER)

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert signed_in_user(client) is None
    assert not User.objects.filter(email=LECTURER["email"]).exists()
    assert not SocialAccount.objects.exists()
