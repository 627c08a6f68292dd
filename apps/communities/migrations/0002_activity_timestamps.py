import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """When an activity was added and last changed, for the calendar feed. Existing rows get
    the time of the migration: the best that is known."""

    dependencies = [
        ("communities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="activity",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
    ]
