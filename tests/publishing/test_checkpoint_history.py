"""Verification cannot be downgraded: once a deployment is keyed and has written a checkpoint, a rewrite without
the key, a missing checkpoint history or a gap in it is an error, for verify_integrity and for every export."""
import json
import shutil

import pytest

from guide_cms.core.audit import GENESIS, unkeyed_event_hash
from guide_cms.core.models import AuditChainHead, AuditEvent
from guide_cms.guides.models import Guide
from guide_cms.publishing import checkpoints
from guide_cms.publishing.entries import ExportRefused
from guide_cms.publishing.services import export_channels
from tests.tamper import sql, verify_integrity

pytestmark = pytest.mark.django_db


def rewrite_whole_chain_unkeyed():
    """What a database writer without the key does: every event rehashed with plain SHA-256 (as before the chain
    was keyed), a safety flag lowered in the rows and in the events that sealed it, and the head moved to match."""
    Guide.objects.update(safety_critical=False)
    previous = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        data = event.data or {}
        if "safety_critical" in data:
            data = {**data, "safety_critical": False}
        event.data, event.prev_hash = data, previous
        event.hash = unkeyed_event_hash(event)
        sql("UPDATE core_auditevent SET data = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(data), event.prev_hash, event.hash, event.pk])
        previous = event.hash
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous, seal="")


def test_a_whole_chain_rewritten_without_the_key_with_the_checkpoints_deleted_is_an_error_not_a_note(published, export_dir):
    rewrite_whole_chain_unkeyed()
    shutil.rmtree(export_dir / "checkpoints")

    code, output = verify_integrity()

    assert code == 1
    assert "ALTERED: audit: the chain head is not sealed with the audit key" in output
    assert "Integrity OK" not in output
    with pytest.raises(ExportRefused, match="not sealed with the audit key"):
        export_channels()


def test_a_checkpoints_folder_deleted_with_the_database_intact_is_deleted_history(published, export_dir):
    shutil.rmtree(export_dir / "checkpoints")

    code, output = verify_integrity()

    assert code == 1
    assert "the audit trail records that checkpoint 2 was written" in output and "checkpoint history was deleted" in output
    assert "No checkpoint in" not in output  # not the note of a deployment that never wrote one
    with pytest.raises(ExportRefused, match="checkpoint history was deleted"):
        export_channels()


def test_the_newest_checkpoints_deleted_leave_a_gap_at_the_end_that_is_reported(published, export_dir):
    (export_dir / "checkpoints" / "00000002.json").unlink()
    (export_dir / "checkpoints" / "latest.json").unlink()

    code, output = verify_integrity()

    assert code == 1 and "checkpoint 2 was written" in output and "it is not there" in output


def test_a_checkpoint_in_the_middle_removed_is_a_gap(published, export_dir):
    published.edit("dosing", "en", "Take 5 mg at night.")
    checkpoints.checkpoint_record()
    (export_dir / "checkpoints" / "00000002.json").unlink()

    code, output = verify_integrity()

    assert code == 1 and "does not follow checkpoint 1: a checkpoint was removed or replaced" in output


def test_a_checkpoint_replaced_by_one_the_database_did_not_record_is_reported(published, export_dir):
    first = (export_dir / "checkpoints" / "00000001.json").read_bytes()
    shutil.rmtree(export_dir / "checkpoints")
    (export_dir / "checkpoints").mkdir()
    (export_dir / "checkpoints" / "00000002.json").write_bytes(first)

    code, output = verify_integrity()

    assert code == 1 and "checkpoint 2" in output and "it was replaced" in output


def test_the_checkpoint_record_cleared_from_the_head_without_the_key_is_caught_by_the_head_seal(published, export_dir):
    AuditChainHead.objects.filter(pk=1).update(checkpoints={})
    shutil.rmtree(export_dir / "checkpoints")
    for channel in ("site", "handouts"):
        (export_dir / channel / "checkpoint.json").unlink()

    code, output = verify_integrity()

    assert code == 1 and "the chain head is not sealed with the audit key" in output


def test_each_channel_publishes_the_checkpoint_that_signed_it(published, export_dir):
    latest = checkpoints.latest_checkpoint(export_dir)
    for channel in ("site", "handouts"):
        record = json.loads((export_dir / channel / "checkpoint.json").read_text())
        assert (record["sequence"], record["digest"], record["audit_events"]) == (latest.sequence, latest.digest, latest.count)
    # The database's record alone (deleted from the head too) is not the only witness: a channel's copy is one.
    head = AuditChainHead.objects.get()
    assert head.checkpoints[checkpoints.output_name(export_dir)] == {"sequence": latest.sequence, "digest": latest.digest}


def test_a_restart_is_refused_when_nothing_is_missing_and_recorded_when_something_is(published, export_dir):
    with pytest.raises(checkpoints.CheckpointRefused, match="nothing to restart"):
        checkpoints.checkpoint_restart(reason="just because")
    shutil.rmtree(export_dir / "checkpoints")

    missing = checkpoints.checkpoint_restart(reason="the disk holding the checkpoints failed")

    assert missing and "checkpoint history was deleted" in missing[0]
    event = AuditEvent.objects.get(action="checkpoint.restart")
    assert event.data["reason"] == "the disk holding the checkpoints failed"
    assert event.data["recorded"]["sequence"] == 2 and set(event.data["published"]) == {"site", "handouts"}
    export_channels()
    assert verify_integrity()[0] == 0


def test_a_restart_without_a_reason_is_refused_and_records_nothing(published, export_dir):
    from django.core.management import CommandError, call_command

    shutil.rmtree(export_dir / "checkpoints")
    with pytest.raises(CommandError, match="--restart needs a reason"):
        call_command("checkpoint", restart="   ")
    assert not AuditEvent.objects.filter(action="checkpoint.restart").exists()
