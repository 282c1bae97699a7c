"""edit_guide: the merge of one save of a guide and its sections, for callers other than the admin."""
import pytest

from guide_cms.core.models import AuditEvent
from guide_cms.guides.edits import BaseRevisionError, EditConflict, edit_guide, guide_base, section_base
from guide_cms.guides.models import Guide, Section
from tests.factories import GuideFactory, SectionFactory

GUIDE_UNITS = ["slug", "safety_critical", "review_interval_months", "title_en", "summary_en"]
SECTION_UNITS = ["position", "title_en", "body_en"]


@pytest.fixture
def page(guide):
    """What an editor's page loaded: the guide's and each section's base, and the values as shown."""
    sections = {s.key: s for s in guide.sections.all()}
    return {
        "base": guide_base(guide, GUIDE_UNITS),
        "values": {unit: getattr(guide, unit) for unit in GUIDE_UNITS},
        "sections": {key: (section_base(s), {u: getattr(s, u) for u in SECTION_UNITS}) for key, s in sections.items()},
    }


def save(guide, user, page, values=None, **sections):
    """edit_guide with the page's values, some changed: values={unit: value}, sections: key={unit: value}."""
    return edit_guide(
        guide=guide, user=user, base=page["base"], values={**page["values"], **(values or {})},
        sections={key: (token, {**shown, **sections.get(key, {})}) for key, (token, shown) in page["sections"].items()},
    )


def stored(guide):
    """Everything edit_guide could write, as stored now."""
    row = Guide.objects.get(pk=guide.pk)
    return (
        {unit: getattr(row, unit) for unit in [*GUIDE_UNITS, "title_es", "summary_es"]},
        {s.key: {u: getattr(s, u) for u in [*SECTION_UNITS, "title_es", "body_es"]} for s in Section.objects.filter(guide=guide)},
    )


def events():
    return AuditEvent.objects.count()


def test_edits_of_different_units_from_one_base_are_both_written(editor, guide, page):
    first = save(guide, editor, page, {"safety_critical": True}, dosing={"body_en": "Take 10 mg."})
    second = save(guide, editor, page, {"summary_en": "Take it with food."}, dosing={"title_en": "Dose"}, warnings={"position": 5})
    assert (sorted(first), sorted(second)) == (["dosing.body_en", "safety_critical"], ["dosing.title_en", "summary_en", "warnings.position"])
    guide_values, sections = stored(guide)
    assert (guide_values["safety_critical"], guide_values["summary_en"]) == (True, "Take it with food.")
    assert (guide_values["title_en"], guide_values["slug"]) == ("Baclofen", "baclofen")
    assert sections["dosing"] | {"position": 1} == sections["dosing"]
    assert (sections["dosing"]["title_en"], sections["dosing"]["body_en"]) == ("Dose", "Take 10 mg.")
    assert sections["warnings"] == {"position": 5, "title_en": "Warnings", "body_en": "> [!WARNING]\n> Do not drive.", "title_es": None,
                                    "body_es": ""}


def test_a_translator_and_an_editor_from_one_load_are_both_written(editor, translator_es, guide, page):
    es_base = guide_base(guide, ["title_es", "summary_es"])
    save(guide, editor, page, dosing={"title_en": "Dose"})
    written = edit_guide(guide=guide, user=translator_es, base=es_base, values={"title_es": "Baclofeno", "summary_es": "Tómelo con comida."})
    assert written == ["summary_es"]
    guide_values, sections = stored(guide)
    assert (guide_values["summary_es"], sections["dosing"]["title_en"]) == ("Tómelo con comida.", "Dose")


def test_a_save_that_changes_nothing_writes_nothing(editor, guide, page):
    before, count = stored(guide), events()
    assert save(guide, editor, page) == []
    assert (stored(guide), events()) == (before, count)


