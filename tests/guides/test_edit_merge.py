"""Two tabs on one guide's change page: a stale save keeps every unit it did not change, and a unit
both tabs changed is refused whole, showing the other value, until the user saves again deliberately.

Each tab is its own client that loaded the page before either saved (guides.edits, core.merge).
"""
import html
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guide_cms.core.models import AuditEvent
from guide_cms.guides.edits import guide_base, section_base
from guide_cms.guides.models import Guide, Section
from tests.factories import GuideFactory, SectionFactory

from .admin_forms import post_data_from
from .test_admin_languages import change_url, open_change_page


@dataclass(frozen=True)
class Unit:
    """One editable unit of the change page: who may edit it, its box, what each tab saves, how a conflict names it."""

    id: str
    role: str  # the fixture of the user who edits it
    key: str  # the box's name in the POST
    owner: str  # "guide" or the section's key
    column: str
    a: object  # tab A's value
    b: object  # tab B's value
    label: str = ""

    def read(self, guide):
        row = Guide.objects.get(pk=guide.pk) if self.owner == "guide" else Section.objects.get(guide=guide, key=self.owner)
        return getattr(row, self.column)

    def put(self, data, value):
        if value is True:
            data[self.key] = "on"
        elif value is False:
            data.pop(self.key, None)
        else:
            data[self.key] = str(value)


WARNING = "> [!WARNING]\n> "
UNITS = [
    Unit("slug", "editor", "slug", "guide", "slug", "baclofen-oral", "baclofen-tablets", "the slug"),
    # Two-valued: two tabs that both change it from what they loaded make the same change, never a conflict.
    Unit("safety_critical", "editor", "safety_critical", "guide", "safety_critical", True, True),
    Unit("review_interval", "editor", "review_interval_months", "guide", "review_interval_months", 6, 24, "the review interval (months)"),
    Unit("title_en", "editor", "title_en", "guide", "title_en", "Baclofen tablets", "Baclofen (oral)", "guide title (English)"),
    Unit("summary_en", "editor", "summary_en", "guide", "summary_en", "Take it with food.", "Take it after meals.", "guide summary (English)"),
    Unit("summary_es", "translator_es", "summary_es", "guide", "summary_es", "Tómelo con comida.", "Tómelo después de comer.",
         "guide summary (Spanish)"),
    Unit("title_es", "translator_es", "title_es", "guide", "title_es", "Baclofeno oral", "Baclofeno en comprimidos", "guide title (Spanish)"),
    Unit("dosing.position", "editor", "sections-0-position", "dosing", "position", 3, 4, "section 'dosing', position"),
    Unit("dosing.title_en", "editor", "sections-0-title_en", "dosing", "title_en", "Dose", "How much to take", "section 'dosing', title (English)"),
    Unit("dosing.body_en", "editor", "sections-0-body_en", "dosing", "body_en", "Take 10 mg.", "Take 5 mg twice a day.",
         "section 'dosing', text (English)"),
    Unit("dosing.title_es", "translator_es", "sections-0-title_es", "dosing", "title_es", "Dosis diaria", "Cuánto tomar",
         "section 'dosing', title (Spanish)"),
    Unit("dosing.body_es", "translator_es", "sections-0-body_es", "dosing", "body_es", "Tome 10 mg.", "Tome 5 mg dos veces al día.",
         "section 'dosing', text (Spanish)"),
    Unit("warnings.body_en", "editor", "sections-1-body_en", "warnings", "body_en", WARNING + "Do not drink alcohol.",
         WARNING + "Do not drive at night.", "section 'warnings', text (English)"),
    Unit("warnings.body_es", "translator_es", "sections-1-body_es", "warnings", "body_es", WARNING + "No beba alcohol.",
         WARNING + "No conduzca de noche.", "section 'warnings', text (Spanish)"),
]
BY_ID = {unit.id: unit for unit in UNITS}
# What tab B changes besides the conflicting unit: a unit of the same form, one of another form, one of the other section.
PARTNERS = {
    "slug": ("safety_critical", "dosing.body_en", "warnings.body_en"),
    "review_interval": ("title_en", "dosing.position", "warnings.body_en"),
    "title_en": ("summary_en", "dosing.title_en", "warnings.body_en"),
    "summary_en": ("review_interval", "dosing.body_en", "warnings.body_en"),
    "summary_es": ("title_es", "dosing.body_es", "warnings.body_es"),
    "title_es": ("summary_es", "dosing.title_es", "warnings.body_es"),
    "dosing.position": ("dosing.body_en", "slug", "warnings.body_en"),
    "dosing.title_en": ("dosing.position", "summary_en", "warnings.body_en"),
    "dosing.body_en": ("dosing.title_en", "safety_critical", "warnings.body_en"),
    "dosing.title_es": ("dosing.body_es", "summary_es", "warnings.body_es"),
    "dosing.body_es": ("dosing.title_es", "title_es", "warnings.body_es"),
    "warnings.body_en": ("title_en", "dosing.body_en"),
    "warnings.body_es": ("summary_es", "dosing.body_es"),
}
CONFLICTING = [unit for unit in UNITS if unit.label]
# Each unit saved by tab A against the next and the seventh unit after it saved by stale tab B.
PAIRS = [(x, UNITS[(i + step) % len(UNITS)]) for step in (1, 7) for i, x in enumerate(UNITS)]


