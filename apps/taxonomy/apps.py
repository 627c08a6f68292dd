from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_reference_data(sender, **kwargs) -> None:
    """Run the reference-data seed again after every migrate and flush. The data migration
    creates it; this puts it back after a `flush` (which transactional tests and
    `manage.py flush` do) so no environment ever lacks provinces or topics. Idempotent: only
    missing rows are created."""
    from django.apps import apps

    import_module(sender.seed_module).seed(apps, None)


class TaxonomyConfig(AppConfig):
    name = "apps.taxonomy"
    verbose_name = _("Taxonomy")
    seed_module = "apps.taxonomy.migrations.0002_reference_data"

    def ready(self) -> None:
        post_migrate.connect(seed_reference_data, sender=self)
