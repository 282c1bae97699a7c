"""The chain head is sealed with the audit key; a deployment upgrading seals the head it has (trust on upgrade)."""
from django.db import migrations, models


def seal_the_head(apps, schema_editor):
    from django.conf import settings

    from guide_cms.core.audit import head_seal

    if not getattr(settings, "GUIDE_CMS_AUDIT_KEY", ""):
        return  # nothing can be sealed; the first event appended seals the head
    for head in apps.get_model("core", "AuditChainHead").objects.all():
        head.seal = head_seal(head.count, head.last_hash, head.checkpoints or {})
        head.save(update_fields=["seal"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_audit_events_append_only_on_postgresql"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="checkpoints",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seal",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(seal_the_head, migrations.RunPython.noop),
    ]
