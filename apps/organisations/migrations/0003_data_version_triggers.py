"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_organisation_search_document_and_more"),
        ("core", "0001_data_version"),
    ]
    operations = [
        watch_tables(
            "organisations_organisation",
            "organisations_organisation_formats",
            "organisations_organisation_sectors",
            "organisations_organisation_topics",
            "organisations_membership",
        )
    ]
