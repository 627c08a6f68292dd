from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SemanticsConfig(AppConfig):
    name = "apps.semantics"
    verbose_name = _("Semantics")

    def ready(self) -> None:
        from apps.core.delivery import redeliverer_register

        from .embeddings import embeddings_redeliver

        redeliverer_register("semantics.embeddings", embeddings_redeliver)
