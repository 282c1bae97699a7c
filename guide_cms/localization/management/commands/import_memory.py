from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from guide_cms.guides.cli import user_or_error
from guide_cms.localization.exchange import ExchangeError
from guide_cms.localization.services import memory_import_tmx


class Command(BaseCommand):
    help = "Add a TMX 1.4 file's pairs to the translation memory, marked not clinically signed (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The TMX 1.4 file to read.")
        parser.add_argument("--user", required=True, help="Username importing: a translator or reviewer of the file's languages.")

    def handle(self, *args, file, user, **options):
        actor = user_or_error(user, command="import_memory")
        try:
            data = Path(file).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise CommandError(f"{file}: no such file.") from None
        try:
            report = memory_import_tmx(data=data, filename=Path(file).name, user=actor)
        except (ExchangeError, PermissionDenied) as exc:
            raise CommandError(f"Refused, nothing imported: {exc}") from None
        for notice in report.notices:
            self.stdout.write(notice)
        self.stdout.write(self.style.SUCCESS(
            f"Added {report.added} pair(s), marked not clinically signed; {report.already} already in the memory."
        ))
