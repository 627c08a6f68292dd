"""Every organisation that exists before hub verification was public already: mark it verified
(at its creation time), so nothing disappears from the directory. Undoing it is a no-op, as
the previous migration's reversal drops the column."""

from django.db import migrations
from django.db.models import F


def verify_existing(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Organisation.objects.filter(verified_at__isnull=True).update(verified_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_organisation_kvk_number_and_verification")]
    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
