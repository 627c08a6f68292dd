from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from apps.taxonomy.apps import seed_reference_data


def refresh_coordinator_group(sender, **kwargs) -> None:
    """A release that adds a model to COORDINATOR_PERMISSIONS reaches existing coordinators
    with the next `migrate`, not only when someone is next made coordinator."""
    from .services import coordinator_group_ensure, programme_coordinator_group_ensure

    coordinator_group_ensure()
    programme_coordinator_group_ensure()


def give_programme_coordinator_role(sender, *, user, enabled: bool, **kwargs) -> None:
    from .services import programme_coordinator_set

    programme_coordinator_set(user=user, enabled=enabled)


class HubsConfig(AppConfig):
    name = "apps.hubs"
    verbose_name = _("Hubs")
    seed_module = "apps.hubs.migrations.0002_seed_hubs"

    def ready(self) -> None:
        post_migrate.connect(seed_reference_data, sender=self)
        post_migrate.connect(refresh_coordinator_group, sender=self)

        from apps.accounts.signals import programme_coordinator_flag_changed

        programme_coordinator_flag_changed.connect(give_programme_coordinator_role)

        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_HUB

        embedded_text_register(EMBEDDED_HUB)
