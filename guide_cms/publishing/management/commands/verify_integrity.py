from django.core.management.base import BaseCommand, CommandError

from guide_cms.publishing.checkpoints import folder, history_problems, read_checkpoints, untrusted_manifests
from guide_cms.publishing.export import channel_names, verify_exports
from guide_cms.publishing.store import export_root
from guide_cms.publishing.records import publication_problems
from guide_cms.publishing.selectors import export_problems
from guide_cms.review.integrity import check_integrity


class Command(BaseCommand):
    help = (
        "Verify the audit chain (keyed) against every checkpoint, every version's content hash and sealed facts (status, "
        "signatures, author, approvals required), every signature's seal, the guides' settings and the live publications "
        "against the audit trail, the exported files against their manifests, the manifests against the latest "
        "checkpoint, and the live publications against the exported ones; exit 1 and name what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Export folder to check (default: settings.GUIDE_CMS_EXPORT_DIR).")

    def handle(self, *args, output=None, **options):
        root = export_root(output)
        checkpoints, checkpoint_problems = read_checkpoints(root)
        report = check_integrity(positions={c.count for c in checkpoints})
        report.problems += checkpoint_problems
        missing = history_problems(root)
        report.problems += missing
        for checkpoint in checkpoints:
            where = f"checkpoint {checkpoint.sequence} ({checkpoint.created_at})"
            if checkpoint.count > report.events:
                report.problems.append(
                    f"{where} signed {checkpoint.count} audit events, the database has {report.events}: events were deleted "
                    "(or this database was restored from a backup older than the checkpoint)"
                )
            elif checkpoint.count and report.walk.hashes_at.get(checkpoint.count) != checkpoint.head:
                report.problems.append(
                    f"{where}: audit event number {checkpoint.count} is not the one it signed: history up to it was rewritten"
                )
        if checkpoints:
            latest = checkpoints[-1]
            for channel, why in untrusted_manifests(root, channel_names(), latest, earlier=checkpoints[:-1]).items():
                report.problems.append(f"export {channel}: {why}")
        else:
            if not missing:
                report.notes.append(f"No checkpoint in {folder(root)} yet: the next export (or manage.py checkpoint) writes one.")
            for channel, why in untrusted_manifests(root, channel_names(), None).items():
                report.problems.append(f"export {channel}: {why}")
        report.problems += publication_problems()
        report.problems += verify_exports(output)
        report.problems += [f"publication {problem}" for problem in export_problems(output_dir=output)]
        self.stdout.write(
            f"Checked {_count(report.events, 'audit event')}, {_count(len(checkpoints), 'checkpoint')}, "
            f"{_count(report.versions, 'version')}, {_count(report.signatures, 'signature')}, and the exports in {root}."
        )
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  NOTE: {note}"))
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Integrity OK: nothing was altered."))
            return
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(f"  ALTERED: {problem}"))
        raise CommandError(f"Integrity check failed: {len(report.problems)} problem(s).", returncode=1)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
