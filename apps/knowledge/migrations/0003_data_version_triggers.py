"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_knowledgeitem_search_document"),
        ("core", "0001_data_version"),
    ]
    operations = [
        watch_tables(
            "knowledge_knowledgeitem",
            "knowledge_knowledgeitem_sectors",
            "knowledge_knowledgeitem_topics",
        )
    ]
