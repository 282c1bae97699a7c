"""Faults in the middle of a write: a real database error during a submission, a sign-off and an import,
and a full disk during an export. Nothing partial is left, and the next run recovers by itself."""
import builtins
import contextlib
import errno
import io
import os
import pathlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from guide_cms.core.models import AuditChainHead, AuditEvent
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.models import Section, Version
from guide_cms.guides.services import guide_import
from guide_cms.localization.exchange import read_exchange_file
from guide_cms.localization.services import translation_export, translation_import
from guide_cms.notifications.models import Notification
from guide_cms.publishing.models import Publication
from guide_cms.review.models import Signature
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD
from tests.tamper import verify_integrity

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_fails_on(action: str):
    """The database itself refuses to store the audit event of `action` (a trigger raising "disk full"):
    a real database error in the middle of the service's transaction, after its first rows are written."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION test_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.action = '{action}' THEN RAISE EXCEPTION 'injected fault: could not extend file' USING ERRCODE = 'disk_full'; END IF; "
            "RETURN NEW; END $$",
            "CREATE TRIGGER test_fault BEFORE INSERT ON core_auditevent FOR EACH ROW EXECUTE FUNCTION test_fault()",
        ]
        drop = ["DROP TRIGGER test_fault ON core_auditevent", "DROP FUNCTION test_fault()"]
    else:
        create = [
            f"CREATE TRIGGER test_fault BEFORE INSERT ON core_auditevent WHEN NEW.action = '{action}' "
            "BEGIN SELECT RAISE(ABORT, 'injected fault: database or disk is full'); END"
        ]
        drop = ["DROP TRIGGER test_fault"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


def written():
    """Everything a write could leave behind."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", "count").first()
    return (
        head, AuditEvent.objects.count(), Version.objects.count(), list(Version.objects.values_list("pk", "status")),
        Signature.objects.count(), Notification.objects.count(), Publication.objects.count(),
        list(Section.objects.order_by("pk").values_list("title_en", "body_en", "title_es", "body_es", "position")),
    )


def test_a_database_error_in_the_middle_of_a_submission_leaves_nothing_and_the_next_submission_works(guide, editor):
    before = written()
    with database_fails_on("version.submit"), pytest.raises(DatabaseError, match="injected fault"):
        version_submit(guide=guide, language="en", user=editor)
    assert written() == before

    version = version_submit(guide=guide, language="en", user=editor)
    assert (version.number, version.status) == (1, "in_review")


