from django.db import migrations, models


class Migration(migrations.Migration):
    """A requester may withdraw a pending join request; the row stays as history."""

    dependencies = [
        ("communities", "0002_activity_timestamps"),
    ]

    operations = [
        migrations.AlterField(
            model_name="joinrequest",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "pending"),
                    ("approved", "approved"),
                    ("declined", "declined"),
                    ("withdrawn", "withdrawn"),
                ],
                default="pending",
                max_length=10,
                verbose_name="state",
            ),
        ),
    ]
