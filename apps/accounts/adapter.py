from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from .login_limits import (
    login_attempt_key,
    login_delay_wait,
    login_failure_record,
    login_rate_limited_response,
)
from .second_factor_records import signed_in_recently

RATE_LIMITED = "too_many_login_attempts"


@dataclass(frozen=True)
class ProgrammeSite:
    """What allauth's emails call the site: the programme's name and address, not the host
    and port the request came in on (Django's `RequestSite`, "Hallo van 127.0.0.1:8811!")."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = ProgrammeSite(name=gettext("AI Learning Communities"), domain=settings.SITE_URL)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_login_redirect_url(self, request) -> str:
        """The home page in the language the person was reading (LOGIN_REDIRECT_URL, "/",
        would switch someone who logged in on /en/ to Dutch)."""
        return reverse("portal:home")

    def get_signup_redirect_url(self, request) -> str:
        """A new person starts by creating or finding their organisation. Also used when
        the person confirms their email in the browser they signed up in, which logs them
        in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)."""
        return reverse("portal:get_started")

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not right after signing in: the password (and code) just entered count, so a
        person sent from the admin to set up the authenticator app is not asked for the
        password again (see second_factor_records.py)."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_recently(context.request)

    # --- Failed sign-ins (see login_limits.py for the design) -------------------------------

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth's one source of the `login_failed` key (checked before each attempt and
        cleared after a password reset): the address and the IP, not the address alone, so
        nobody else's wrong passwords can lock the owner out."""
        address = credentials.get("email", credentials.get("username", ""))
        return f"{get_current_site(request).domain}:{login_attempt_key(request, address=address)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Over a limit: 429 with a page that explains, instead of the form again (status
        200). Within the limits: the address's progressive delay, then the password check."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == RATE_LIMITED:
                raise ImmediateHttpResponse(login_rate_limited_response(request)) from error
            raise
        login_delay_wait(address=credentials.get("email", ""))

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        login_failure_record(address=credentials.get("email", ""))
