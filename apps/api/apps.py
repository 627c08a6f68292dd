from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The public REST API (`/api/v1/`) and the personal tokens that open it. The top layer:
    it reads through the apps' selectors and writes through their services, like the pages."""

    name = "apps.api"
    verbose_name = _("API")
