from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from .second_factor_records import second_factor_record_activation

        def on_authenticator_added(sender, request=None, user=None, authenticator=None, **kw):
            second_factor_record_activation(request, user, authenticator)

        authenticator_added.connect(
            on_authenticator_added, weak=False, dispatch_uid="accounts-second-factor-activation"
        )
