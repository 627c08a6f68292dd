from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_signup_redirect_url(self, request) -> str:
        """A new person starts by creating or finding their organisation. Also used when
        the person confirms their email in the browser they signed up in, which logs them
        in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)."""
        return reverse("accounts:get_started")
