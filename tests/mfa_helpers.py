"""Signing staff in the way the admin requires: with a second factor.

`login_with_second_factor(client, user)` gives the user a real TOTP authenticator (allauth's
own model, secret known to the test) and a session that records a completed TOTP step, as
allauth's login flow does after the code is entered. Admin tests use it instead of a bare
`force_login`; tests of the enforcement itself use `force_login` to show what happens
without it."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

SESSION_METHODS_KEY = "account_authentication_methods"
SESSION_METHODS_USER_KEY = "account_authentication_methods_user"


def give_totp(user) -> tuple[Authenticator, str]:
    """The user's TOTP authenticator and its secret (created when missing)."""
    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return existing, TOTP(existing).instance.data.get("secret", "")
    secret = generate_totp_secret()
    return TOTP.activate(user, secret).instance, secret


def login_with_second_factor(client, user) -> None:
    authenticator, _secret = give_totp(user)
    client.force_login(user)
    session = client.session
    session[SESSION_METHODS_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session[SESSION_METHODS_USER_KEY] = str(user.pk)
    session.save()


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user) -> None:
    """Signs `user` in the way they would: with the second factor when their role needs one
    (staff and coordinators, `needs_second_factor`), with the password alone otherwise."""
    from apps.accounts.middleware import needs_second_factor

    if needs_second_factor(user):
        login_with_second_factor(client, user)
    else:
        client.force_login(user)
