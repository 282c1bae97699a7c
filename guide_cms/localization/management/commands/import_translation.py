from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from guide_cms.guides.cli import user_or_error
from guide_cms.localization.exchange import ExchangeError, read_exchange_file
from guide_cms.localization.services import ImportRefused, translation_import


class Command(BaseCommand):
    help = "Import an XLIFF (1.2 or 2.0) or PO file from a CAT tool into the translation drafts (all or nothing; never a sign-off)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The XLIFF 1.2, XLIFF 2.0 or PO file from the CAT tool (the format is detected).")
        parser.add_argument("--user", required=True, help="Username of the translator importing (checked and audited).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument("--strict", action="store_true", help="Refuse the whole file if any unit's source changed since export.")

    def handle(self, *args, file, user, dry_run=False, strict=False, **options):
        actor = user_or_error(user, command="import_translation")
        path = Path(file)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise CommandError(f"{file}: no such file.") from None
        try:
            document = read_exchange_file(data, path.name)
            report = translation_import(document=document, user=actor, filename=path.name, dry_run=dry_run, strict=strict)
        except (ExchangeError, ImportRefused, PermissionDenied) as exc:
            raise CommandError(f"Refused, nothing imported: {exc}") from None
        self._write_report(report, dry_run)

    def _write_report(self, report, dry_run: bool) -> None:
        """What the import applied, kept and refused, one line each, then its quality findings."""
        verb = "Would apply" if dry_run else "Applied"
        self.stdout.write(f"{verb} {len(report.applied)} segment(s) to {report.guide.slug} [{report.language}]; {len(report.unchanged)} unchanged.")
        if report.source_note:
            self.stdout.write(report.source_note)
        for notice in report.notices:
            self.stdout.write(notice)
        for applied in report.applied:
            self.stdout.write(f"  changed: {applied.id} [{applied.state}]")
        for uid in report.needs_review:
            self.stdout.write(self.style.WARNING(f"  still to review before submitting: {uid}"))
        self._write_not_applied(report)
        if report.ignored_approvals:
            self.stdout.write(f"  approvals in the file ignored (an import is never a sign-off): {', '.join(report.ignored_approvals)}")
        for finding in report.findings:
            self.stdout.write(f"  {finding.severity}: {finding.unit} [{finding.code}] {finding.message}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _write_not_applied(self, report) -> None:
        """The segments the import left as they were: stale, in conflict, kept, incomplete, joined, empty or absent."""
        for uid in report.stale:
            self.stdout.write(self.style.WARNING(f"  NOT applied, source changed since export: {uid}"))
        for conflict in report.conflicts:
            self.stdout.write(self.style.WARNING(
                f"  NOT applied, changed in the file and here since the export ({conflict.label}): {conflict.unit}\n"
                f"      here now:    {conflict.theirs}\n      in the file: {conflict.mine}"))
        for uid in report.kept:
            self.stdout.write(f"  saved here since the export and unchanged in the file, kept: {uid}")
        for uid, marks in report.incomplete:
            self.stdout.write(self.style.WARNING(f"  NOT applied, segment(s) {', '.join(marks)} left empty in the CAT tool: {uid}"))
        for uid, ids in report.joined:
            self.stdout.write(self.style.WARNING(f"  NOT applied, the CAT tool joined sentences {', '.join(ids)} into one: {uid}"))
        for uid in report.kept_empty:
            self.stdout.write(f"  empty in the file, draft kept: {uid}")
        for uid in report.absent:
            self.stdout.write(f"  not in the file, kept as it is: {uid}")
        for uid in report.missing:
            self.stdout.write(f"  not in the file and not translated yet: {uid}")
