"""The safe Markdown subset, callouts: "> [!WARNING]" and "> [!TIP]" render as labelled asides in the reader's
language (guides.markdown.render_markdown, callout_kinds)."""
import pytest
from django.utils import translation

from guide_cms.guides.markdown import callout_kinds, render_markdown

from .markdown_html import asides, tags


def test_warning_callout_renders_as_labelled_aside():
    html = render_markdown("> [!WARNING]\n> Never take a new muscle relaxant before your morning commute.")

    assert html == (
        '<aside class="callout callout-warning" role="note" aria-label="Warning">\n'
        '<p class="callout-label"><strong>Warning</strong></p>\n'
        "<p>Never take a new muscle relaxant before your morning commute.</p>\n"
        "</aside>\n"
    )


def test_tip_callout_renders_as_labelled_aside():
    html = render_markdown("> [!TIP]\n> A clinical pearl I often share: *rest*.")

    assert asides(html) == [{"class": "callout callout-tip", "role": "note", "aria-label": "Tip"}]
    assert '<p class="callout-label"><strong>Tip</strong></p>' in html
    assert "<p>A clinical pearl I often share: <em>rest</em>.</p>" in html


@pytest.mark.parametrize("marker", ["[!warning]", "[!Warning]", "[!WARNING]  "])
def test_callout_marker_is_case_insensitive(marker):
    html = render_markdown(f"> {marker}\n> Careful.")

    assert asides(html)[0]["class"] == "callout callout-warning"


@pytest.mark.parametrize("text", ["> [!WARNING]\n> Careful.", "> [!TIP]\n> Useful.", "> [!tip]"])
def test_callout_marker_never_appears_in_output(text):
    assert "[!" not in render_markdown(text)


def test_ordinary_blockquote_renders_as_blockquote():
    html = render_markdown("> Patients often say this.")

    assert html == "<blockquote>\n<p>Patients often say this.</p>\n</blockquote>\n"


def test_marker_inside_a_paragraph_is_not_a_callout():
    text = "Write [!WARNING] to start a warning.\n\n> Quoted [!TIP] here."

    assert "aside" not in tags(render_markdown(text))
    assert callout_kinds(text) == []


def test_marker_followed_by_text_on_the_same_line_is_not_a_callout():
    html = render_markdown("> [!WARNING] Do not drive.")

    assert tags(html) == ["blockquote", "p"]


def test_unknown_alert_kinds_render_as_ordinary_blockquotes():
    html = render_markdown("> [!NOTE]\n> Good to know.")

    assert tags(html) == ["blockquote", "p"]
    assert "Note" not in html


def test_callout_nested_in_a_callout_renders_inside_it():
    html = render_markdown("> [!WARNING]\n> Outer.\n>\n> > [!TIP]\n> > Inner.")

    assert [a["class"] for a in asides(html)] == ["callout callout-warning", "callout callout-tip"]
    assert html.index("Inner.") < html.index("</aside>\n</aside>")


def test_blockquote_nested_in_a_callout_stays_a_blockquote():
    html = render_markdown("> [!TIP]\n> > Quoted inside a tip.")

    assert tags(html) == ["aside", "p", "strong", "blockquote", "p"]


def test_callout_label_follows_the_language():
    html = render_markdown("> [!WARNING]\n> Cuidado.", language="es")

    (aside,) = asides(html)
    assert "[!WARNING]" not in html
    assert aside["class"] == "callout callout-warning"
    assert aside["aria-label"].strip()


def test_rendering_in_another_language_leaves_the_active_language_alone():
    with translation.override("en"):
        render_markdown("> [!TIP]\n> x", language="es")

        assert translation.get_language() == "en"


def test_callout_kinds_lists_callouts_in_document_order():
    text = "> [!WARNING]\n> a\n\nText.\n\n> [!TIP]\n> b\n\n> [!warning]\n> c"

    assert callout_kinds(text) == ["warning", "tip", "warning"]


def test_callout_kinds_ignores_quotes_unknown_kinds_and_inline_markers():
    text = "> plain quote\n\n> [!NOTE]\n> n\n\n> [!WARNING] same line\n\nA [!TIP] in text."

    assert callout_kinds(text) == []


def test_callout_kinds_includes_nested_callouts():
    assert callout_kinds("> [!WARNING]\n> > [!TIP]\n> > x") == ["warning", "tip"]
