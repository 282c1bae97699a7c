import os
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
        parser.add_argument("--queue", action="store_true",
                            help="Run the export as a task on the configured task queue (GUIDE_CMS_TASK_QUEUE=celery) and wait for it.")
        parser.add_argument("--timeout", type=float, default=3600, help="With --queue: seconds to wait for the task (default 3600).")

    def handle(self, *args, channels=None, output=None, queue=False, timeout=3600, **options):
        if output and os.path.exists(output) and not os.path.isdir(output):
            raise CommandError(f"--output {output} is a file, not a folder: give the folder the channels are exported into.")
        channels = list(dict.fromkeys(channels)) if channels else channels  # --channel site --channel site: once
        if queue:
            self._on_queue(channels, output, timeout)
            return
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
        except OSError as exc:
            # A full disk, a folder that cannot be written: nothing half-written is left, the next run starts clean.
            raise CommandError(f"Export failed, previous output kept: {exc}") from None
        problems = 0
        for report in reports:
            if report.error:
                problems += 1
                self.stderr.write(self.style.ERROR(f"{report.channel}: FAILED, its previous output was kept: {report.error}"))
                continue
            state = "updated" if report.changed else "unchanged"
            self.stdout.write(
                f"{report.channel}: {state}; {len(report.rendered)} rendered, {len(report.reused)} reused, {report.files} files in {report.path}"
            )
            if report.repaired:
                self.stdout.write(f"  repaired {len(report.repaired)} file(s) altered, added or deleted on disk: {', '.join(report.repaired)}")
            for failure in report.failures:
                problems += 1
                self.stderr.write(self.style.ERROR(f"  FAILED {failure.describe(report.channel)}"))
        checkpoint = reports.checkpoint
        if checkpoint and checkpoint.written:
            self.stdout.write(f"checkpoint {checkpoint.checkpoint.sequence} written: {checkpoint.checkpoint.path}")
        for problem in checkpoint.problems if checkpoint else []:
            problems += 1
            self.stderr.write(self.style.ERROR(f"  NO CHECKPOINT: {problem}"))
        if problems:
            raise CommandError(
                f"{problems} export problem(s): the other guides were exported; fix the ones named above and run export_channels again.",
                returncode=1,
            )

    def _on_queue(self, channels, output, timeout):
        from guide_cms.publishing.task_queue import queue_configured
        from guide_cms.publishing.services import queue_export

        if not queue_configured():
            raise CommandError("--queue needs a task queue: set GUIDE_CMS_TASK_QUEUE=celery and CELERY_BROKER_URL "
                               "(documentation: How-to, Run the task queue).")
        try:
            from guide_cms.publishing.tasks import app
        except ImportError:
            raise CommandError('Celery is not installed: pip install -e ".[queue]" (documentation: How-to, Run the task queue).') from None
        broker = app.conf.broker_url
        if not broker:
            raise CommandError("GUIDE_CMS_TASK_QUEUE is celery but CELERY_BROKER_URL is not set: give the broker's address, "
                               "redis://HOST:6379/0 (documentation: How-to, Run the task queue).")
        try:
            task = queue_export(channels=channels, output_dir=output)
            self.stdout.write(f"export queued as task {task.id}; waiting for a worker…")
            answer = task.get(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - the broker, the worker or the export: say which, keep nothing half-done
            raise CommandError(f"The export on the queue failed ({type(exc).__name__}): {exc}. Is the broker at "
                               f"{broker} running, and a worker started (documentation: How-to, Run the task "
                               f"queue)?") from None
        problems = 0
        for report in answer["reports"]:
            if report["error"]:
                problems += 1
                self.stderr.write(self.style.ERROR(f"{report['channel']}: FAILED, its previous output was kept: {report['error']}"))
                continue
            state = "updated" if report["changed"] else "unchanged"
            self.stdout.write(f"{report['channel']}: {state}; {len(report['rendered'])} rendered, {report['reused']} reused, "
                              f"{report['files']} files in {report['path']} (worker {answer['worker']})")
            for failure in report["failures"]:
                problems += 1
                self.stderr.write(self.style.ERROR(f"  FAILED {failure}"))
        if answer.get("checkpoint"):
            self.stdout.write(f"checkpoint {answer['checkpoint']} written")
        if problems:
            raise CommandError(f"{problems} export problem(s) on the queue: fix the ones named above and run export_channels again.",
                               returncode=1)
