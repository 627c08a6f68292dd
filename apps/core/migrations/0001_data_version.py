from django.db import migrations

from apps.core.data_version import CREATE_SQL, DROP_SQL


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunSQL(CREATE_SQL, DROP_SQL)]
