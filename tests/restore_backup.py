"""Run by tests/test_backups.py in a fresh process: restore backups into fresh SQLite databases.

Usage: python -m tests.restore_backup WORK_DIR [--against EXPORT_DIR] BACKUP_FILE...
Migrates an empty database once, then for each backup loads it into a copy
of that empty database, rebuilds the channels' files (export_channels) and
runs verify_integrity there; with --against, also runs verify_integrity on
the original export folder, whose signed checkpoints the restored chain must
match event for event. Prints one JSON line.
"""
import json
import os
import shutil
import sys
from io import StringIO
from pathlib import Path


def main(work: Path, backups: list[str], against: str | None = None) -> dict:
    empty = work / "empty.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "guide_cms.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{empty}"
    import django

    django.setup()
    from django.core.management import CommandError, call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()

    results = {}
    for backup in backups:
        restored = work / f"restored-{Path(backup).name}.sqlite3"
        shutil.copy(empty, restored)
        connection.settings_dict["NAME"] = str(restored)
        connection.close()
        call_command("loaddata", backup, verbosity=0)
        from guide_cms.core.models import AuditEvent
        from guide_cms.guides.models import Version
        from guide_cms.review.models import Signature

        counts = [AuditEvent.objects.count(), Version.objects.count(), Signature.objects.count()]
        out, err = StringIO(), StringIO()
        exports = work / f"exports-{Path(backup).name}"
        try:
            # The channels' files are not in a database backup: they are rebuilt from the signed versions.
            call_command("export_channels", output=str(exports), stdout=StringIO())
            call_command("verify_integrity", output=str(exports), stdout=out, stderr=err)
            code = 0
        except CommandError as exc:
            code = exc.returncode
        results[Path(backup).name] = {"code": code, "output": out.getvalue() + err.getvalue(), "counts": counts}
        if against:
            out = StringIO()
            try:
                call_command("verify_integrity", output=against, stdout=out, stderr=out)
                code = 0
            except CommandError as exc:
                code = exc.returncode
            results[f"{Path(backup).name} against the original checkpoints"] = {"code": code, "output": out.getvalue()}
        connection.close()
    return results


if __name__ == "__main__":
    args = sys.argv[2:]
    against = None
    if args[:1] == ["--against"]:
        against, args = args[1], args[2:]
    print(json.dumps(main(Path(sys.argv[1]), args, against)))
