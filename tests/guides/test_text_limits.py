"""Size and nesting limits: text the renderers would drop or choke on never gets stored, at any entry point."""
import pytest
from django.core.management import CommandError, call_command

from guide_cms.core.models import AuditEvent
from guide_cms.guides.importer import DocumentRefused, parse_guide_document
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import guide_update_drafts, section_update_drafts
from guide_cms.guides.text_limits import (
    MAX_BLOCK_NESTING,
    MAX_BODY_CHARS,
    MAX_GUIDE_CHARS,
    MAX_INLINE_NESTING,
    MAX_LINE_CHARS,
    MAX_TITLE_CHARS,
)
from guide_cms.guides.text_rules import LINE, TextRefused, clean_text, text_problems


def nested_list(depth: int, text: str = "innermost sentence") -> str:
    return "".join("  " * i + f"- level {i + 1}\n" for i in range(depth - 1)) + "  " * (depth - 1) + f"- {text}\n"


def nested_quotes(depth: int, text: str = "innermost sentence") -> str:
    return "> " * depth + text


HOSTILE = {
    "a list nested 12 levels": (nested_list(12), "nesting", 12, "a list nested 12 levels deep"),
    "quotes nested 25 levels": (nested_quotes(25), "nesting", 1, "a quote nested 25 levels deep"),
    "a list in quotes, 5 levels": ("> > > - a\n> > >   - b\n", "nesting", 2, "nested 5 levels deep"),
    "callouts in callouts": ("> [!WARNING]\n> > [!TIP]\n> > > > > Nested.\n", "nesting", 3, "nested 5 levels deep"),
    "1.6 KB of emphasis markers": ("*" * 800 + "a" + "*" * 800, "inline-nesting", 1, "nested 400 levels deep"),
    "nested emphasis one marker at a time": (
        "*a **b *c **d *e **f x** f* e** d* c** b* a*", "inline-nesting", 1, "nested 6 levels deep",
    ),
    "a long run of underscores": ("Take ______5 mg______ daily.", "markup-run", 1, "6 _ in a row"),
}


@pytest.mark.parametrize("body, code, line, words", HOSTILE.values(), ids=HOSTILE.keys())
def test_text_past_a_limit_is_refused_naming_the_construct_and_the_limit(body, code, line, words):
    problems = [p for p in text_problems(body, limits=True) if p.code == code]
    assert problems and problems[0].line == line
    assert words in problems[0].message
    with pytest.raises(TextRefused) as refused:
        clean_text(body, field="section 'dosing', text (Spanish)")
    assert f"section 'dosing', text (Spanish), line {line}, character" in " ".join(refused.value.messages)


def test_the_nesting_limit_is_reported_however_deep_the_text_goes():
    (problem,) = text_problems(nested_quotes(3_000), limits=True)
    assert problem.code == "nesting" and "at least" in problem.message


@pytest.mark.parametrize(
    "body",
    [
        nested_list(MAX_BLOCK_NESTING),
        "> [!WARNING]\n> - Stop.\n>   - Call us.\n>     - Or 112.\n",
        "***Bold italic*** with a [**bold link**](https://example.org) and `***code***`.",
        "Write your dose here: ______ mg. Keep the snake_case__name. Rating: ****",
        "Escaped: \\**** and a row of stars:\n\n*****",
        "x" * MAX_BODY_CHARS,
    ],
    ids=["list at the limit", "callout with a list", "emphasis at the limit", "blanks to fill in", "escaped", "body at the limit"],
)
def test_patient_text_within_the_limits_is_kept(body):
    assert clean_text(body) == body


def test_inline_nesting_at_the_limit_is_kept():
    body = "*a **b [c `d` c](https://example.org) b** a*"
    assert MAX_INLINE_NESTING == 4 and clean_text(body) == body


def test_a_2_mb_body_is_refused_at_once_without_being_read():
    body = "Take 5 mg. " * 200_000
    (problem,) = text_problems(body, limits=True)
    assert problem.code == "too-long"
    assert "2,200,000 characters long; at most 10,000" in problem.message
    assert (problem.line, problem.column) == (1, MAX_BODY_CHARS + 1)


