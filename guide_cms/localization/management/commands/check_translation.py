from django.core.management.base import BaseCommand, CommandError

from guide_cms.guides.cli import guide_or_error, language_or_error
from guide_cms.localization.checking import draft_findings


class Command(BaseCommand):
    help = (
        "Run the translation quality checks on a guide's current drafts in one language; exit 1 on any error. "
        "One line per finding: unit (guide.title, guide.summary, <section>.title, <section>.body, or a section key), "
        "severity, code, message, separated by tabs."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The guide's slug.")
        parser.add_argument("language", help="Django language code of the translation, e.g. es or zh-hans.")

    def handle(self, *args, slug, language, **options):
        guide, lang = guide_or_error(slug), language_or_error(language)
        findings, source_version = draft_findings(guide, lang.code)
        if lang.code != guide.source_language:
            if source_version is None:
                raise CommandError(f"{slug}: the source has no approved version to check the {lang.english_name} text against.")
            self.stdout.write(f"Checking {slug} [{lang.code}] drafts against source version {source_version.number}.")
        for f in findings:
            self.stdout.write(f"{f.unit}\t{f.severity}\t{f.code}\t{f.message}")
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        summary = f"{errors} error(s), {warnings} warning(s)."
        if errors:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