def open_tab(user, guide):
    """A tab: its own logged-in client and the POST its change page would send, unchanged."""
    tab = Client()
    tab.force_login(user)
    response = tab.get(change_url(guide))
    assert response.status_code == 200
    return tab, post_data_from(response)


def save(tab, guide, data):
    return tab.post(change_url(guide), data)


def last_event_id():
    return AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0


def audited_units(guide, since):
    """The (owner, column) of every audit event after event `since`, sorted; other events as (action, object id)."""
    keys = dict(Section.objects.filter(guide=guide).values_list("pk", "key"))
    found = []
    for event in AuditEvent.objects.filter(id__gt=since).order_by("id"):
        if event.action == "guide.settings":
            found += [("guide", name) for name in event.data]
        elif event.action == "draft.edit":
            owner = "guide" if event.object_type == "guides.guide" else keys[int(event.object_id)]
            found.append((owner, event.data["field"]))
        elif event.action == "section.move":
            found.append((event.data["key"], "position"))
        else:
            found.append((event.action, event.object_id))
    return sorted(found)


def in_box(response, unit):
    """What the page shows in unit's box: the text of its input or textarea, or whether its checkbox is ticked."""
    page = response.content.decode()
    name = re.escape(unit.key)
    textarea = re.search(rf'<textarea[^>]*\bname="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    if textarea:
        return html.unescape(textarea.group(1))
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)
    if 'type="checkbox"' in tag:
        return " checked" in tag
    return html.unescape(re.search(r'\bvalue="([^"]*)"', tag).group(1))


def shown(value):
    return value if isinstance(value, bool) else str(value)


@pytest.mark.parametrize(("x", "y"), PAIRS, ids=[f"{x.id}-then-{y.id}" for x, y in PAIRS])
def test_stale_tab_changing_another_unit_keeps_both(request, guide, x, y):
    before = {unit.id: unit.read(guide) for unit in UNITS}
    tab_a, data_a = open_tab(request.getfixturevalue(x.role), guide)
    tab_b, data_b = open_tab(request.getfixturevalue(y.role), guide)
    since = last_event_id()
    x.put(data_a, x.a)
    assert save(tab_a, guide, data_a).status_code == 302
    y.put(data_b, y.b)
    response = save(tab_b, guide, data_b)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert (x.read(guide), y.read(guide)) == (x.a, y.b)
    assert {u.id: u.read(guide) for u in UNITS if u not in (x, y)} == {u: v for u, v in before.items() if u not in (x.id, y.id)}
    assert audited_units(guide, since) == sorted([(x.owner, x.column), (y.owner, y.column)])


@pytest.mark.parametrize("unit", CONFLICTING, ids=[unit.id for unit in CONFLICTING])
def test_both_tabs_changing_one_unit_refuse_the_second_save_whole_until_saved_again(request, guide, unit):
    user = request.getfixturevalue(unit.role)
    partners = [BY_ID[p] for p in PARTNERS[unit.id]]
    before = {p.id: p.read(guide) for p in partners}
    before_unit = unit.read(guide)
    tab_a, data_a = open_tab(user, guide)
    tab_b, data_b = open_tab(user, guide)
    unit.put(data_a, unit.a)
    assert save(tab_a, guide, data_a).status_code == 302
    since = last_event_id()
    unit.put(data_b, unit.b)
    for partner in partners:
        partner.put(data_b, partner.b)

    refused = save(tab_b, guide, data_b)
    assert refused.status_code == 400
    page = html.unescape(refused.content.decode())
    assert f"Someone else saved {unit.label} after you opened this; your change there was not saved." in page
    if unit.column.startswith(("title_", "summary_", "body_")):  # a text: merged sentence by sentence, both changed them
        from guide_cms.core.merge import merge_text

        base = before_unit
        assert merge_text(base, unit.b, unit.a)[1], "the test's values change the same sentences"
        their_sentences = " … ".join(merge_text(base, unit.b, unit.a)[1])
        assert f'Their version of them:<div class="gc-theirs" dir="auto">{their_sentences}</div>' in page
    else:
        assert f'Someone else saved this after you opened the page. Their saved value:<div class="gc-theirs" dir="auto">{unit.a}</div>' in page
    assert unit.read(guide) == unit.a
    assert {p.id: p.read(guide) for p in partners} == before
    assert audited_units(guide, since) == []
    assert {u.id: in_box(refused, u) for u in [unit, *partners]} == {u.id: shown(u.b) for u in [unit, *partners]}

    again = save(tab_b, guide, post_data_from(refused))
    assert again.status_code == 302, again.context and again.context["errors"]
    assert {u.id: u.read(guide) for u in [unit, *partners]} == {u.id: u.b for u in [unit, *partners]}


