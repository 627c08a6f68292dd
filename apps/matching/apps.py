from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "apps.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from apps.core.delivery import redeliverer_register

        from .services import match_chunks_redeliver

        redeliverer_register("matching.chunks", match_chunks_redeliver)

        from . import receivers  # noqa: F401 (connects matching to challenges and organisations)
