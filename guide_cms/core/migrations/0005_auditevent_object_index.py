"""An index to read the audit events about one object: a version's or a guide's sealed facts."""
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0004_owner_password_fingerprint")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ),
    ]
