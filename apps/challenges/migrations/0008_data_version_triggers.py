"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("challenges", "0007_challenge_status_province_covering_index"),
        ("core", "0001_data_version"),
    ]
    operations = [
        watch_tables(
            "challenges_challenge",
            "challenges_challenge_formats",
            "challenges_challenge_sectors",
            "challenges_challenge_topics",
        )
    ]
