"""Any interleaving of two translators' saves (sentence editor) and imports (XLIFF, PO) never leaves a sentence
at a value older than the last save that was not refused, and refuses exactly the saves that overlap."""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.guides.models import Guide, Section
from guide_cms.localization.drafts import translation_draft
from guide_cms.localization.exchange import read_exchange_file, write_po, write_xliff
from guide_cms.localization.inline import from_tagged
from guide_cms.localization.merging import segment_value
from guide_cms.localization.services import (
    SegmentsConflict, segment_editor_page, segments_edit, translation_document, translation_import,
)

BODY_EN = "Take *5 mg* at night. Read [the leaflet](https://example.org/leaflet) first. Do not drive afterwards."
BODY_ES = "Tome *5 mg* por la noche. Lea [el prospecto](https://example.org/leaflet) antes. No conduzca después."
# Each sentence's versions keep its placeholders (the editor refuses a lost one).
UNITS = {
    "dosing.body.1.1": "Tome <1>5 mg</1> por la noche, versión {n}.",
    "dosing.body.1.2": "Lea <2>el prospecto</2> antes, versión {n}.",
    "dosing.body.1.3": "No conduzca después, versión {n}.",
    "guide.title.1.1": "Baclofeno, versión {n}",
}

sessions = st.integers(0, 1)
opens = st.tuples(st.just("open"), sessions, st.sampled_from(["editor", "xliff", "po"]))
saves = st.tuples(st.just("save"), sessions, st.dictionaries(st.sampled_from(sorted(UNITS)), st.integers(1, 3), min_size=1))
programs = st.lists(st.one_of(opens, saves), min_size=2, max_size=10)


def stored(guide) -> dict[str, str]:
    draft = translation_draft(Guide.objects.get(pk=guide.pk), "es")  # the rows, not a copy a rolled-back save refreshed
    return {uid: segment_value(draft.item(uid).target) for uid in UNITS}


class Session:
    """One translator's open page or exported file, and what it showed."""

    def __init__(self, guide, user, entry):
        guide = Guide.objects.get(pk=guide.pk)
        self.guide, self.user, self.entry = guide, user, entry
        self.shown = stored(guide)
        if entry == "editor":
            self.page = segment_editor_page(guide=guide, language="es", user=user)
        else:
            self.document = translation_document(guide=guide, language="es", user=user)

    def save(self, values: dict[str, str]) -> str:
        """'saved', 'refused' (the editor's one outcome) or 'merged' (a file: overlapping sentences left out)."""
        if self.entry == "editor":
            boxes = {row.item.id: row.value for row in self.page.rows}
            try:
                segments_edit(guide=self.guide, language="es", user=self.user, values={**boxes, **values}, base=self.page.base)
            except SegmentsConflict:
                return "refused"
            return "saved"
        import dataclasses

        units = tuple(dataclasses.replace(u, target=from_tagged(values[u.id], po=True)) if u.id in values else u
                      for u in self.document.units)
        write, name = (write_xliff, "f.xlf") if self.entry == "xliff" else (write_po, "f.po")
        data = write(dataclasses.replace(self.document, units=units))
        report = translation_import(document=read_exchange_file(data, name), user=self.user, filename=name)
        return "merged" if report.conflicts else "saved"


@pytest.fixture
def guide(workflow):
    Section.objects.filter(key="dosing").update(body_en=BODY_EN, body_es=BODY_ES)
    workflow.approve("en")
    return workflow


def test_a_page_opened_before_anothers_save_of_the_title_is_refused_not_saved_over_it(guide):
    """Found by the property below: the guide's title lives on the guide's row, and a save merged it against the
    page's copy of that row, read before the other translator's save, so it wrote over their title."""
    wf = guide
    first, second = Session(wf.guide, wf.translator_es, "editor"), Session(wf.guide, wf.translator_es, "editor")
    assert first.save({"guide.title.1.1": UNITS["guide.title.1.1"].format(n=2)}) == "saved"
    mine = {"dosing.body.1.1": UNITS["dosing.body.1.1"].format(n=1), "guide.title.1.1": UNITS["guide.title.1.1"].format(n=1)}
    assert second.save(mine) == "refused"
    assert stored(wf.guide)["guide.title.1.1"] == "Baclofeno, versión 2"


def test_a_file_exported_before_anothers_save_of_the_title_leaves_their_title(guide):
    wf = guide
    for entry in ("xliff", "po"):
        first, second = Session(wf.guide, wf.translator_es, "editor"), Session(wf.guide, wf.translator_es, entry)
        kept = UNITS["guide.title.1.1"].format(n=f"{entry} 2")
        assert first.save({"guide.title.1.1": kept}) == "saved"
        assert second.save({"guide.title.1.1": UNITS["guide.title.1.1"].format(n=f"{entry} 1")}) == "merged"
        assert stored(wf.guide)["guide.title.1.1"] == kept


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=programs)
def test_no_interleaving_loses_a_save_or_refuses_one_that_did_not_overlap(guide, program):
    wf = guide
    with transaction.atomic():
        expected = stored(wf.guide)  # the model: each sentence's last value written by a save that was not refused
        open_sessions: dict[int, Session] = {}
        for step in program:
            if step[0] == "open":
                _op, who, entry = step
                open_sessions[who] = Session(wf.guide, wf.translator_es, entry)
                continue
            _op, who, changes = step
            session = open_sessions.pop(who, None)  # a page is saved once, then opened again
            if session is None:
                continue
            now = stored(wf.guide)
            mine = {uid: UNITS[uid].format(n=n) for uid, n in changes.items()}
            mine = {uid: value for uid, value in mine.items() if value != session.shown[uid]}  # a box left as shown
            overlapping = {uid for uid, value in mine.items() if now[uid] != session.shown[uid] and now[uid] != value}
            outcome = session.save(mine)
            if session.entry == "editor":
                assert outcome == ("refused" if overlapping else "saved"), (program, step)
                if not overlapping:
                    expected.update(mine)
            else:
                assert outcome == ("merged" if overlapping else "saved"), (program, step)
                expected.update({uid: value for uid, value in mine.items() if uid not in overlapping})
            assert stored(wf.guide) == expected, (program, step)
        transaction.set_rollback(True)