def test_titles_and_summaries_have_their_own_size_limits():
    assert clean_text("T" * MAX_TITLE_CHARS, kind=LINE, max_chars=MAX_TITLE_CHARS)
    with pytest.raises(TextRefused, match="at most 200"):
        clean_text("T" * (MAX_TITLE_CHARS + 1), kind=LINE, max_chars=MAX_TITLE_CHARS)
    with pytest.raises(TextRefused, match="at most 500"):
        clean_text("S" * (MAX_LINE_CHARS + 1), kind=LINE)


# --- every entry point -------------------------------------------------------


@pytest.mark.parametrize("body", [nested_list(12), "*" * 800 + "a" + "*" * 800, "word " * 4_000])
def test_the_write_service_refuses_and_writes_nothing(guide, translator_es, body):
    section = guide.sections.get(key="dosing")
    events = AuditEvent.objects.count()
    with pytest.raises(TextRefused, match="section 'dosing', text \\(Spanish\\), line"):
        section_update_drafts(section=section, user=translator_es, values={"body_es": body})
    section.refresh_from_db()
    assert section.body_es == "Tome 5 mg." and AuditEvent.objects.count() == events


def test_the_write_service_refuses_a_title_longer_than_its_column(guide, editor):
    with pytest.raises(TextRefused, match="guide title \\(English\\), line 1, character 201"):
        guide_update_drafts(guide=guide, user=editor, values={"title_en": "B" * 201})
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"


def test_the_admin_shows_the_limit_on_the_field(client, guide, translator_es):
    from tests.guides.admin_forms import post_data_from

    client.force_login(translator_es)
    url = f"/admin/guides/guide/{guide.pk}/change/"
    data = post_data_from(client.get(url))
    data["sections-0-body_es"] = nested_quotes(25)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "a quote nested 25 levels deep" in response.content.decode()
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_markdown_import_names_the_line_of_the_deep_list(tmp_path, db):
    path = tmp_path / "deep.md"
    path.write_text("# Heat\n\nSummary.\n\n## Use\n\n" + nested_list(12), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_guide", str(path), "--slug", "heat")
    assert f"{path}: line 18: section 'Use': a list nested 12 levels deep" in str(error.value)
    assert not Guide.objects.exists()


def test_markdown_import_refuses_a_huge_document_unread():
    with pytest.raises(DocumentRefused, match="the document: the text is 2,000,0"):
        parse_guide_document("# Big\n\n## One\n\n" + "x" * 2_000_000)


def test_markdown_import_refuses_a_guide_over_the_guide_limit():
    sections = "".join(f"## Part {n}\n\n{'Rest well. ' * 900}\n\n" for n in range(6))
    with pytest.raises(DocumentRefused, match=f"at most {MAX_GUIDE_CHARS:,} characters in one language"):
        parse_guide_document("# Big\n\n" + sections)


def test_cat_tool_import_refuses_an_oversized_sentence_naming_the_unit(approved_workflow):
    from guide_cms.localization.exchange import read_exchange_file
    from guide_cms.localization.services import ImportRefused, translation_export, translation_import

    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="po", user=wf.translator_es)
    hostile = data.replace(b'msgstr "Tome 5 mg."', f'msgstr "{"Tome 5 mg. " * 1200}"'.encode())
    assert hostile != data
    with pytest.raises(ImportRefused) as refused:
        translation_import(document=read_exchange_file(hostile, name), user=wf.translator_es, filename=name)
    assert "unit 'dosing.body.1.1', line 1, character 10001: the text is 13,199 characters long; at most 10,000" in str(refused.value)
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_markup_typed_in_a_cat_tool_is_text_and_can_never_nest(approved_workflow):
    from guide_cms.localization.exchange import read_exchange_file
    from guide_cms.localization.services import translation_export, translation_import

    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="po", user=wf.translator_es)
    hostile = data.replace(b'msgstr "Tome 5 mg."', f'msgstr "{"*" * 800}Tome 5 mg.{"*" * 800}"'.encode())
    translation_import(document=read_exchange_file(hostile, name), user=wf.translator_es, filename=name)
    body = Section.objects.get(key="dosing").body_es
    assert body.startswith("\\*\\*") and text_problems(body, limits=True) == []  # escaped: printed as stars
