from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: pages that gather from every app (the home page) and the demo data,
    which acts in every app. Nothing imports it."""

    name = "apps.portal"
    verbose_name = _("Portal")
