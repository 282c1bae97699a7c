"""The facts that decide what patients see, edited by SQL: reported by verify_integrity, refused by exports,
signing and submission. Each is re-derived from the keyed audit trail, which SQL cannot forge."""
import json

import pytest
from django.utils import timezone

from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide, Version
from guide_cms.guides.services import guide_update_settings
from guide_cms.publishing.entries import ExportRefused
from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import PublishRefused, export_channels, publish_version
from guide_cms.review.models import Signature
from guide_cms.review.services import SignatureRefused, SubmissionRefused, version_sign, version_submit
from tests.factories import PASSWORD
from tests.tamper import sql, verify_integrity

pytestmark = pytest.mark.django_db


@pytest.fixture
def safety_critical(guide, editor):
    guide_update_settings(guide=guide, user=editor, safety_critical=True)
    return guide


def test_a_one_signature_safety_critical_version_marked_approved_and_published_by_sql_is_reported_and_refused(
    safety_critical, editor, second_reviewer, workflow, export_dir
):
    """The issue's example: one approval of two, then `status = approved` and a publication inserted."""
    version = version_submit(guide=safety_critical, language="en", user=editor)
    version_sign(version=version, signer=second_reviewer, password=PASSWORD, decision="approve")
    version.refresh_from_db()
    assert (version.status, version.approvals_required) == ("in_review", 2)

    sql("UPDATE guides_version SET status = 'approved', decided_at = %s WHERE id = %s", [timezone.now(), version.pk])
    sql(
        "INSERT INTO publishing_publication (guide_id, language, channel, version_id, published_by_id, published_at, is_live) "
        "VALUES (%s, 'en', 'site', %s, NULL, %s, %s)",
        [safety_critical.pk, version.pk, timezone.now(), True],
    )

    code, output = verify_integrity()
    assert code == 1
    assert f"(id {version.pk}): its status is 'approved', but the sealed audit trail says 'in_review'" in output
    assert "approved with 1 approving signature(s), but it needs 2" in output
    assert "is live, but no sealed publication in the audit trail made it so" in output
    with pytest.raises(ExportRefused, match="differ from the audit trail"):
        export_channels(channels=["site"])
    assert not (export_dir / "site").exists()


def test_lowering_the_approvals_a_version_needs_is_reported_and_the_one_approval_never_approves_it(
    safety_critical, editor, second_reviewer, workflow
):
    version = version_submit(guide=safety_critical, language="en", user=editor)
    sql("UPDATE guides_version SET approvals_required = 1 WHERE id = %s", [version.pk])

    with pytest.raises(SignatureRefused, match="differs from its audit trail"):
        version_sign(version=version, signer=second_reviewer, password=PASSWORD, decision="approve")
    code, output = verify_integrity()
    assert code == 1 and "its approvals required is 1, but the sealed audit trail says 2" in output


def test_a_deleted_request_for_changes_is_reported(guide, editor, reviewer, second_reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    refusal = version_sign(version=version, signer=reviewer, password=PASSWORD, decision="request_changes", comment="Wrong dose.")
    sql("DELETE FROM review_signature WHERE id = %s", [refusal.pk])
    sql("UPDATE guides_version SET status = 'in_review', decided_at = NULL WHERE id = %s", [version.pk])

    code, output = verify_integrity()
    assert code == 1
    assert f"signature {refusal.pk} (request_changes) is in the audit trail but was deleted" in output
    assert "its status is 'in_review', but the sealed audit trail says 'changes_requested'" in output
    with pytest.raises(SignatureRefused, match="differs from its audit trail"):
        version_sign(version=version, signer=second_reviewer, password=PASSWORD, decision="approve")


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("author_id", None, "its author is None"),
        ("contributor_ids", "[]", "its contributors is []"),
    ],
)
def test_a_version_whose_author_or_contributors_were_edited_cannot_be_signed_by_them(guide, editor, column, value, message):
    from tests.review.workflow_helpers import also_in_role

    also_in_role(editor, Role.REVIEWER, ("en",))
    version = version_submit(guide=guide, language="en", user=editor)
    sql(f"UPDATE guides_version SET {column} = %s WHERE id = %s", [value, version.pk])
    if column == "author_id":
        sql("UPDATE guides_version SET contributor_ids = '[]' WHERE id = %s", [version.pk])

    with pytest.raises(SignatureRefused):
        version_sign(version=version, signer=editor, password=PASSWORD, decision="approve")
    code, output = verify_integrity()
    assert code == 1 and message in output


def test_flipping_is_live_back_to_an_earlier_version_is_reported_and_refused(approved_workflow, export_dir):
    wf = approved_workflow
    first = Version.objects.get(language="en", number=1)
    wf.publish(first)
    wf.edit("dosing", "en", "Take 5 mg at night.")
    second = wf.approve("en", "clinical")
    wf.publish(second)
    sql("UPDATE publishing_publication SET is_live = %s WHERE version_id = %s", [False, second.pk])
    sql("UPDATE publishing_publication SET is_live = %s WHERE version_id = %s", [True, first.pk])

    code, output = verify_integrity()
    assert code == 1 and f"the audit trail says version id {second.pk} was published there last" in output
    with pytest.raises(ExportRefused):
        export_channels(channels=["site"])


