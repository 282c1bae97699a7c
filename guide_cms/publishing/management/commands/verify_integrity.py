from django.core.management.base import BaseCommand, CommandError

from guide_cms.publishing.export import export_root, verify_exports
from guide_cms.publishing.selectors import export_problems
from guide_cms.review.integrity import check_integrity


class Command(BaseCommand):
    help = (
        "Verify the audit chain, every version's content hash, every signature's seal, the exported files "
        "against their manifests, and the live publications against the exported ones; exit 1 and name what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Export folder to check (default: settings.GUIDE_CMS_EXPORT_DIR).")

    def handle(self, *args, output=None, **options):
        report = check_integrity()
        report.problems += verify_exports(output)
        report.problems += [f"publication {problem}" for problem in export_problems(output_dir=output)]
        self.stdout.write(
            f"Checked {report.events} audit events, {report.versions} versions, {report.signatures} signatures, "
            f"and the exports in {export_root(output)}."
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  NOTE: {note}"))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Integrity OK: nothing was altered."))
            return
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(f"  ALTERED: {problem}"))
        raise CommandError(f"Integrity check failed: {len(report.problems)} problem(s).", returncode=1)
