"""Signed text is rendered text: before a version can be submitted, every channel renders it
(the handout as far as layout) and everything the snapshot says must be there, printable."""
import html
import shutil
import time

import pytest
from django.urls import reverse

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Guide, Section, Version
from guide_cms.publishing.channels import fonts
from guide_cms.publishing.channels import base, handouts
from guide_cms.publishing.checks import submission_findings
from guide_cms.review.services import SubmissionRefused, version_submit
from tests.publishing import entries as sample

PILL = "\U0001f48a"  # no handout font has it


def nested_list(depth):
    return "".join("  " * i + f"- level {i + 1}\n" for i in range(depth - 1)) + "  " * (depth - 1) + "- innermost sentence\n"


def refused_problems(guide, language, user):
    with pytest.raises(SubmissionRefused) as refused:
        version_submit(guide=guide, language=language, user=user)
    return refused.value.problems


def assert_nothing_written(language):
    assert not Version.objects.filter(language=language).exists()
    assert not AuditEvent.objects.filter(action="version.submit", scope__endswith=f":{language}").exists()


# Text that reached the draft rows behind the entry points (written before the
# limits existed, or by hand): submission is the last gate before a signature.
HOSTILE_BODIES = {
    "lists nested 12 levels": (nested_list(12), "dosing", "render-limit", "Line 12: a list nested 12 levels deep"),
    "quotes nested 25 levels": ("> " * 25 + "innermost sentence", "dosing", "render-limit", "Line 1: a quote nested 25 levels deep"),
    "1.6 KB of emphasis markers": ("*" * 800 + "a" + "*" * 800, "dosing", "render-limit", "Line 1: emphasis, bold text, links and code nested 400 levels deep"),
    "a link reference definition": (
        "Take 5 mg.\n\n[1]: https://example.org/dose", "dosing", "render-dropped", "Line 3 “[1]: https://example.org/dose” is shown nowhere",
    ),
    "a 2 MB body": ("Take 5 mg. " * 200_000, "", "render-limit", "at most 50,000 characters in one language"),
}


