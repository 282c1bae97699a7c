import sys

from django.core.management.base import BaseCommand, CommandError

from guide_cms.publishing.channels.base import ChannelError
from guide_cms.publishing.entries import ExportRefused
from guide_cms.publishing.services import export_channels


class Command(BaseCommand):
    help = "Rebuild channel output from the live publications; only changed guides are rendered again."

    def add_arguments(self, parser):
        parser.add_argument("--channel", action="append", dest="channels", help="Channel name; repeat for several (default: all).")
        parser.add_argument("--output", help="Export folder (default: settings.GUIDE_CMS_EXPORT_DIR).")

    def handle(self, *args, channels=None, output=None, **options):
        interactive = sys.stdout.isatty()

        def progress(channel, entry, done, total):
            if interactive:
                width = 30
                filled = width * done // max(total, 1)
                bar = "#" * filled + "-" * (width - filled)
                self.stdout.write(f"\r  {channel:<9} [{bar}] {done}/{total} {entry}\033[K", ending="")
                self.stdout.flush()
                if done == total:
                    self.stdout.write("")

        try:
            reports = export_channels(channels=channels, output_dir=output, progress=progress)
        except (ChannelError, ExportRefused) as exc:
            raise CommandError(f"Export refused, previous output kept: {exc}") from None
        for report in reports:
            state = "updated" if report.changed else "unchanged"
            self.stdout.write(
                f"{report.channel}: {state}; {len(report.rendered)} rendered, {len(report.reused)} reused, {report.files} files in {report.path}"
            )
