"""On PostgreSQL, audit events, versions, signatures and publications are append-only in the database
itself: the application's own role cannot change or delete them by SQL, with the narrow exceptions
the workflow needs (a version's status moves once from in review; a publication is retired or withdrawn)."""
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Version
from guide_cms.publishing.models import Publication
from guide_cms.review.models import Signature
from guide_cms.review.services import version_submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="triggers are PostgreSQL's (make test runs this suite on it too)"),
    pytest.mark.django_db,
]


def refused(statement, params=()):
    with pytest.raises(IntegrityError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(raised.value)


@pytest.fixture
def history(approved_workflow):
    wf = approved_workflow
    wf.publish(wf.approve("es"), channels=("site",))
    return wf


def test_audit_events_cannot_be_updated_or_deleted_even_by_the_applications_role(history):
    event = AuditEvent.objects.order_by("id").first()
    assert "append-only" in refused("UPDATE core_auditevent SET actor_label = 'someone' WHERE id = %s", [event.pk])
    assert "append-only" in refused("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert "append-only" in refused("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk, actor_label=event.actor_label).exists()


def test_signatures_cannot_be_updated_or_deleted(history):
    signature = Signature.objects.first()
    assert "append-only" in refused("UPDATE review_signature SET printed_name = 'Dr Other' WHERE id = %s", [signature.pk])
    assert "append-only" in refused("DELETE FROM review_signature WHERE id = %s", [signature.pk])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE guides_version SET snapshot = '{}'::jsonb WHERE id = %s",
        "UPDATE guides_version SET approvals_required = 1, content_hash = 'x' WHERE id = %s",
        "UPDATE guides_version SET contributor_ids = '[]'::jsonb WHERE id = %s",
        "UPDATE guides_version SET status = 'in_review' WHERE id = %s",  # a decided status never moves again
        "UPDATE guides_version SET decided_at = now() WHERE id = %s",
        "DELETE FROM guides_version WHERE id = %s",
    ],
)
def test_a_decided_version_is_frozen(history, statement):
    version = Version.objects.get(language="en")
    refused(statement, [version.pk])
    version.refresh_from_db()
    assert version.status == "approved"


def test_a_version_in_review_becomes_approved_only_with_the_approvals_it_needs(history):
    history.edit("dosing", "en", "Take 5 mg at night.")
    version = version_submit(guide=history.guide, language="en", user=history.editor, change_class="clinical")
    message = refused("UPDATE guides_version SET status = 'approved' WHERE id = %s", [version.pk])
    assert "needs 1 approving signatures, it has 0" in message
    # The workflow's own moves still work: a newer submission supersedes it.
    history.edit("dosing", "en", "Take 5 mg at bedtime.")
    version_submit(guide=history.guide, language="en", user=history.editor, change_class="clinical")
    version.refresh_from_db()
    assert version.status == "superseded"


def test_publications_are_only_retired_or_withdrawn(history):
    live = Publication.objects.get(language="es", is_live=True)
    refused("DELETE FROM publishing_publication WHERE id = %s", [live.pk])
    refused("UPDATE publishing_publication SET version_id = %s WHERE id = %s", [Version.objects.get(language="en").pk, live.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE publishing_publication SET withdrawn_at = %s WHERE id = %s", [timezone.now(), live.pk])
    refused("UPDATE publishing_publication SET withdrawn_at = NULL WHERE id = %s", [live.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE publishing_publication SET is_live = false WHERE id = %s", [live.pk])
    refused("UPDATE publishing_publication SET is_live = true WHERE id = %s", [live.pk])
