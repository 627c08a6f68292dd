"""Writes to these tables advance the data version that page caches are keyed on
(apps.core.data_version)."""

from django.db import migrations

from apps.core.data_version import watch_tables


class Migration(migrations.Migration):
    dependencies = [("communities", "0005_communityinvitation"), ("core", "0001_data_version")]
    operations = [
        watch_tables(
            "communities_learningcommunity",
            "communities_learningcommunity_challenges",
            "communities_learningcommunity_organisations",
            "communities_communitymembership",
            "communities_communityinvitation",
        )
    ]
