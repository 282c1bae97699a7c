from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from guide_cms.core.permissions import COMMAND_LINE
from guide_cms.guides.cli import user_or_error
from guide_cms.guides.importer import DocumentRefused, parse_guide_document
from guide_cms.guides.services import ImportConflict, guide_import


class Command(BaseCommand):
    help = "Import or update a guide's source-language text from a Markdown document."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Markdown file: '# Title', optional summary, '## Section' headings.")
        parser.add_argument("--slug", required=True, help="The guide's slug (created if new).")
        parser.add_argument("--user", help="Username of the editor importing (recorded as the author).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change (renamed headings included); write nothing.")
        parser.add_argument(
            "--replace", action="store_true",
            help="Write the document's text over texts changed in the admin since its last import (refused without it).",
        )

    def handle(self, *args, file, slug, user, dry_run=False, replace=False, **options):
        if slugify(slug) != slug:
            raise CommandError(f"--slug {slug!r} is not a slug; try {slugify(slug)!r}.")
        actor = COMMAND_LINE
        if user:
            actor = user_or_error(user, command="import_guide")
        path = Path(file)
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except IsADirectoryError:
            raise CommandError(f"{file}: is a directory, not a Markdown file.") from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text (byte {exc.start}). Save the document as UTF-8 Markdown.") from None
        try:
            document = parse_guide_document(text, source=str(file))
            report = guide_import(document=document, slug=slug, user=actor, dry_run=dry_run, replace=replace)
        except DocumentRefused as exc:
            raise CommandError("Refused, nothing imported:\n" + "\n".join(f"  {file}: {p}" for p in exc.problems)) from None
        except (ImportConflict, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(f"{file}: " + "; ".join(exc.messages)) from None
        for unit in report.kept:
            self.stdout.write(f"  kept: {unit} was changed here since the last import and the document leaves it as it was")
        if not report.changed_anything:
            self.stdout.write(f"Guide '{slug}' is unchanged: the document changes nothing since its last import.")
            return
        verb = ("Would create" if dry_run else "Created") if report.created else ("Would update" if dry_run else "Updated")
        self.stdout.write(self.style.SUCCESS(f"{verb} guide '{slug}' ({len(document.sections)} sections)."))
        for key, old, new in report.sections_renamed:
            self.stdout.write(f"  renamed: {key}: '{old}' -> '{new}' (same section: its key and translations are kept)")
        for label, keys in (("added", report.sections_added), ("changed", report.sections_changed), ("moved", report.sections_moved)):
            if keys and not report.created:
                self.stdout.write(f"  {label}: {', '.join(keys)}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
