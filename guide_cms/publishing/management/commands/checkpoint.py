from django.core.management.base import BaseCommand, CommandError

from guide_cms.publishing.checkpoints import CheckpointRefused, checkpoint_record, checkpoint_restart, folder
from guide_cms.publishing.store import export_root


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the audit chain (head and count) and the channels' manifests, written beside the exports "
        "(run it from cron; every export writes one too). Nothing is written if nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Export folder (default: settings.GUIDE_CMS_EXPORT_DIR).")
        parser.add_argument(
            "--restart", metavar="REASON", default="",
            help="Checkpoints recorded for this folder are missing on purpose (the database restored from an older backup "
                 "and the newer checkpoints moved aside, or the folder lost): record REASON in the audit trail and go on. "
                 "Without it, a missing checkpoint is refused as deleted history.",
        )

    def handle(self, *args, output=None, restart="", **options):
        if restart and not restart.strip():
            raise CommandError("--restart needs a reason, recorded in the audit trail.")
        if restart:
            try:
                missing = checkpoint_restart(root=output, reason=restart.strip())
            except CheckpointRefused as exc:
                raise CommandError(f"Nothing was restarted: {'; '.join(exc.problems)}", returncode=1) from None
            self.stdout.write(self.style.WARNING(f"Recorded in the audit trail: {restart.strip()}. Missing checkpoints accepted:"))
            for problem in missing:
                self.stdout.write(f"  {problem}")
        try:
            result = checkpoint_record(root=output, reason="checkpoint")
        except CheckpointRefused as exc:
            for problem in exc.problems:
                self.stderr.write(self.style.ERROR(f"  {problem}"))
            raise CommandError("No checkpoint was written: run verify_integrity (after restoring an older database backup, "
                               "see checkpoint --restart).", returncode=1) from None
        except OSError as exc:
            raise CommandError(f"No checkpoint was written: {exc}") from None
        checkpoint = result.checkpoint
        where = folder(export_root(output))
        if not result.written:
            self.stdout.write(f"Nothing changed since checkpoint {checkpoint.sequence} ({where}).")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Checkpoint {checkpoint.sequence} written to {checkpoint.path}: {checkpoint.count} audit events "
            f"(head {checkpoint.head[:12]}…), manifests of {', '.join(sorted(checkpoint.manifests))}; key {checkpoint.key_id}."
        ))
