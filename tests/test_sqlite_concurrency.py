"""On SQLite, concurrent writers wait for each other instead of failing with "database is locked"
(settings.base.database: transaction_mode IMMEDIATE, timeout 20 s)."""
import json
import os
import subprocess
import sys

from django.conf import settings


def test_two_reviewers_approving_at_once_while_editors_write_all_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_writers", str(tmp_path / "db.sqlite3")],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])

    assert outcome["errors"] == []
    assert outcome["approvals"] == 2 and outcome["status"] == "approved"
    assert outcome["edits"] == 4
