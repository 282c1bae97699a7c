from django.db import migrations, models


def from_the_current_flag(apps, schema_editor):
    """Versions submitted before this field existed: the best record is the guide's flag now."""
    Version = apps.get_model("guides", "Version")
    Version.objects.filter(guide__safety_critical=True).update(approvals_required=2)


class Migration(migrations.Migration):
    dependencies = [("guides", "0003_version_qa_findings")]

    operations = [
        migrations.AddField(
            model_name="version",
            name="approvals_required",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="approvals required"),
            preserve_default=False,
        ),
        migrations.RunPython(from_the_current_flag, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="version",
            constraint=models.CheckConstraint(condition=models.Q(approvals_required__gte=1), name="version_needs_at_least_one_approval"),
        ),
    ]
