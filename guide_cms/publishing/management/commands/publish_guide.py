from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from guide_cms.guides.cli import guide_or_error, language_or_error, user_or_error
from guide_cms.guides.models import Version
from guide_cms.publishing.services import PublishRefused, publish_version


class Command(BaseCommand):
    help = "Publish an approved version of a guide in one language and export the channels."

    def add_base_argument(self, parser, *args, **kwargs):
        # --version means the guide's version here, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The guide's slug.")
        parser.add_argument("language", help="Django language code, e.g. es or zh-hans.")
        parser.add_argument("--user", required=True, help="Username of the publisher (recorded in the audit trail).")
        parser.add_argument("--version", type=int, help="Version number (default: the latest approved). An earlier one re-publishes it.")
        parser.add_argument("--channel", action="append", dest="channels", help="Channel name; repeat for several (default: all).")

    def handle(self, *args, slug, language, user, version=None, channels=None, **options):
        lang, guide, publisher = language_or_error(language), guide_or_error(slug), user_or_error(user, command="publish_guide")
        versions = Version.objects.for_language(guide, lang.code)
        if version is not None:
            chosen = versions.filter(number=version).first()
            if chosen is None:
                raise CommandError(f"{slug} has no {lang.english_name} version {version}.")
        else:
            chosen = versions.approved().order_by("-number").first()
            if chosen is None:
                raise CommandError(f"{slug} has no approved {lang.english_name} version to publish.")
        try:
            result = publish_version(version=chosen, user=publisher, channels=channels)
        except (PublishRefused, PermissionDenied) as exc:
            raise CommandError(f"Refused: {exc}") from None
        except OSError as exc:  # rolled back: nothing recorded, the live files untouched
            raise CommandError(
                f"Nothing was published: the export folder could not be written ({exc.strerror or exc}: {exc.filename or ''})."
            ) from None
        for channel in result.channels:
            before = result.replaced[channel]
            change = f"replaces v{before}" if before else "first publication"
            self.stdout.write(self.style.SUCCESS(f"Published {slug} [{lang.code}] v{chosen.number} on {channel} ({change})."))
        for report in result.reports:
            self.stdout.write(f"  {report.channel}: {len(report.rendered)} rendered, {len(report.reused)} reused, {report.files} files in {report.path}")
        for failure in result.failures:
            self.stderr.write(self.style.WARNING(f"  Another guide could not be exported: {failure}"))
        for problem in result.checkpoint.problems if result.checkpoint else []:
            self.stderr.write(self.style.WARNING(f"  No checkpoint was written after the export (run verify_integrity): {problem}"))
