from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "apps.challenges"
    verbose_name = _("Challenges")

    def ready(self) -> None:
        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_CHALLENGE

        embedded_text_register(EMBEDDED_CHALLENGE)
