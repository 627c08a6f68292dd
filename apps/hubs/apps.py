from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from apps.taxonomy.apps import seed_reference_data


class HubsConfig(AppConfig):
    name = "apps.hubs"
    verbose_name = _("Hubs")
    seed_module = "apps.hubs.migrations.0002_seed_hubs"

    def ready(self) -> None:
        post_migrate.connect(seed_reference_data, sender=self)
