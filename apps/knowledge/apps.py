from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "apps.knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_KNOWLEDGE_ITEM

        embedded_text_register(EMBEDDED_KNOWLEDGE_ITEM)