@pytest.mark.parametrize("body, key, code, words", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_text_a_renderer_would_drop_or_choke_on_blocks_submission_naming_section_and_construct(guide, editor, body, key, code, words):
    Section.objects.filter(guide=guide, key="dosing").update(body_en=body)
    started = time.monotonic()
    problems = refused_problems(guide, "en", editor)
    assert time.monotonic() - started < 10  # refused without trying to print it
    label = f"Section '{key}'" if key else "Guide"
    assert any(k == key and m.startswith(f"{label} [{code}]: ") and words in m for k, m in problems), problems
    assert_nothing_written("en")


def test_a_character_no_spanish_font_can_draw_blocks_the_translation_naming_character_language_and_section(approved_workflow):
    wf = approved_workflow
    Section.objects.filter(guide=wf.guide, key="dosing").update(body_es=f"Tome 5 mg {PILL} por la noche.")
    problems = refused_problems(wf.guide, "es", wf.translator_es)
    (message,) = [m for key, m in problems if "[unprintable]" in m]
    assert message.startswith("Section 'dosing' [unprintable]:")
    assert "U+1F48A" in message and "PILL" in message and "Spanish handout font" in message and "“Dosis”" in message
    assert_nothing_written("es")


def test_chinese_characters_in_a_vietnamese_title_are_refused_for_the_guide(approved_workflow):
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    wf = approved_workflow
    Guide.objects.filter(pk=wf.guide.pk).update(title_vi="Baclofen 每天")
    Section.objects.filter(guide=wf.guide, key="dosing").update(title_vi="Liều dùng", body_vi="Uống 5 mg.")
    Section.objects.filter(guide=wf.guide, key="warnings").update(title_vi="Cảnh báo", body_vi="> [!WARNING]\n> Không lái xe.")
    problems = refused_problems(wf.guide, "vi", make_user(Role.TRANSLATOR, ("vi",)))
    (message,) = [m for key, m in problems if "[unprintable]" in m]
    assert message.startswith("Guide [unprintable]: the title") and "U+6BCF 每" in message and "Vietnamese" in message


@pytest.mark.parametrize("code", sample.DEMO_LANGUAGES)
def test_the_demo_guide_passes_in_every_language(code):
    from types import SimpleNamespace

    entry = sample.published_guide(code)
    snapshot = {
        "format": 1, "guide": entry.slug, "language": code, "title": entry.title, "summary": entry.summary,
        "sections": [{"key": s.key, "position": s.position, "title": s.title, "body": s.body_markdown} for s in entry.sections],
    }
    guide = SimpleNamespace(slug=entry.slug, review_interval_months=12, source_language="en")
    source = None if code == "en" else SimpleNamespace(number=sample.SOURCE_VERSION)
    assert submission_findings(snapshot=snapshot, guide=guide, source_version=source) == []


# A change to a channel's template or style that loses text is caught before anyone signs.


_CACHED = (base.template_engine, base.templates_fingerprint, handouts._stylesheet, handouts._renderer_fingerprint)


class ChannelTemplates:
    """A copy of the channels' templates and styles that a test edits (the real channels read it)."""

    def __init__(self, folder):
        self.folder = folder

    def edit(self, name, change):
        path = self.folder / name
        path.write_text(change(path.read_text()))
        for cached in _CACHED:  # as a restart after a deployment would
            cached.cache_clear()


@pytest.fixture
def channel_templates(tmp_path, monkeypatch):
    copy = tmp_path / "templates"
    shutil.copytree(base.TEMPLATE_DIR, copy)
    monkeypatch.setattr(base, "TEMPLATE_DIR", copy)
    monkeypatch.setattr(handouts, "TEMPLATE_DIR", copy)
    monkeypatch.setattr(handouts, "HANDOUT_CSS", copy / "publishing" / "handout.css")
    for cached in _CACHED:
        cached.cache_clear()
    yield ChannelTemplates(copy / "publishing")
    for cached in _CACHED:
        cached.cache_clear()


def test_a_site_template_that_truncates_bodies_blocks_submission(guide, editor, channel_templates):
    channel_templates.edit("site/guide.html", lambda t: t.replace("{{ section.body }}", "{{ section.body|truncatewords_html:3 }}"))
    Section.objects.filter(guide=guide, key="dosing").update(body_en="Take 5 mg of Baclofen at night with water.")
    problems = refused_problems(guide, "en", editor)
    assert ("dosing", "Section 'dosing' [render-dropped]: Line 1, paragraph “Take 5 mg of Baclofen at night with water.”: "
            "this text is missing from the site page.") in problems


def test_a_handout_style_that_hides_callouts_blocks_submission(guide, editor, channel_templates):
    channel_templates.edit("handout.css", lambda css: css + "\n.callout { display: none; }\n")
    problems = refused_problems(guide, "en", editor)
    messages = [m for _key, m in problems]
    assert "Section 'warnings' [render-dropped]: Line 1, warning callout: it is not shown as a callout in the handout." in messages
    assert "Section 'warnings' [render-dropped]: Line 2, warning callout “Do not drive.”: this text is missing from the handout." in messages


def test_text_laid_out_beyond_the_margin_blocks_submission(guide, editor, channel_templates):
    channel_templates.edit("handout.css", lambda css: css + "\nmain { overflow-wrap: normal; }\n")
    Section.objects.filter(guide=guide, key="dosing").update(body_en="See " + "x" * 300 + ".")
    problems = refused_problems(guide, "en", editor)
    assert any(key == "dosing" and "[render-overflow]" in m and "does not fit on the page of the handout" in m for key, m in problems)


def test_a_font_change_after_a_draft_was_written_is_found_at_submission(guide, editor, monkeypatch):
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "en", ("Noto Sans Arabic", "DejaVu Sans"))
    Section.objects.filter(guide=guide, key="dosing").update(body_en="Take 5 mg \u4e00 daily.")
    problems = refused_problems(guide, "en", editor)
    assert any("[unprintable]" in m and "U+4E00" in m and "English handout font" in m for _key, m in problems)


def test_the_submit_page_lists_the_render_problems(client, approved_workflow):
    wf = approved_workflow
    Section.objects.filter(guide=wf.guide, key="dosing").update(body_es=f"Tome 5 mg {PILL}.")
    client.force_login(wf.translator_es)
    url = reverse("review:submit", args=[wf.guide.pk, "es"])
    page = html.unescape(client.get(url).content.decode())
    assert "These problems block submission" in page and "Section 'dosing' [unprintable]" in page and "U+1F48A" in page
    assert client.post(url, {}).status_code == 400
    assert not Version.objects.filter(language="es").exists()


def test_findings_of_a_submitted_version_include_no_render_problem(approved_workflow):
    version = approved_workflow.approve("es")
    assert not [f for f in version.qa_findings if f["code"].startswith(("render", "unprintable"))]


def test_every_problem_of_a_section_is_reported_at_once(approved_workflow):
    wf = approved_workflow
    Section.objects.filter(guide=wf.guide, key="dosing").update(body_es=f"Tome 5 mg {PILL}.\n\n[1]: https://example.org")
    codes = sorted(m.split("[")[1].split("]")[0] for key, m in refused_problems(wf.guide, "es", wf.translator_es) if key == "dosing")
    assert codes == ["render-dropped", "unprintable"]
