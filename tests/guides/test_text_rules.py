"""Text that looks different from what it is never gets stored, at any entry point."""
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from guide_cms.core.models import AuditEvent
from guide_cms.guides.importer import DocumentRefused, parse_guide_document
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import guide_update_drafts, section_update_drafts
from guide_cms.guides.snapshots import build_snapshot, content_hash
from guide_cms.guides.text_rules import LINE, MARKDOWN, TextRefused, clean_text, text_problems

RLO, PDF, LRI, PDI, RLM, ZWSP, ZWJ, ZWNJ = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u200b", "\u200d", "\u200c"


@pytest.mark.parametrize(
    "text, code, line, column",
    [
        (f"Apply heat for {RLO}15 minutes.", "bidi-override", 1, 16),  # prints "51 setunim"
        ("Line one.\nTake \u202d5 mg.", "bidi-override", 2, 6),
        (f"Take 1{ZWSP}5 mg.", "invisible-in-number", 1, 7),
        (f"Take 1{RLM}5 mg.", "invisible-in-number", 1, 7),
        (f"Take 1{LRI},5 mg.", "invisible-in-number", 1, 7),
        (f"Take Dia{ZWJ}zepam.", "zero-width", 1, 9),
        (f"Take 15{ZWSP} mg.", "zero-width", 1, 8),
        ("Take 5 mg.\x07", "control", 1, 11),
    ],
)
def test_each_kind_of_deceptive_character_is_refused_with_its_position(text, code, line, column):
    problems = text_problems(text)
    assert [(p.code, p.line, p.column) for p in problems] == [(code, line, column)]
    with pytest.raises(TextRefused) as refused:
        clean_text(text, field="section 'dosing', text (Spanish)")
    assert f"section 'dosing', text (Spanish), line {line}, character {column}:" in refused.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        f"تناول {RLM}15{RLM} ملغ",  # marks around a number, as Arabic text uses them
        f"{LRI}Diazepam{PDI} دواء",  # an isolated Latin name in Arabic text
        f"می{ZWNJ}خواهم",  # a joiner between Persian letters
        "Take 5 mg at 8:00.\tThen rest.",
    ],
)
def test_legitimate_marks_isolates_and_joiners_are_kept(text):
    assert clean_text(text) == text


def test_text_is_stored_in_nfc_with_plain_line_endings():
    decomposed = unicodedata.normalize("NFD", "Uống thuốc mỗi giờ.\r\nNghỉ ngơi\u2028thêm.")
    assert clean_text(decomposed) == "Uống thuốc mỗi giờ.\nNghỉ ngơi\nthêm."


@pytest.mark.parametrize(
    "value, stored",
    [("  Relajantes\n   musculares\t ", "Relajantes musculares"), ("Título", "Título")],
)
def test_titles_and_summaries_are_one_trimmed_line(value, stored):
    assert clean_text(value, kind=LINE) == stored


def test_html_in_a_title_is_refused_but_a_less_than_sign_is_text():
    with pytest.raises(TextRefused, match="HTML is not allowed here"):
        clean_text("Baclofen <b>dosing</b>", kind=LINE)
    assert clean_text("Doses < 5 mg", kind=LINE) == "Doses < 5 mg"
    assert clean_text("<b>markup</b> is the renderer's business in a body", kind=MARKDOWN)


# --- every entry point -------------------------------------------------------


def test_the_write_service_refuses_and_writes_nothing(guide, translator_es):
    section = guide.sections.get(key="dosing")
    events = AuditEvent.objects.count()
    with pytest.raises(TextRefused) as refused:
        section_update_drafts(section=section, user=translator_es, values={"body_es": f"Tome {RLO}51{PDF} mg.", "title_es": "Dosis"})
    assert "section 'dosing', text (Spanish), line 1, character 6" in refused.value.messages[0]
    section.refresh_from_db()
    assert section.body_es == "Tome 5 mg." and AuditEvent.objects.count() == events


def test_nfd_text_equal_to_the_stored_text_is_not_an_edit(guide, translator_es):
    section = guide.sections.get(key="dosing")
    section_update_drafts(section=section, user=translator_es, values={"body_es": "Tome 5 mg con agua tibia."})
    events = AuditEvent.objects.count()
    changed = section_update_drafts(
        section=section, user=translator_es, values={"body_es": unicodedata.normalize("NFD", "Tome 5 mg con agua tibia.")}
    )
    assert changed == [] and AuditEvent.objects.count() == events


def test_a_title_with_newlines_is_stored_on_one_line(guide, editor):
    guide_update_drafts(guide=guide, user=editor, values={"title_en": "\n   Baclofen:\n   dosing guide\n"})
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen: dosing guide"


def test_the_version_hash_does_not_depend_on_the_normal_form_of_legacy_rows(guide):
    nfc = content_hash(build_snapshot(guide, "en", guide.sections.all()))
    Section.objects.filter(pk=guide.sections.get(key="dosing").pk).update(body_en=unicodedata.normalize("NFD", "Take 5 mg."))
    assert content_hash(build_snapshot(guide, "en", guide.sections.all())) == nfc


def test_markdown_import_names_the_file_line(tmp_path, db):
    path = tmp_path / "bad.md"
    path.write_text(f"# Heat\n\nSummary.\n\n## Use\n\nApply for {RLO}15{PDF} minutes.\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_guide", str(path), "--slug", "heat")
    assert f"{path}: line 7, character 11" in str(error.value)
    assert not Guide.objects.exists()


def test_markdown_import_collapses_the_summary_and_refuses_html_titles():
    parsed = parse_guide_document("# Heat\n\nFirst line of the\nsummary.\n\n## Use\n\nText.\n")
    assert parsed.summary == "First line of the summary."
    with pytest.raises(DocumentRefused, match="line 1: HTML is not allowed here"):
        parse_guide_document("# Heat <script>x</script>\n\n## Use\n\nText.\n")


def test_cat_tool_import_refuses_the_file_naming_the_unit(approved_workflow):
    from guide_cms.localization.exchange import read_exchange_file
    from guide_cms.localization.services import ImportRefused, translation_export, translation_import

    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="xliff", user=wf.translator_es)
    hostile = data.replace(b"Tome 5 mg.", f"Tome {RLO}51{PDF} mg.".encode())
    with pytest.raises(ImportRefused) as refused:
        translation_import(document=read_exchange_file(hostile, name), user=wf.translator_es, filename=name)
    assert "unit 'dosing.body.1.1', line 1, character 6" in str(refused.value)
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_cat_tool_import_stores_a_wrapped_title_on_one_line(approved_workflow):
    from guide_cms.localization.exchange import read_exchange_file
    from guide_cms.localization.services import translation_export, translation_import

    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="xliff", user=wf.translator_es)
    wrapped = data.replace(b">Baclofeno<", ">\n      Baclofeno:\n      guía\n    <".encode())
    assert wrapped != data
    translation_import(document=read_exchange_file(wrapped, name), user=wf.translator_es, filename=name)
    assert Guide.objects.get(pk=wf.guide.pk).title_es == "Baclofeno: guía"


def test_the_admin_shows_the_problem_on_the_field(client, guide, translator_es):
    from tests.guides.admin_forms import post_data_from

    client.force_login(translator_es)
    url = f"/admin/guides/guide/{guide.pk}/change/"
    data = post_data_from(client.get(url))
    data["sections-0-body_es"] = f"Tome {RLO}51{PDF} mg."  # sections in position order: dosing first
    response = client.post(url, data)
    assert response.status_code == 400
    assert "line 1, character 6" in response.content.decode()
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
