from pathlib import Path

from django.core.management.base import BaseCommand

from guide_cms.guides.cli import language_or_error
from guide_cms.localization.services import memory_export_tmx


class Command(BaseCommand):
    help = "Write the translation memory (pairs from signed translations, and imported ones marked unsigned) as TMX 1.4."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .tmx file to write.")
        parser.add_argument("--language", help="Only this target language (e.g. es, zh-hans).")

    def handle(self, *args, file, language=None, **options):
        code = language_or_error(language).code if language else None
        data, count = memory_export_tmx(language=code)
        Path(file).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Wrote {file}: {count} pair(s)."))