def test_same_unit_changed_by_both_raises_and_writes_nothing(editor, guide, page):
    save(guide, editor, page, {"title_en": "Baclofen tablets"})
    before, count = stored(guide), events()
    with pytest.raises(EditConflict) as refused:
        save(guide, editor, page, {"title_en": "Baclofen (oral)", "review_interval_months": 6, "summary_en": "Take it with food."},
             dosing={"body_en": "Take 10 mg."})
    assert [(c.unit, c.label, c.mine, c.theirs) for c in refused.value.conflicts] == [
        ("title_en", "guide title (English)", "Baclofen (oral)", "Baclofen tablets")]
    assert "Someone else saved guide title (English) after you opened this" in str(refused.value)
    assert (stored(guide), events()) == (before, count)


def test_conflict_in_one_section_writes_nothing_of_another_section_or_the_guide(editor, guide, page):
    save(guide, editor, page, dosing={"body_en": "Take 10 mg."})
    before, count = stored(guide), events()
    with pytest.raises(EditConflict) as refused:
        save(guide, editor, page, {"summary_en": "Take it with food."}, dosing={"body_en": "Take 5 mg twice a day."},
             warnings={"body_en": "> [!WARNING]\n> Do not drink alcohol.", "position": 7})
    assert [c.label for c in refused.value.conflicts] == ["section 'dosing', text (English)"]
    assert (stored(guide), events()) == (before, count)


def test_every_conflicting_unit_is_named(editor, translator_es, guide):
    es_base = guide_base(guide, ["summary_es"])
    dosing_base = section_base(guide.sections.get(key="dosing"))
    edit_guide(guide=guide, user=translator_es, base=es_base, values={"summary_es": "Tómelo con comida."},
               sections={"dosing": (dosing_base, {"body_es": "Tome 10 mg."})})
    with pytest.raises(EditConflict) as refused:
        edit_guide(guide=guide, user=translator_es, base=es_base, values={"summary_es": "Tómelo después de comer."},
                   sections={"dosing": (dosing_base, {"body_es": "Tome 5 mg dos veces al día."})})
    assert "guide summary (Spanish), section 'dosing', text (Spanish)" in str(refused.value)
    assert stored(guide)[0]["summary_es"] == "Tómelo con comida."


def _other_guide_base(guide):
    return guide_base(GuideFactory(), GUIDE_UNITS)


def _other_section_base(guide):
    return section_base(SectionFactory(key="dosing"))


BAD = {
    "guide base missing": ("base", lambda guide: None, "does not say which revision"),
    "guide base garbage": ("base", lambda guide: "garbage", "damaged or was altered"),
    "guide base altered": ("base", lambda guide: guide_base(guide, GUIDE_UNITS)[:-3] + "abc", "damaged or was altered"),
    "guide base of another guide": ("base", _other_guide_base, "made for another guide"),
    "guide base without a unit": ("base", lambda guide: guide_base(guide, ["slug"]), "does not say which revision of"),
    "section base missing": ("dosing", lambda guide: None, "does not say which revision"),
    "section base of the other section": ("dosing", lambda guide: section_base(guide.sections.get(key="warnings")),
                                          "made for another guide"),
    "section base of another guide's section": ("dosing", _other_section_base, "made for another guide"),
    "section that does not exist": ("gone", lambda guide: section_base(guide.sections.get(key="dosing")),
                                    "Section 'gone' no longer exists"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_base_raises_and_writes_nothing(editor, guide, page, case):
    where, token, message = BAD[case]
    if where == "base":
        page["base"] = token(guide)
    else:
        page["sections"][where] = (token(guide), page["sections"].get(where, (None, {}))[1])
    before, count = stored(guide), events()
    with pytest.raises(BaseRevisionError, match=message):
        save(guide, editor, page, {"title_en": "Baclofen tablets"}, dosing={"body_en": "Take 10 mg."}, warnings={"title_en": "Cautions"})
    assert (stored(guide), events()) == (before, count)
