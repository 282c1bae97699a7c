"""The safe Markdown subset, linting: raw HTML, unsafe links, unsupported markup and malformed callouts are
reported on their lines (guides.markdown.find_problems)."""
import dataclasses

import pytest

from guide_cms.guides.markdown import MarkupProblem, find_problems

from .markdown_html import problems


def test_text_within_the_subset_has_no_problems():
    text = (
        "Rest *well* and **drink** water.\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "[NHS](https://www.nhs.uk), <clinic@example.org>, [mail](mailto:a@example.org)\n\n"
        "> [!WARNING]\n> Do not drive.\n\n> [!TIP]\n> Keep a diary.\n\n> An ordinary quote."
    )

    assert find_problems(text) == []


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("<script>alert(1)</script>", 1),
        ("Intro\n\n<img src=x onerror=alert(1)>", 3),
        ("Some <b>bold</b> text", 1),
        ("Intro\n<!-- hidden note -->", 2),
        ("a\n\n<iframe src=x></iframe>", 3),
        ("<style>p { color: red }</style>", 1),
        ('Click <a href="javascript:alert(1)">here</a>', 1),
        ("> [!WARNING]\n> Beware <em>x</em>", 2),
    ],
)
def test_raw_html_is_reported_on_its_line(text, line):
    assert problems(text, "raw-html") == [(line, "raw-html")]


def test_raw_html_is_reported_once_per_line():
    assert problems("<b>a</b> <i>b</i>\n<u>c</u>", "raw-html") == [(1, "raw-html"), (2, "raw-html")]


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x73;cript:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "[x](/relative/path)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_unsafe_links_are_reported(text):
    assert problems(text, "unsafe-link") == [(1, "unsafe-link")]


def test_unsafe_link_is_reported_on_its_line_and_names_the_target():
    (problem,) = find_problems("Fine.\n\n- item\n- see [x](javascript:alert(document.cookie))")

    assert (problem.line, problem.code) == (4, "unsafe-link")
    assert "javascript:alert(document.cookie" in problem.message


def test_unsafe_link_message_shortens_a_long_target():
    (problem,) = find_problems(f"[x](data:text/html;base64,{'A' * 500})")

    assert "data:text/html;base64," in problem.message
    assert "A" * 100 not in problem.message


def test_unsafe_link_on_a_soft_wrapped_line_is_reported_on_that_line():
    assert problems("A paragraph\nwrapped over\nthree [x](vbscript:x) lines", "unsafe-link") == [(3, "unsafe-link")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Intro\n\n# Heading", 3),
        ("Heading\n=======", 1),
        ("Intro\n\n![x-ray](http://example.org/x.png)", 3),
        ("| a | b |\n|---|---|\n| 1 | 2 |", 1),
        ("Intro\n\n```\ncode\n```", 3),
        ("Intro\n\n    indented code", 3),
        ("Intro\n\n---\n\nMore", 3),
    ],
)
def test_unsupported_markup_is_reported_on_its_line(text, line):
    assert problems(text, "unsupported-markup") == [(line, "unsupported-markup")]


@pytest.mark.parametrize("text", ["> [!NOTE]\n> x", "> [!CAUTION]\n> x", "> [!SOMETHING]\n> x"])
def test_unknown_callout_kinds_are_reported(text):
    assert problems(text, "unknown-callout") == [(1, "unknown-callout")]


def test_callout_marker_with_text_on_the_same_line_is_reported():
    (problem,) = find_problems("Intro\n\n> [!WARNING] Do not drive.")

    assert (problem.line, problem.code) == (3, "unknown-callout")
    assert "own" in problem.message


def test_a_marker_inside_a_paragraph_is_not_reported():
    assert find_problems("Type [!NOTE] to add a note.") == []


@pytest.mark.parametrize(("text", "line"), [("> [!WARNING]", 1), ("Intro\n\n> [!TIP]\n>", 3), ("> [!TIP]\n>\n>", 1)])
def test_callout_with_no_text_is_reported_as_empty(text, line):
    assert problems(text, "empty-callout") == [(line, "empty-callout")]


def test_problems_come_in_line_order():
    text = "# Title\n\n[x](javascript:alert(1))\n\n> [!NOTE]\n> n\n\n<b>bold</b>\n\n> [!TIP]"

    assert [(p.line, p.code) for p in find_problems(text)] == [
        (1, "unsupported-markup"),
        (3, "unsafe-link"),
        (5, "unknown-callout"),
        (8, "raw-html"),
        (10, "empty-callout"),
    ]


def test_problem_messages_are_sentences():
    text = "# T\n\n[x](javascript:1)\n\n> [!NOTE]\n> n\n\n<b>b</b>\n\n> [!TIP]\n\n> [!TIP] x"

    for problem in find_problems(text):
        assert problem.message[0].isupper()
        assert problem.message.endswith(".")


def test_markup_problem_is_immutable():
    problem = MarkupProblem(line=1, code="raw-html", message="Remove it.")

    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 2
