"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [("hubs", "0002_seed_hubs"), ("core", "0001_data_version")]
    operations = [
        watch_tables(
            "hubs_hub",
            "hubs_hub_provinces",
            "hubs_hubcoordinator",
        )
    ]
