from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from guide_cms.core.languages import UnknownLanguage, get_language
from guide_cms.guides.models import Guide
from guide_cms.localization.exchange import ExchangeError
from guide_cms.localization.services import translation_export


class Command(BaseCommand):
    help = "Export a guide's translation units for one language as XLIFF 1.2 or PO, for CAT tools."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("language")
        parser.add_argument("--format", choices=["xliff", "po"], default="xliff")
        parser.add_argument("-o", "--output", help="File to write (default: a name with guide, language and source version).")
        parser.add_argument("--user", help="Username exporting (recorded in the audit trail).")

    def handle(self, *args, slug, language, format, output=None, user=None, **options):
        guide = Guide.objects.filter(slug=slug).first()
        if guide is None:
            raise CommandError(f"No guide with slug {slug!r}.")
        try:
            lang = get_language(language)
        except UnknownLanguage as exc:
            raise CommandError(str(exc)) from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            data, name = translation_export(guide=guide, language=lang.code, fmt=format, user=actor)
        except (ExchangeError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        path = Path(output or name)
        path.write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({format}, {len(data)} bytes)."))
