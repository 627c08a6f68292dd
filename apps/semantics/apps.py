from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SemanticsConfig(AppConfig):
    name = "apps.semantics"
    verbose_name = _("Semantics")