def test_after_a_conflict_keeping_their_value_saves_only_the_rest(translator_es, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(translator_es, guide), open_tab(translator_es, guide)
    data_a["sections-0-body_es"] = "Tome 10 mg."
    assert save(tab_a, guide, data_a).status_code == 302
    data_b.update({"sections-0-body_es": "Tome 5 mg dos veces al día.", "summary_es": "Tómelo con comida."})
    refused = save(tab_b, guide, data_b)
    assert refused.status_code == 400
    since = last_event_id()
    data = post_data_from(refused)
    data["sections-0-body_es"] = "Tome 10 mg."
    assert save(tab_b, guide, data).status_code == 302
    assert (Section.objects.get(key="dosing").body_es, Guide.objects.get(pk=guide.pk).summary_es) == ("Tome 10 mg.", "Tómelo con comida.")
    assert audited_units(guide, since) == [("guide", "summary_es")]


def test_stale_tab_editing_a_section_someone_removed_is_refused_whole(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-1-DELETE"] = "on"
    assert save(tab_a, guide, data_a).status_code == 302
    data_b.update({"sections-1-body_en": WARNING + "Do not drink alcohol.", "title_en": "Baclofen tablets"})
    assert save(tab_b, guide, data_b).status_code == 400
    assert list(guide.sections.values_list("key", flat=True)) == ["dosing"]
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"


def test_both_tabs_ticking_safety_critical_is_one_change(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    since = last_event_id()
    data_a["safety_critical"] = data_b["safety_critical"] = "on"
    assert save(tab_a, guide, data_a).status_code == 302
    assert save(tab_b, guide, data_b).status_code == 302
    assert Guide.objects.get(pk=guide.pk).safety_critical is True
    assert audited_units(guide, since) == [("guide", "safety_critical")]


# The issue's own examples.


@pytest.mark.parametrize("flag", [True, False], ids=["A ticks", "A unticks"])
def test_stale_tab_saving_a_section_body_leaves_safety_critical_as_tab_a_set_it(editor, guide, flag):
    Guide.objects.filter(pk=guide.pk).update(safety_critical=not flag)
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    BY_ID["safety_critical"].put(data_a, flag)
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-body_en"] = "Take 10 mg at night."
    assert save(tab_b, guide, data_b).status_code == 302
    assert Guide.objects.get(pk=guide.pk).safety_critical is flag
    assert Section.objects.get(key="dosing").body_en == "Take 10 mg at night."


@pytest.mark.parametrize("translator_first", [True, False])
def test_translators_summary_and_editors_section_title_are_both_kept(editor, translator_es, guide, translator_first):
    translator, editor_tab = open_tab(translator_es, guide), open_tab(editor, guide)
    translator[1]["summary_es"] = "Tómelo con comida."
    editor_tab[1]["sections-0-title_en"] = "How much to take"
    for tab, data in [translator, editor_tab] if translator_first else [editor_tab, translator]:
        assert save(tab, guide, data).status_code == 302
    assert Guide.objects.get(pk=guide.pk).summary_es == "Tómelo con comida."
    assert Section.objects.get(key="dosing").title_en == "How much to take"


def test_stale_tab_changing_only_the_guide_title_after_a_section_was_saved(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-1-body_en"] = WARNING + "Do not drink alcohol."
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["title_en"] = "Baclofen tablets"
    assert save(tab_b, guide, data_b).status_code == 302
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen tablets"
    assert Section.objects.get(key="warnings").body_en == WARNING + "Do not drink alcohol."


def test_editing_section_one_while_someone_saved_section_two(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-1-title_en"] = "Cautions"
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-title_en"] = "Dose"
    assert save(tab_b, guide, data_b).status_code == 302
    assert list(Section.objects.filter(guide=guide).values_list("title_en", flat=True)) == ["Dose", "Cautions"]


# Bases that are missing, damaged or someone else's.

MISSING = "does not say which revision it was based on"
DAMAGED = "is damaged or was altered"
ELSEWHERE = "was made for another guide or language"


def _other_guide():
    other = GuideFactory(slug="diazepam")
    SectionFactory(guide=other, key="dosing")
    return other


BAD_BASES = {
    "guide base missing": ("base", lambda guide: None, MISSING),
    "guide base garbage": ("base", lambda guide: "not-a-token", DAMAGED),
    "guide base altered": ("base", lambda guide: guide_base(guide, ["title_en"])[:-2] + "xx", DAMAGED),
    "guide base of another guide": ("base", lambda guide: guide_base(_other_guide(), ["slug", "title_en", "summary_en"]), ELSEWHERE),
    "guide base without the units shown": ("base", lambda guide: guide_base(guide, ["title_es"]), "does not say which revision of"),
    "section base missing": ("sections-0-base", lambda guide: None, MISSING),
    "section base garbage": ("sections-0-base", lambda guide: "garbage", DAMAGED),
    "section base of the other section": ("sections-0-base",
                                          lambda guide: section_base(guide.sections.get(key="warnings")),
                                          ELSEWHERE),
    "section base of another guide's section": ("sections-0-base",
                                                lambda guide: section_base(_other_guide().sections.get()),
                                                ELSEWHERE),
    "guide base in a section's place": ("sections-0-base", lambda guide: guide_base(guide, ["title_en"]), ELSEWHERE),
}


@pytest.mark.parametrize("case", BAD_BASES, ids=list(BAD_BASES))
def test_save_with_a_bad_base_is_refused_and_writes_nothing(client, editor, guide, case):
    key, token, message = BAD_BASES[case]
    data = post_data_from(open_change_page(client, editor, guide))
    value = token(guide)
    if value is None:
        del data[key]
    else:
        data[key] = value
    data.update({"title_en": "Baclofen tablets", "sections-0-body_en": "Take 10 mg.", "sections-1-title_en": "Cautions"})
    since = last_event_id()
    response = client.post(change_url(guide), data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"
    assert list(guide.sections.values_list("body_en", "title_en")) == [("Take 5 mg.", "Dosing"), (WARNING + "Do not drive.", "Warnings")]
    assert audited_units(guide, since) == []


# Removing a section from a stale page.


@pytest.mark.parametrize("changed", [
    BY_ID["dosing.body_en"], BY_ID["dosing.position"],
    BY_ID["dosing.body_es"],
], ids=lambda unit: unit.id)
def test_stale_tab_cannot_remove_a_section_someone_changed_since(request, editor, guide, changed):
    tab_a, data_a = open_tab(request.getfixturevalue(changed.role), guide)
    tab_b, data_b = open_tab(editor, guide)
    changed.put(data_a, changed.a)
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-DELETE"] = "on"
    data_b["title_en"] = "Baclofen tablets"
    response = save(tab_b, guide, data_b)
    assert response.status_code == 400
    assert f"Someone else changed {changed.label} after you opened the page: the section was not removed." in (
        html.unescape(response.content.decode()))
    assert changed.read(guide) == changed.a
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"


def test_stale_tab_removes_a_section_when_only_another_section_changed(editor, guide):
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-1-body_en"] = WARNING + "Do not drink alcohol."
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-DELETE"] = "on"
    assert save(tab_b, guide, data_b).status_code == 302
    assert list(guide.sections.values_list("key", "body_en")) == [("warnings", WARNING + "Do not drink alcohol.")]


# Cost of a save.

def _shape(sql):
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", sql)
    return re.sub(r"\d+", "N", sql)


def _queries_of_saving_one_body(client, editor, sections):
    """{query shape: count} of one admin save of a new guide with `sections` sections, one body changed."""
    guide = GuideFactory()
    for n in range(sections):
        SectionFactory(guide=guide, key=f"part-{n}", position=n + 1)
    data = post_data_from(open_change_page(client, editor, guide))
    data["sections-2-body_en"] = "Take 10 mg."
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(guide), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(guide.sections.filter(body_en="Take 10 mg.").values_list("key", flat=True)) == ["part-2"]
    return Counter(_shape(query["sql"]) for query in queries.captured_queries)


@pytest.fixture
def save_costs(client, editor):
    _queries_of_saving_one_body(client, editor, 5)  # the first save of the process fills caches
    return _queries_of_saving_one_body(client, editor, 5), _queries_of_saving_one_body(client, editor, 50)


def test_saving_one_section_body_costs_the_same_queries_with_5_or_50_sections(save_costs):
    few, many = save_costs
    assert many.total() == few.total(), {shape: n for shape, n in (many - few).items()}

