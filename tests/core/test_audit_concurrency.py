"""Concurrent writers on PostgreSQL: the audit chain stays one line and verifies."""
import threading

import pytest
from django.db import connection, connections

from guide_cms.core.audit import audit_append, verify_chain

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test runs this suite on it too)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_keep_one_chain():
    errors = []

    def writer(n):
        try:
            for i in range(15):
                audit_append(actor=None, action="test.concurrent", data={"writer": n, "i": i})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, problems = verify_chain()
    assert (checked, problems) == (60, [])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_edits_of_the_same_text_never_lose_one_silently(editor):
    from guide_cms.guides.models import Section
    from guide_cms.guides.services import ConcurrentEdit, section_draft_fingerprint, section_update_drafts
    from tests.factories import SectionFactory

    section = SectionFactory(body_en="Take 5 mg.")
    fingerprint = section_draft_fingerprint(section, editor)
    outcomes = []

    def save(text):
        try:
            section_update_drafts(section=Section.objects.get(pk=section.pk), user=editor, values={"body_en": text}, expected_fingerprint=fingerprint)
            outcomes.append(("saved", text))
        except ConcurrentEdit:
            outcomes.append(("refused", text))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(f"Take {n} mg.",)) for n in (6, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o for o, _t in outcomes) == ["refused", "saved"]
    saved = next(t for o, t in outcomes if o == "saved")
    assert Section.objects.get(pk=section.pk).body_en == saved