def test_a_withdrawal_undone_by_sql_is_reported(approved_workflow):
    from guide_cms.guides.models import ChangeClass

    wf = approved_workflow
    wf.publish(wf.approve("es"))
    wf.edit("dosing", "en", "Take 2 mg at night.")
    wf.approve("en", ChangeClass.SAFETY)
    assert Publication.objects.get(language="es", is_live=True).withdrawn_at is not None
    sql("UPDATE publishing_publication SET withdrawn_at = NULL WHERE language = 'es'")

    code, output = verify_integrity()
    assert code == 1 and "the audit trail says it is withdrawn" in output


def test_the_safety_flag_switched_off_by_sql_is_reported_and_blocks_submission(safety_critical, editor):
    Guide.objects.filter(pk=safety_critical.pk).update(safety_critical=False)

    code, output = verify_integrity()
    assert code == 1 and "its safety critical is False, but the sealed audit trail says True" in output
    with pytest.raises(SubmissionRefused, match="settings differ from its audit trail"):
        version_submit(guide=safety_critical, language="en", user=editor)
    assert not Version.objects.exists()


def test_publishing_refuses_a_version_approved_by_sql(guide, editor, workflow):
    version = version_submit(guide=guide, language="en", user=editor)
    sql("UPDATE guides_version SET status = 'approved' WHERE id = %s", [version.pk])
    with pytest.raises(PublishRefused, match="differs from the audit trail"):
        publish_version(version=version, user=workflow.publisher, channels=["site"])
    assert not Publication.objects.exists()


def test_an_inserted_signature_is_reported(guide, editor, reviewer, second_reviewer):
    version = version_submit(guide=guide, language="en", user=editor)
    signature = version_sign(version=version, signer=reviewer, password=PASSWORD, decision="request_changes", comment="No.")
    columns = "version_id, signer_id, printed_name, credentials, signed_at, meaning, meaning_text, decision, comment, content_hash, seal"
    sql(
        f"INSERT INTO review_signature ({columns}) SELECT version_id, %s, printed_name, credentials, signed_at, meaning, meaning_text, "
        f"decision, comment, content_hash, seal FROM review_signature WHERE id = %s",
        [second_reviewer.pk, signature.pk],
    )
    code, output = verify_integrity()
    assert code == 1 and "is not in the audit trail (inserted behind the application's back)" in output
    assert Signature.objects.count() == 2


def test_untouched_history_verifies_with_every_fact_sealed(approved_workflow):
    wf = approved_workflow
    wf.publish(wf.approve("es"), channels=("site",))
    code, output = verify_integrity()
    assert code == 0, output


def test_a_version_inserted_by_sql_with_its_hash_recomputed_and_made_live_is_reported_and_never_exported(approved_workflow, export_dir):
    """Text no reviewer saw, with a content hash that matches it and a publication pointing at it."""
    from guide_cms.guides.snapshots import content_hash

    wf = approved_workflow
    signed = Version.objects.get(language="en")
    wf.publish(signed, channels=("site",))
    snapshot = signed.snapshot
    snapshot["sections"][0]["body"] = "Take 50 mg."
    fields = [f.column for f in Version._meta.concrete_fields if f.column != "id"]
    forged = {"number": "%s", "snapshot": "%s", "content_hash": "%s", "status": "'approved'"}
    sql(
        f"INSERT INTO guides_version ({', '.join(fields)}) SELECT {', '.join(forged.get(c, c) for c in fields)} FROM guides_version WHERE id = %s",
        [signed.number + 1, json.dumps(snapshot), content_hash(snapshot), signed.pk],
    )
    inserted = Version.objects.get(language="en", number=signed.number + 1)
    assert content_hash(inserted.snapshot) == inserted.content_hash  # its hash checks out
    sql("UPDATE publishing_publication SET is_live = %s WHERE version_id = %s", [False, signed.pk])
    sql(
        "INSERT INTO publishing_publication (guide_id, language, channel, version_id, published_by_id, published_at, is_live) "
        "VALUES (%s, 'en', 'site', %s, %s, %s, %s)",
        [wf.guide.pk, inserted.pk, wf.publisher.pk, timezone.now(), True],
    )

    code, output = verify_integrity()
    assert code == 1
    assert f"(id {inserted.pk}): no sealed submission in the audit trail records it" in output
    assert f"is live, but the audit trail says version id {signed.pk} was published there last" in output
    before = (export_dir / "site" / "en" / "baclofen.json").read_bytes()
    with pytest.raises(ExportRefused, match="differ from the audit trail"):
        export_channels(channels=["site"])
    assert (export_dir / "site" / "en" / "baclofen.json").read_bytes() == before
