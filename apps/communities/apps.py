from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "apps.communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_COMMUNITY

        embedded_text_register(EMBEDDED_COMMUNITY)
