from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from guide_cms.guides.cli import guide_or_error, language_or_error, user_or_error
from guide_cms.localization.exchange import ExchangeError
from guide_cms.localization.services import translation_export


class Command(BaseCommand):
    help = "Export a guide's translation segments for one language as XLIFF 1.2, XLIFF 2.0 or PO, for CAT tools."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The guide's slug.")
        parser.add_argument("language", help="Django language code of the translation, e.g. es or zh-hans.")
        parser.add_argument(
            "--format", choices=["xliff", "xliff2", "po"], default="xliff", help="XLIFF 1.2 (xliff), XLIFF 2.0 (xliff2) or PO (po)."
        )
        parser.add_argument("-o", "--output", help="File to write (default: a name with guide, language and source version).")
        parser.add_argument("--user", help="Username exporting (recorded in the audit trail).")

    def handle(self, *args, slug, language, format, output=None, user=None, **options):
        guide, lang = guide_or_error(slug), language_or_error(language)
        actor = user_or_error(user, command="export_translation") if user else None
        try:
            data, name = translation_export(guide=guide, language=lang.code, fmt=format, user=actor)
        except (ExchangeError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        path = Path(output or name)
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({format}, {len(data)} bytes)."))
