"""Backups restore: dumpdata to JSON or XML, loaddata into a fresh database, and
verify_integrity passes there (hashed and sealed timestamps are kept to the
millisecond, which every backup path keeps)."""
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from guide_cms.core.audit import audit_append, legacy_event_hash
from guide_cms.core.hashing import legacy_time
from guide_cms.core.models import AuditEvent
from guide_cms.core.services import account_update
from guide_cms.guides.models import Version
from guide_cms.review.models import Signature
from guide_cms.review.seals import compute_seal
from guide_cms.review.services import SignatureRefused, version_sign

pytestmark = pytest.mark.django_db

# The documented backup (README, "Backups"): users keep their ids (hashes and
# seals name them), content types and permissions are referred to by name.
DUMP = ["dumpdata", "--natural-foreign", "--exclude", "contenttypes", "--exclude", "auth.permission"]


@pytest.fixture
def history(approved_workflow):
    wf = approved_workflow
    wf.publish(wf.approve("es"), channels=("site",))
    with pytest.raises(SignatureRefused):
        version_sign(version=Version.objects.get(language="en"), signer=wf.reviewer, password="wrong", decision="approve")
    account_update(actor=None, user=wf.publisher, values={"first_name": "Chris"})
    return wf


def restore(tmp_path, *backups, against=None):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    options = ["--against", str(against)] if against else []
    result = subprocess.run(
        [sys.executable, "-m", "tests.restore_backup", str(tmp_path), *options, *map(str, backups)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_json_and_xml_backups_restore_into_a_fresh_database_that_verifies(history, tmp_path, export_dir):
    backups = []
    for fmt in ("json", "xml"):
        path = tmp_path / f"backup.{fmt}"
        call_command(*DUMP, "--format", fmt, "--output", str(path), verbosity=0)
        backups.append(path)
    counts = [AuditEvent.objects.count(), Version.objects.count(), Signature.objects.count()]
    assert counts[2] >= 2

    call_command("checkpoint", stdout=StringIO())  # the chain as backed up, signed
    assert (export_dir / "checkpoints" / "latest.json").exists()

    restored = restore(tmp_path, *backups, against=export_dir)

    for fmt in ("json", "xml"):
        outcome = restored[f"backup.{fmt}"]
        assert outcome["code"] == 0, outcome["output"]
        assert "Integrity OK" in outcome["output"] and "NOTE" not in outcome["output"]
        assert outcome["counts"] == counts
        # The restored chain is the one the checkpoints signed, hash for hash (keyed, milliseconds).
        original = restored[f"backup.{fmt} against the original checkpoints"]
        assert original["code"] == 0, original["output"]
        assert "Integrity OK" in original["output"] and "2 checkpoints" in original["output"]


def test_hashed_and_sealed_timestamps_are_kept_to_the_millisecond(history):
    assert all(e.created_at.microsecond % 1000 == 0 for e in AuditEvent.objects.all())
    assert all(s.signed_at.microsecond % 1000 == 0 for s in Signature.objects.all())


def verify():
    out = StringIO()
    call_command("verify_integrity", stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def earlier_release(monkeypatch):
    """Write as the release before this one did: audit events hashed with plain SHA-256 (no key) over
    microsecond timestamps, signatures sealed with microseconds."""
    from functools import partial

    from guide_cms.core import audit
    from guide_cms.review import services

    monkeypatch.setattr(audit, "event_hash", lambda event, key=None: legacy_event_hash(event))
    monkeypatch.setattr(audit, "to_milliseconds", lambda value: value.replace(microsecond=value.microsecond | 1))
    monkeypatch.setattr(services, "to_milliseconds", lambda value: value.replace(microsecond=value.microsecond | 1))
    monkeypatch.setattr(services, "compute_seal", partial(compute_seal, time=legacy_time))
    return monkeypatch


def test_records_from_before_the_change_still_verify_and_the_operator_is_told_how_to_back_them_up(earlier_release, history):
    """A database written by an earlier version: an unkeyed chain, microsecond timestamps, hashed and sealed with them."""
    written_before = AuditEvent.objects.count()
    earlier_release.undo()  # this release takes over: the chain goes on, keyed
    audit_append(actor=None, action="after.upgrade")
    assert all(s.signed_at.microsecond % 1000 for s in Signature.objects.all())

    output = verify()

    assert "Integrity OK" in output
    signatures = Signature.objects.count()
    assert f"{written_before} audit events and {signatures} signatures were recorded with microsecond timestamps" in output
    assert "pg_dump or dumpdata --format xml" in output
    assert f"{written_before} audit events were written before the audit chain was keyed" in output
