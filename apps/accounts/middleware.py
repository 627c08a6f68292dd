"""A second factor before the admin and before every page a coordinator sees as a coordinator.

The admin shows personal data of people and organisations across a region (or the whole
country), and so do the coordinators' pages outside it (insights and their CSV files, a
challenge's matches and follow-up, introductions, the review queues of organisations and
communities). So everyone who can work there signs in with a password *and* an authenticator
app (allauth's MFA: TOTP, with recovery codes as the fallback). The rule lives here, in one
place:

- `needs_second_factor(user)`: who the rule applies to (staff, superusers, hub and programme
  coordinators); members who never coordinate are never asked;
- `second_factor_step(request, ...)`: what someone it applies to must do first, if anything:
  without an authenticator app they are sent to set one up, and when their current login did
  not include the code they are asked for it (allauth's own re-authentication page, which
  records the step the same way its login does) and then come back;
- `AdminSecondFactorMiddleware` asks it on every admin URL, and the view decorator
  `second_factor_for_coordinators` on every coordinator page outside the admin;
- `CoordinatorReachMiddleware` withholds a coordinator's reach from every other page (the
  directories, detail pages, counts) until the login included the second factor.
"""

from __future__ import annotations

from functools import wraps

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

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
COORDINATOR_SET_UP_MESSAGE = _(
    "The pages for coordinators hold data of people and organisations in a region, so staff "
    "and coordinators sign in with a second factor. Set up an authenticator app now: scan the "
    "code with the app and enter the six digits it shows. You then get recovery codes: keep "
    "them somewhere safe, they let you in when your phone is lost."
)
COORDINATOR_CONFIRM_MESSAGE = _(
    "To open this page for coordinators, confirm it is you with a code from your "
    "authenticator app (or one of your recovery codes)."
)


def needs_second_factor(user) -> bool:
    """Whether `user` must have completed a second factor to use the admin."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.is_programme_coordinator:
        return True
    # The role, not the reach: the reach is empty until the second factor is done.
    return user.is_hub_coordinator


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def completed_second_factor(request: HttpRequest, user) -> bool:
    """Whether this login of `user` included a second factor: allauth records one when the code
    is entered at login (`mfa_authenticate`) or on re-authentication (`mfa_reauthenticate`).

    The one place that reads allauth's authentication records, through its public module
    `allauth.account.authentication` (not `account.internal`); a test checks the records'
    shape, so an allauth upgrade that changes them fails there."""
    return any(
        record.get("method") == SECOND_FACTOR_METHOD
        for record in get_authentication_records(request, user)
    )


def _return_path(request: HttpRequest) -> str:
    """Where to come back after the second factor: this page, or for a form that was sent
    (which cannot be sent again by a redirect) the page it was sent from."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def second_factor_step(
    request: HttpRequest, *, set_up_message=SET_UP_MESSAGE, confirm_message=CONFIRM_MESSAGE
) -> HttpResponseRedirect | None:
    """The redirect to the step `request.user` must take first (set up an authenticator
    app, or enter its code), or None when there is none."""
    user = request.user
    if not needs_second_factor(user):
        return None
    if not has_authenticator_app(user):
        messages.warning(request, set_up_message)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    if not completed_second_factor(request, user):
        messages.info(request, confirm_message)
        next_query = urlencode({REDIRECT_FIELD_NAME: _return_path(request)})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
    return None


def second_factor_for_coordinators(view):
    """For a page that shows regional data to coordinators because they coordinate: staff
    and coordinators complete the second factor first, as for the admin. Members who do not
    coordinate pass straight through, so a page shared with them (a challenge's matches)
    stays theirs without one. Put it after `login_required`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        step = second_factor_step(
            request,
            set_up_message=COORDINATOR_SET_UP_MESSAGE,
            confirm_message=COORDINATOR_CONFIRM_MESSAGE,
        )
        return step or view(request, *args, **kwargs)

    return wrapped


class CoordinatorReachMiddleware:
    """A coordinator's regional (or national) reach counts on this request only when the
    login included the second factor. Before that, every directory, detail page and count
    shows them what it shows any member; the coordinator pages themselves ask for the code
    (`second_factor_for_coordinators`). Reads the session only: no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = request.user
        if user.is_authenticated and not completed_second_factor(request, user):
            user.coordinator_reach_confirmed = False
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception):
        """A page that is not there or not allowed *without* the reach (a submitted challenge
        a notice links to, a members-only community of the hub) asks a coordinator for the
        code and then opens, instead of answering 404 or 403."""
        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or getattr(user, "coordinator_reach_confirmed", True):
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        return second_factor_step(
            request,
            set_up_message=COORDINATOR_SET_UP_MESSAGE,
            confirm_message=COORDINATOR_CONFIRM_MESSAGE,
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
        return second_factor_step(request)
