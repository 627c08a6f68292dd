"""A second factor before the admin.

The admin shows personal data of people and organisations across a region (or the whole
country), so everyone who can work there signs in with a password *and* an authenticator app
(allauth's MFA: TOTP, with recovery codes as the fallback). The rule lives here, in one place:

- `needs_second_factor(user)`: who the rule applies to (staff, superusers, hub and programme
  coordinators); members who never reach the admin are never asked;
- `AdminSecondFactorMiddleware`: on every admin URL, someone it applies to without an
  authenticator app is sent to set one up, and someone whose current login did not include the
  code is asked for it (allauth's own re-authentication page, which records the step the same
  way its login does) before the admin page is served.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from apps.hubs.models import Hub

ADMIN_APP_NAME = "admin"
# Leaving must always be possible, set up or not.
EXEMPT_ADMIN_VIEWS = frozenset({"logout"})
SECOND_FACTOR_METHOD = "mfa"

SET_UP_MESSAGE = _(
    "The administration holds personal data of people and organisations, so staff and "
    "coordinators sign in with a second factor. Set up an authenticator app now: scan the code "
    "with the app and enter the six digits it shows. You then get recovery codes: keep them "
    "somewhere safe, they let you in when your phone is lost."
)
CONFIRM_MESSAGE = _(
    "To open the administration, confirm it is you with a code from your authenticator app "
    "(or one of your recovery codes)."
)


def needs_second_factor(user) -> bool:
    """Whether `user` must have completed a second factor to use the admin."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.is_programme_coordinator:
        return True
    return Hub.objects.coordinated_by(user).exists()


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def completed_second_factor(request: HttpRequest, user) -> bool:
    """Whether this login of `user` included a second factor: allauth records one when the code
    is entered at login (`mfa_authenticate`) or on re-authentication (`mfa_reauthenticate`)."""
    return any(
        record.get("method") == SECOND_FACTOR_METHOD
        for record in get_authentication_records(request, user)
    )


class AdminSecondFactorMiddleware:
    """Keeps the admin closed to staff and coordinators without a second factor. Placed after
    the authentication, message and allauth middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.app_name != ADMIN_APP_NAME:
            return None
        if match.url_name in EXEMPT_ADMIN_VIEWS:
            return None
        user = request.user
        if not needs_second_factor(user):
            return None
        if not has_authenticator_app(user):
            messages.warning(request, SET_UP_MESSAGE)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not completed_second_factor(request, user):
            messages.info(request, CONFIRM_MESSAGE)
            next_query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return None
