"""What a login proved, and when: one sign-in plus one code is enough.

allauth keeps a record in the session of each authentication step of the current login
(password, code from the app, ...). Two of its rules used to ask for a step again that the
person had just taken:

- **Re-authentication right after signing in.** Sensitive account actions (setting up the
  authenticator app, changing the email address) count only steps flagged as
  *re-authentication*, so a person who had typed their password seconds earlier, and was then
  sent from `/admin/` to set up the app, was asked for it again. `signed_in_recently` lets a
  step of the login itself count as well, within the same window allauth allows a
  re-authentication (`ACCOUNT_REAUTHENTICATION_TIMEOUT`, five minutes by default); the
  account adapter asks it.
- **A code right after setting up the app.** Entering the app's first code proves the second
  factor as much as entering it at login does, but allauth records no step for it, so the
  admin asked for a code again once the recovery codes had been saved.
  `second_factor_record_activation` records it, on allauth's `authenticator_added` signal.

allauth's `record_authentication` is private (`account.internal`) and used in this module
only; tests/accounts/test_second_factor_once.py goes through the real sign-in and set-up
flows and fails if an upgrade changes it.
"""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

SECOND_FACTOR_METHOD = "mfa"


def signed_in_recently(request: HttpRequest | None) -> bool:
    """Whether the person proved who they are (any step of their login, or a
    re-authentication) within allauth's re-authentication window."""
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    window = account_settings.REAUTHENTICATION_TIMEOUT
    now = time.time()
    return any(
        now - record.get("at", 0) < window for record in get_authentication_records(request, user)
    )


def second_factor_record_activation(request: HttpRequest | None, user, authenticator) -> None:
    """Record the code entered to set up the authenticator app as this login's second factor
    (only for the person doing it, in their own session)."""
    if request is None or getattr(request, "user", None) != user:
        return
    if authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, SECOND_FACTOR_METHOD, id=authenticator.pk, type=authenticator.type
    )