def test_a_database_error_in_the_middle_of_a_sign_off_leaves_nothing_and_the_next_one_works(guide, editor, reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    before = written()
    # The signature row and its event are written; the status event fails.
    with database_fails_on("version.approved"), pytest.raises(DatabaseError, match="injected fault"):
        version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve")
    assert written() == before

    version_sign(version=version, signer=reviewer, password=PASSWORD, decision="approve")
    version.refresh_from_db()
    assert version.status == "approved" and version.signatures.count() == 1


def test_a_database_error_in_the_middle_of_a_markdown_import_leaves_nothing(guide, editor):
    text = "# Baclofen\n\n## Dosing\n\nTake 10 mg.\n\n## Warnings\n\n> **Warning:** Never drive.\n\n## Storage\n\nKeep it dry.\n"
    before = written()
    # The two existing sections are updated first; creating the third fails.
    # The guide was written in the admin, not imported: the editor chooses the document's text (replace).
    with database_fails_on("section.create"), pytest.raises(DatabaseError, match="injected fault"):
        guide_import(document=parse_guide_document(text), slug=guide.slug, user=editor, replace=True)
    assert written() == before

    report = guide_import(document=parse_guide_document(text), slug=guide.slug, user=editor, replace=True)
    assert report.sections_added == ["storage"] and report.sections_changed == ["dosing", "warnings"]


def test_a_database_error_in_the_middle_of_a_translation_import_leaves_nothing(approved_workflow):
    wf = approved_workflow
    data, filename = translation_export(guide=wf.guide, language="es", fmt="po", user=wf.translator_es)
    data = data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    before = written()
    with database_fails_on("translation.import"), pytest.raises(DatabaseError, match="injected fault"):
        translation_import(document=read_exchange_file(data, filename), user=wf.translator_es, filename=filename)
    assert written() == before

    report = translation_import(document=read_exchange_file(data, filename), user=wf.translator_es, filename=filename)
    assert report.applied and Section.objects.get(key="dosing").body_es == "Tome 5 mg con agua."


@contextlib.contextmanager
def disk_full_after(writes: int, under: pathlib.Path):
    """Files opened for writing under `under` fail with ENOSPC after `writes` of them succeeded,
    whatever writes them (open(), io.open(), pathlib): the write path of an export."""
    done = {"n": 0}
    real_open = io.open

    def failing_open(file, mode="r", *args, **kwargs):
        if (isinstance(file, (str, bytes, os.PathLike)) and any(flag in mode for flag in "wxa+")
                and os.path.realpath(os.fsdecode(file)).startswith(str(under.resolve()))):
            done["n"] += 1
            if done["n"] > writes:
                raise OSError(errno.ENOSPC, "No space left on device", os.fsdecode(file))
        return real_open(file, mode, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(io, "open", failing_open)
        patch.setattr(builtins, "open", failing_open)
        yield


def tree(root: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".lock" not in p.name}


def staging_left(root: pathlib.Path) -> list[str]:
    """Releases an export began beside the live one and did not finish (never sealed with a manifest)."""
    live = {(root / name).resolve() for name in ("site", "handouts") if (root / name).exists()}
    return [p.name for p in root.iterdir()
            if p.is_dir() and p.name.startswith(".") and p.resolve() not in live and not (p / "manifest.json").exists()]


@pytest.mark.parametrize("writes", [0, 3])
def test_a_full_disk_during_a_publication_publishes_nothing_and_the_next_one_works(approved_workflow, export_dir, writes):
    wf = approved_workflow
    wf.publish(Version.objects.get(language="en"), channels=("site",))
    spanish = wf.approve("es")
    files_before, rows_before = tree(export_dir), Publication.objects.count()

    with disk_full_after(writes, export_dir), pytest.raises(OSError) as raised:
        wf.publish(spanish, channels=("site",))

    assert raised.value.errno == errno.ENOSPC
    assert Publication.objects.count() == rows_before and not Publication.objects.filter(version=spanish).exists()
    assert tree(export_dir) == files_before  # the live output whole
    assert staging_left(export_dir) == []
    assert verify_integrity()[0] == 0

    wf.publish(spanish, channels=("site",))
    assert (export_dir / "site" / "es" / "baclofen.json").exists()
    assert verify_integrity()[0] == 0


def test_a_full_disk_during_export_channels_keeps_the_previous_output_and_the_next_run_recovers(approved_workflow, export_dir):
    wf = approved_workflow
    wf.publish(Version.objects.get(language="en"), channels=("site",))
    wf.publish(wf.approve("es"), channels=("site",))
    (export_dir / "site" / "es" / "baclofen.json").unlink()  # damage to repair: the export must write
    before = tree(export_dir)

    err = StringIO()
    with disk_full_after(0, export_dir), pytest.raises(CommandError, match="Export failed, previous output kept: .*No space left"):
        call_command("export_channels", "--channel", "site", stdout=StringIO(), stderr=err)
    assert tree(export_dir) == before
    assert staging_left(export_dir) == []

    call_command("export_channels", "--channel", "site", stdout=StringIO())
    assert (export_dir / "site" / "es" / "baclofen.json").exists()
    assert verify_integrity()[0] == 0


def test_a_full_disk_while_writing_the_checkpoint_leaves_no_part_of_it_and_the_next_run_writes_it(approved_workflow, export_dir, monkeypatch):
    from guide_cms.publishing import checkpoints

    wf = approved_workflow
    wf.publish(Version.objects.get(language="en"), channels=("site",))
    latest = (export_dir / "checkpoints" / "latest.json").read_bytes()

    real_fsync, folder = os.fsync, str(export_dir / "checkpoints")

    def full(fd):  # the disk fills up as the checkpoint is written, after the release is on disk
        if os.readlink(f"/proc/self/fd/{fd}").startswith(folder):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints.os, "fsync", full)
        result = wf.publish(wf.approve("es"), channels=("site",))
    assert "No space left on device" in result.checkpoint.problems[0]
    assert Publication.objects.filter(language="es", is_live=True).exists()  # the publication itself stands
    assert (export_dir / "checkpoints" / "latest.json").read_bytes() == latest
    assert sorted(p.name for p in (export_dir / "checkpoints").iterdir() if p.name.startswith(".0") or p.name.startswith(".latest"))  == []
    code, output = verify_integrity()
    assert code == 0, output  # the export recorded its manifest in the audit trail

    call_command("checkpoint", stdout=StringIO())
    assert (export_dir / "checkpoints" / "latest.json").read_bytes() != latest
    assert verify_integrity()[0] == 0
