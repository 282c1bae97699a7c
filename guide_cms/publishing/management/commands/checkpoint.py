from django.core.management.base import BaseCommand, CommandError

from guide_cms.publishing.checkpoints import CheckpointRefused, checkpoint_record, folder
from guide_cms.publishing.export import export_root


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the audit chain (head and count) and the channels' manifests, written beside the exports "
        "(run it from cron; every export writes one too). Nothing is written if nothing changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Export folder (default: settings.GUIDE_CMS_EXPORT_DIR).")

    def handle(self, *args, output=None, **options):
        try:
            result = checkpoint_record(root=output, reason="checkpoint")
        except CheckpointRefused as exc:
            for problem in exc.problems:
                self.stderr.write(self.style.ERROR(f"  {problem}"))
            raise CommandError("No checkpoint was written: run verify_integrity.", returncode=1) from None
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
