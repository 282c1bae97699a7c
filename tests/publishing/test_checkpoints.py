"""Checkpoints: the chain's head and count and the manifests' digests, signed with Ed25519 beside the exports."""
import base64
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.core.audit import GENESIS, event_hash
from guide_cms.core.models import AuditChainHead, AuditEvent
from guide_cms.publishing import checkpoints, verify_manifest
from guide_cms.publishing.services import export_channels
from tests.tamper import sql, verify_integrity

pytestmark = pytest.mark.django_db


def checkpoint_files(export_dir):
    return sorted(p.name for p in (export_dir / "checkpoints").glob("0*.json"))


def test_each_export_writes_a_signed_checkpoint_of_the_chain_and_the_manifests(published, export_dir):
    latest = checkpoints.latest_checkpoint(export_dir)
    head = AuditChainHead.objects.get()

    assert checkpoint_files(export_dir) == ["00000001.json", "00000002.json"]  # the source's publication, then the Spanish one
    assert (latest.sequence, latest.count, latest.head, latest.reason) == (2, head.count, head.last_hash, "export")
    for channel in ("site", "handouts"):
        assert latest.manifests[channel] == hashlib.sha256((export_dir / channel / "manifest.json").read_bytes()).hexdigest()
    assert latest.previous == hashlib.sha256((export_dir / "checkpoints" / "00000001.json").read_bytes()).hexdigest()
    assert (export_dir / "checkpoints" / "latest.json").read_bytes() == latest.path.read_bytes()
    assert (export_dir / "checkpoints" / "public-key.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert verify_integrity()[0] == 0


def test_the_checkpoint_command_writes_one_only_when_something_changed(published, export_dir):
    out = StringIO()
    call_command("checkpoint", stdout=out)
    assert "Nothing changed since checkpoint 2" in out.getvalue()

    published.edit("dosing", "en", "Take 5 mg at night.")  # an audit event
    call_command("checkpoint", stdout=out)
    assert "Checkpoint 3 written" in out.getvalue()
    assert checkpoints.latest_checkpoint(export_dir).count == AuditChainHead.objects.get().count


def test_a_chain_rewritten_consistently_with_the_key_itself_is_caught_by_the_checkpoints(published):
    """The worst case: the audit key leaked. A request for changes is deleted and every later hash and
    the head recomputed with the key: the chain verifies, the signed checkpoints do not agree."""

    events = list(AuditEvent.objects.order_by("id"))
    victim = events[3]
    sql("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    previous = events[2].hash
    for event in events[4:]:
        event.prev_hash = previous
        event.hash = event_hash(event)
        sql("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [event.prev_hash, event.hash, event.pk])
        previous = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous, count=len(events) - 1)

    code, output = verify_integrity()

    assert code == 1
    assert "checkpoint 1" in output and "history up to it was rewritten" in output
    assert "checkpoint 2" in output and "events were deleted" in output
    assert "does not follow" not in output and "was altered" not in output  # the chain itself looks whole
    with pytest.raises(Exception, match="audit trail was altered"):
        export_channels()


def test_a_manifest_edited_with_its_files_is_reported_and_the_next_export_renders_the_channel_again(published, export_dir):
    site = export_dir / "site"
    page = site / "es" / "baclofen.json"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"5 mg", b"50 mg"))
    manifest = json.loads((site / "manifest.json").read_text())
    manifest["files"]["es/baclofen.json"] = hashlib.sha256(page.read_bytes()).hexdigest()
    (site / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")

    code, output = verify_integrity()
    assert code == 1
    assert "export site: its manifest.json" in output and "neither the one checkpoint 2 signed" in output
    with pytest.raises(CommandError):
        call_command("checkpoint", stdout=StringIO(), stderr=StringIO())  # never signs what it cannot vouch for

    (report, _handouts) = export_channels()

    assert "es/baclofen" in report.rendered  # not copied from the edited output
    assert (site / "es" / "baclofen.json").read_bytes() == original
    assert verify_integrity()[0] == 0
    assert AuditEvent.objects.filter(action="export.channels").first().data["distrusted"]["site"]


def test_an_export_killed_while_it_renders_a_distrusted_channel_again_leaves_its_output_as_it_was(published, export_dir, monkeypatch):
    """The edited output is reported, not deleted: until the new folder is swapped in, a crash leaves
    the channel's files and manifest as they were (verify_integrity still reports the edit)."""
    from guide_cms.publishing.channels.site import SiteChannel

    site = export_dir / "site"
    manifest = json.loads((site / "manifest.json").read_text())
    manifest["files"]["es/baclofen.json"] = "0" * 64
    (site / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    before = {p.relative_to(site.resolve()).as_posix(): p.read_bytes() for p in site.resolve().rglob("*") if p.is_file()}

    def killed(self, entry):
        raise KeyboardInterrupt  # the process is stopped in the middle of rendering

    monkeypatch.setattr(SiteChannel, "render_entry", killed)
    with pytest.raises(KeyboardInterrupt):
        export_channels(channels=["site"])
    after = {p.relative_to(site.resolve()).as_posix(): p.read_bytes() for p in site.resolve().rglob("*") if p.is_file()}
    assert after == before and "manifest.json" in after
    code, output = verify_integrity()
    assert code == 1 and "export site: its manifest.json" in output


@pytest.mark.parametrize("damage", ["altered", "forged", "removed"])
def test_a_checkpoint_altered_forged_or_removed_is_reported(published, export_dir, damage):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = export_dir / "checkpoints" / "00000001.json"
    envelope = json.loads(path.read_text())
    if damage == "altered":
        envelope["payload"] = envelope["payload"].replace('"count":', '"count":1')
        path.write_text(json.dumps(envelope))
    elif damage == "forged":
        key = Ed25519PrivateKey.generate()
        envelope["signature"] = base64.b64encode(key.sign(envelope["payload"].encode())).decode()
        path.write_text(json.dumps(envelope))
    else:
        path.unlink()
    code, output = verify_integrity()
    assert code == 1
    expected = {"altered": "does not verify", "forged": "does not verify", "removed": "follows a checkpoint that is missing"}[damage]
    assert expected in output


def test_a_downstream_reader_verifies_a_manifest_and_its_files_with_the_public_key_alone(published, export_dir, capsys):
    key, latest = export_dir / "checkpoints" / "public-key.pem", export_dir / "checkpoints" / "latest.json"
    site = export_dir / "site"

    assert verify_manifest.main(["--key", str(key), "--checkpoint", str(latest), "--channel", "site", "--folder", str(site)]) == 0
    assert "Verified: the site manifest and its" in capsys.readouterr().out

    edited = json.loads((site / "manifest.json").read_text())
    edited["entries"]["es/baclofen"]["version"] = 99
    copy = export_dir / "edited-manifest.json"
    copy.write_text(json.dumps(edited))
    assert verify_manifest.main(["--key", str(key), "--checkpoint", str(latest), "--channel", "site", str(copy)]) == 1
    assert "is not the one checkpoint 2 signed" in capsys.readouterr().err

    other_key = export_dir / "other.pem"
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other_key.write_text(checkpoints.public_pem(Ed25519PrivateKey.generate().public_key()))
    assert verify_manifest.main(["--key", str(other_key), "--checkpoint", str(latest), "--channel", "site", str(site / "manifest.json")]) == 1
    assert "signature does not verify" in capsys.readouterr().err


def test_checkpoints_signed_with_a_rotated_key_verify_while_it_is_among_the_fallbacks(published, export_dir, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    old = settings.GUIDE_CMS_CHECKPOINT_KEY
    settings.GUIDE_CMS_CHECKPOINT_KEY = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS = [old]
    published.edit("dosing", "en", "Take 5 mg at night.")
    call_command("checkpoint", stdout=StringIO())

    assert verify_integrity()[0] == 0
    assert len(list((export_dir / "checkpoints" / "keys").glob("*.pem"))) == 2
    settings.GUIDE_CMS_CHECKPOINT_KEY_FALLBACKS = []
    code, output = verify_integrity()
    assert code == 1 and "not a trusted checkpoint key" in output


def test_a_database_with_no_events_checkpoints_an_empty_chain(db, export_dir):
    result = checkpoints.checkpoint_record(root=export_dir)
    assert (result.checkpoint.count, result.checkpoint.head) == (0, GENESIS)


def test_a_restore_older_than_the_newest_checkpoint_is_reported_until_its_checkpoints_are_moved_aside(published, export_dir):
    """README, Backups: going back to an older state is data loss, said as such; moving aside the checkpoints
    it does not contain and exporting again is the documented way on."""
    out = StringIO()
    head_in_the_backup = AuditChainHead.objects.values("last_hash", "count", "checkpoints", "seal").get()
    published.edit("dosing", "en", "Take 5 mg at night.")
    call_command("checkpoint", stdout=out)
    assert "Checkpoint 3 written" in out.getvalue()
    # The database as a backup taken at checkpoint 2 holds it: the edit's events are not in it.
    signed = checkpoints.read_checkpoints(export_dir)[0][1]
    newer = list(AuditEvent.objects.filter(pk__gt=AuditEvent.objects.get(hash=signed.head).pk).order_by("id"))
    sql("DELETE FROM core_auditevent WHERE id >= %s", [newer[0].pk])
    AuditChainHead.objects.filter(pk=1).update(**head_in_the_backup)

    code, output = verify_integrity()
    assert code == 1 and f"signed {signed.count + len(newer)} audit events, the database has {signed.count}" in output
    with pytest.raises(Exception, match="audit trail was altered"):
        export_channels()

    aside = export_dir.parent / "checkpoints-after-the-restore"
    aside.mkdir()
    (export_dir / "checkpoints" / "00000003.json").rename(aside / "00000003.json")
    # The channels published checkpoint 3: its absence is deleted history until the restore is said to be one.
    with pytest.raises(Exception, match="checkpoint 3 was written .* but it is not there"):
        export_channels()
    call_command("checkpoint", restart="restored the database backup taken at checkpoint 2", stdout=StringIO())
    restart = AuditEvent.objects.get(action="checkpoint.restart")
    assert restart.data["reason"] == "restored the database backup taken at checkpoint 2"
    export_channels()

    assert verify_integrity()[0] == 0
    assert checkpoints.latest_checkpoint(export_dir).count == AuditChainHead.objects.get().count
