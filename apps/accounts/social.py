"""Sign-in with SURFconext: allauth's OpenID Connect provider, with what it leaves out.

allauth 65's OpenID Connect client checks the ID token's issuer, audience and expiry, but
- it sends no `nonce` and so cannot check one: the token of another sign-in (replayed or
  injected) would be accepted. `NonceOpenIDConnectProvider` sends a fresh nonce with every
  sign-in, kept in allauth's state, and `SocialAccountAdapter.pre_social_login` refuses a
  token that does not carry it;
- it skips the signature when the token came straight from the token endpoint (which the
  specification allows over TLS). `VerifyingOpenIDConnectAdapter` checks it always, against
  the issuer's published keys: a proxy or a misconfigured endpoint cannot hand us a token the
  issuer did not sign.

And for accounts: an email address is trusted only when the provider says it is verified, and
a sign-in whose verified address belongs to an existing account never connects to it by itself:
the person is sent to `accounts:social_link_confirm` to enter that account's password first.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import complete_social_login, render_authentication_error
from allauth.socialaccount.internal import jwtkit, statekit
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.translation import get_language

SURFCONEXT_PROVIDER_ID = "surfconext"
# The name people know the service by, also when its app is no longer configured.
PROVIDER_NAMES = {SURFCONEXT_PROVIDER_ID: "SURFconext"}
# Claims that belong to one sign-in's exchange, not to the person: whom the token was for,
# when it expires, the nonce and the hashes of the tokens that came with it.
PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "azp", "exp", "iat", "nbf", "auth_time", "jti", "nonce", "sid"}
    | {"at_hash", "c_hash", "s_hash", "acr", "amr"}
)
PENDING_LINK_SESSION_KEY = "accounts_pending_social_link"
NONCE_STATE_KEY = "nonce"
LANGUAGE_STATE_KEY = "language"


class VerifyingOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        """allauth's own verification, with the signature always checked."""
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )

    def get_callback_url(self, request: HttpRequest, app) -> str:
        """One redirect URI whatever the page's language (`/accounts/oidc/<id>/login/callback/`,
        not `/en/accounts/...`): it is registered with SURFconext and must match exactly."""
        with translation.override(settings.LANGUAGE_CODE):
            path = reverse("openid_connect_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, path, self.redirect_uri_protocol)


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    oauth2_adapter_class = VerifyingOpenIDConnectAdapter

    def redirect(self, request: HttpRequest, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params[NONCE_STATE_KEY] = nonce
        kwargs[LANGUAGE_STATE_KEY] = get_language()
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


def sign_in_language(request: HttpRequest) -> str | None:
    """The language of the page the sign-in started on, from the state allauth stashed in the
    session for this callback's `state` parameter; None when there is none (an unknown or
    expired state, which allauth's view then refuses). Read here, not taken: allauth's view
    takes the state itself, after this."""
    stashed = statekit.get_states(request).get(request.GET.get("state", ""))
    if not stashed:
        return None
    language = stashed[0].get(LANGUAGE_STATE_KEY)
    return language if language in dict(settings.LANGUAGES) else None


def callback(request: HttpRequest, provider_id: str):
    """allauth's callback view with the verifying adapter (routed before allauth's own URLs),
    in the language the sign-in started in: where it redirects to (home, "get started", the
    link confirmation), the messages, the emails and the error pages all follow it."""
    language = sign_in_language(request)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    try:
        view = OAuth2CallbackView.adapter_view(VerifyingOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error


def _id_token_claims(sociallogin: SocialLogin) -> dict:
    return sociallogin.account.extra_data.get("id_token") or {}


def account_claims(account: SocialAccount) -> dict:
    """The claims allauth keeps: the user info, falling back on the ID token."""
    data = account.extra_data
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def claims_of(sociallogin: SocialLogin) -> dict:
    return account_claims(sociallogin.account)


def account_personal_claims(account: SocialAccount) -> dict:
    """What the provider told us about the person (`sub`, name, email, institution, ...),
    without the values of the last sign-in's exchange (PROTOCOL_CLAIMS)."""
    return {
        name: value
        for name, value in account_claims(account).items()
        if name not in PROTOCOL_CLAIMS
    }


def provider_name(provider_id: str) -> str:
    return PROVIDER_NAMES.get(provider_id, provider_id)


def verified_email(sociallogin: SocialLogin) -> str:
    """The address the provider vouches for (`email_verified` true), or ""."""
    for address in sociallogin.email_addresses:
        if address.verified:
            return address.email
    return ""


def existing_user_with_email(email: str):
    """The account that owns `email` (as its login or a confirmed address), or None."""
    if not email:
        return None
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .select_related("user")
            .first()
        )
        user = address.user if address else None
    return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request: HttpRequest, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        if type(found) is OpenIDConnectProvider:
            return NonceOpenIDConnectProvider(request, app=found.app)
        return found

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if not isinstance(sociallogin.provider, OpenIDConnectProvider):
            return
        expected_nonce = sociallogin.state.get(NONCE_STATE_KEY)
        if not expected_nonce or _id_token_claims(sociallogin).get("nonce") != expected_nonce:
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request,
                    sociallogin.provider,
                    exception=OAuth2Error("The ID token's nonce is not this sign-in's."),
                )
            )
        if sociallogin.is_existing:
            return
        if existing_user_with_email(verified_email(sociallogin)) is not None:
            # Never connected by email alone: the owner confirms with the password first.
            request.session[PENDING_LINK_SESSION_KEY] = sociallogin.serialize()
            raise ImmediateHttpResponse(HttpResponseRedirect(reverse("accounts:social_link")))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = claims_of(sociallogin)
        name = claims.get("name") or " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
        user.full_name = (name or "").strip()[:150]
        user.preferred_language = (get_language() or settings.LANGUAGE_CODE)[:2]
        return user


def pending_link(request: HttpRequest) -> SocialLogin | None:
    data = request.session.get(PENDING_LINK_SESSION_KEY)
    return SocialLogin.deserialize(data) if data else None


def pending_link_complete(request: HttpRequest, *, user):
    """Connects the pending sign-in to `user` (whose password was just confirmed) and signs
    in through allauth's own flow, which records the method as "socialaccount"."""
    data = request.session.pop(PENDING_LINK_SESSION_KEY)
    SocialLogin.deserialize(data).connect(request, user)
    return complete_social_login(request, SocialLogin.deserialize(data))
