from django.core.management.base import BaseCommand, CommandError

from guide_cms.review.integrity import check_integrity


class Command(BaseCommand):
    help = "Verify the audit chain, every version's content hash and every signature's seal; exit 1 on any problem."

    def handle(self, *args, **options):
        report = check_integrity()
        self.stdout.write(
            f"Checked {report.events} audit events, {report.versions} versions, {report.signatures} signatures."
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Integrity OK: nothing was altered."))
            return
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(f"  ALTERED: {problem}"))
        raise CommandError(f"Integrity check failed: {len(report.problems)} problem(s).", returncode=1)
