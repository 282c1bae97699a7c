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


def _save_at_once(editor, section, base, edits):
    """Each of edits ({unit: value}) saved by its own thread from the same base, released together: [(outcome, edit)]."""
    from guide_cms.guides.edits import EditConflict, edit_guide
    from guide_cms.guides.models import Guide

    outcomes, start = [], threading.Barrier(len(edits))

    def save(values):
        try:
            guide = Guide.objects.get(pk=section.guide_id)
            start.wait(timeout=10)
            edit_guide(guide=guide, user=editor, sections={section.key: (base, values)})
            outcomes.append(("saved", values))
        except EditConflict:
            outcomes.append(("refused", values))
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes.append((repr(exc), values))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(values,)) for values in edits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_edits_of_the_same_text_never_lose_one_silently(editor):
    from guide_cms.guides.edits import section_base
    from guide_cms.guides.models import Section
    from tests.factories import SectionFactory

    section = SectionFactory(title_en="Dosing", body_en="Take 5 mg.")
    base = section_base(section)
    outcomes = _save_at_once(editor, section, base, [{"title_en": "Dosing", "body_en": f"Take {n} mg."} for n in (6, 7)])
    assert sorted(o for o, _values in outcomes) == ["refused", "saved"]
    saved = next(values for o, values in outcomes if o == "saved")
    assert Section.objects.get(pk=section.pk).body_en == saved["body_en"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_edits_of_different_units_are_both_saved(editor):
    from guide_cms.guides.edits import section_base
    from guide_cms.guides.models import Section
    from tests.factories import SectionFactory

    section = SectionFactory(title_en="Dosing", body_en="Take 5 mg.")
    base = section_base(section)
    outcomes = _save_at_once(editor, section, base, [{"title_en": "Dose", "body_en": "Take 5 mg."},
                                                     {"title_en": "Dosing", "body_en": "Take 10 mg."}])
    assert [o for o, _values in outcomes] == ["saved", "saved"]
    stored = Section.objects.get(pk=section.pk)
    assert (stored.title_en, stored.body_en) == ("Dose", "Take 10 mg.")
