"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_reference_data"), ("core", "0001_data_version")]
    operations = [
        watch_tables(
            "taxonomy_aitopic",
            "taxonomy_format",
            "taxonomy_organisationkind",
            "taxonomy_province",
            "taxonomy_province_neighbours",
            "taxonomy_sector",
        )
    ]
