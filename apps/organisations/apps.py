from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "apps.organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_ORGANISATION

        embedded_text_register(EMBEDDED_ORGANISATION)
