"""The safe Markdown subset of section bodies: rendering, callouts, linting, conversion."""
import dataclasses
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from guide_cms.guides.markdown import (
    MarkupProblem,
    callout_kinds,
    convert_labelled_callouts,
    find_problems,
    render_markdown,
)

ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "br", "blockquote", "aside", "code"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel", "dir"},
    "aside": {"class", "role", "aria-label", "dir"},
    "p": {"class", "dir"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}

HOSTILE_INPUTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=javascript:alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java&#x73;cript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](  javascript:alert(1))",
    "[x](\tjavascript:alert(1))",
    "[x](\x00javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](/relative/path)",
    "[x](//evil.example/x)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "<javascript:alert(1)>",
    "<data:text/html;base64,PHNjcmlwdD4=>",
    "![x](http://evil/x.png)",
    "![x](javascript:alert(1))",
    "<!-- <script>alert(1)</script> -->",
    "a <!-- comment --> b",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body { display: none }</style>",
    '[x](http://a "\\" onmouseover=alert(1)")',
    '[x](http://a\\" onmouseover=\\"alert(1))',
    "[<http://a.example>](javascript:alert(1))",
    "[[x](javascript:alert(1))](http://a.example)",
    "**<script>alert(1)</script>**",
    "- [x](javascript:alert(1))\n- <b onclick=alert(1)>b</b>",
    "> [!WARNING]\n> <script>alert(1)</script> [x](javascript:alert(1))",
    "> [!TIP]\n> > [!WARNING]\n> > > nested <img src=x onerror=alert(1)>",
    '> [!WARNING" onmouseover="alert(1)]\n> x',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


class _Elements(HTMLParser):
    """Collects every tag (with attributes) and comment in an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.comments = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments.append(data)


def elements(html):
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def tags(html):
    return [tag for tag, _ in elements(html).elements]


def links(html):
    return [attrs for tag, attrs in elements(html).elements if tag == "a"]


def asides(html):
    return [attrs for tag, attrs in elements(html).elements if tag == "aside"]


def problems(text, code):
    return [(p.line, p.code) for p in find_problems(text) if p.code == code]


# --- rendering the subset -------------------------------------------------


def test_paragraphs_emphasis_and_inline_code_render():
    html = render_markdown("First *gently* and **firmly**.\n\nSecond with `code`.")

    assert html == (
        "<p>First <em>gently</em> and <strong>firmly</strong>.</p>\n"
        "<p>Second with <code>code</code>.</p>\n"
    )


def test_bullet_and_numbered_lists_render():
    html = render_markdown("- ice\n- rest\n\n1. stretch\n2. walk")

    assert tags(html) == ["ul", "li", "li", "ol", "li", "li"]


def test_hard_line_breaks_render_as_br():
    html = render_markdown("Call us  \nor write\\\nto us")

    assert tags(html) == ["p", "br", "br"]


def test_http_and_https_links_get_rel_noopener_noreferrer_once():
    html = render_markdown("[NHS](https://www.nhs.uk) and [old](http://example.org)")

    assert links(html) == [
        {"href": "https://www.nhs.uk", "rel": "noopener noreferrer"},
        {"href": "http://example.org", "rel": "noopener noreferrer"},
    ]
    assert html.count("rel=") == 2


def test_mailto_links_survive():
    html = render_markdown("[Email the clinic](mailto:clinic@example.org)")

    assert links(html) == [{"href": "mailto:clinic@example.org"}]


def test_autolinks_to_web_addresses_and_emails_render_as_links():
    html = render_markdown("<https://example.org/a> or <clinic@example.org>")

    assert [link["href"] for link in links(html)] == ["https://example.org/a", "mailto:clinic@example.org"]


def test_link_titles_are_kept_as_attribute_values():
    html = render_markdown('[x](https://example.org "Our clinic")')

    assert links(html)[0]["title"] == "Our clinic"


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x73;cript:alert(1)",
        "  javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "/relative/path",
        "#anchor",
        "//evil.example/x",
        "",
    ],
)
def test_links_to_anything_but_http_https_mailto_render_as_their_text_only(target):
    html = render_markdown(f"Before [the link text]({target}) after")

    assert html == "<p>Before the link text after</p>\n"


def test_a_link_nested_in_a_link_renders_as_text_inside_the_outer_link():
    html = render_markdown("[<https://inner.example>](https://outer.example)")

    assert links(html) == [{"href": "https://outer.example", "rel": "noopener noreferrer"}]
    assert "https://inner.example</a>" in html


def test_raw_html_is_shown_as_text_never_as_markup():
    html = render_markdown("Take <b>two</b> <script>alert(1)</script>")

    assert tags(html) == ["p"]
    assert "&lt;script&gt;" in html


def test_markdown_image_never_renders_an_img():
    html = render_markdown("![x-ray](http://evil/x.png)")

    assert "img" not in tags(html)


def test_link_title_cannot_inject_attributes():
    html = render_markdown('[x](http://a "\\" onmouseover=alert(1)")')

    (link,) = links(html)
    assert set(link) == {"href", "title", "rel"}
    assert link["title"] == '" onmouseover=alert(1)'


def test_headings_rules_code_blocks_and_tables_render_as_plain_text():
    html = render_markdown("# Heading\n\n---\n\n    indented\n\n| a | b |\n|---|---|\n| 1 | 2 |")

    assert set(tags(html)) == {"p"}


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_hostile_input_never_yields_a_disallowed_tag_attribute_or_link_scheme(text):
    parsed = elements(render_markdown(text))

    assert parsed.comments == []
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, {"dir"})
        if "href" in attrs:
            assert urlsplit(attrs["href"]).scheme.lower() in SAFE_SCHEMES


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_hostile_input_renders_identically_every_time(text):
    assert render_markdown(text) == render_markdown(text)


def test_rendering_is_deterministic():
    text = (
        "Intro with a [link](https://example.org \"t\") and <clinic@example.org>.\n\n"
        "> [!WARNING]\n> Do not drive.\n\n- one\n- two\n\n> [!TIP]\n> Drink water."
    )

    assert render_markdown(text).encode() == render_markdown(text).encode()
    assert render_markdown(text, language="es") == render_markdown(text, language="es")


# --- callouts --------------------------------------------------------------


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


# --- find_problems ---------------------------------------------------------


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


# --- convert_labelled_callouts ---------------------------------------------


def test_labelled_quotes_become_canonical_callouts():
    text = (
        "Before you start.\n\n"
        "> **Warning:** Never take a new muscle relaxant before your morning commute.\n"
        "> It can make you drowsy.\n\n"
        "> **Tip:** Keep a diary.\n"
    )

    assert convert_labelled_callouts(text) == (
        "Before you start.\n\n"
        "> [!WARNING]\n"
        "> Never take a new muscle relaxant before your morning commute.\n"
        "> It can make you drowsy.\n\n"
        "> [!TIP]\n"
        "> Keep a diary.\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> **Warning**: Careful.", "> [!WARNING]\n> Careful."),
        ("> **WARNING:** Careful.", "> [!WARNING]\n> Careful."),
        ("> **tip**: Useful.", "> [!TIP]\n> Useful."),
        ("> **Tip:**\n> Useful.", "> [!TIP]\n> Useful."),
        (">**Tip:** Useful.", ">[!TIP]\n>Useful."),
        ("- > **Tip:** Useful.", "- > [!TIP]\n  > Useful."),
        ("> **Tip:** Useful.\r\n> More.\r\n", "> [!TIP]\r\n> Useful.\r\n> More.\r\n"),
    ],
)
def test_label_variants_are_converted(text, expected):
    assert convert_labelled_callouts(text) == expected


def test_converted_callouts_render_as_callouts():
    text = convert_labelled_callouts("> **Warning:** Careful.\n\n> **Tip:** Useful.")

    assert callout_kinds(text) == ["warning", "tip"]
    assert "**" not in render_markdown(text)


@pytest.mark.parametrize(
    "text",
    [
        "A **Warning:** in a paragraph is not a callout.",
        "> A quote that says **Warning:** later on.",
        "> **Note:** not a callout label.",
        "> **Warning** without a colon.",
        "> [!WARNING]\n> Already canonical.",
        "Mixed\r\nline endings\rand\ttabs\x0cand\u2028separators  \n\n> plain quote\n",
        "",
    ],
)
def test_text_without_labelled_quotes_is_left_byte_for_byte(text):
    assert convert_labelled_callouts(text) == text


def test_only_the_labelled_line_changes():
    text = "Intro\u2028line\x0c\n\n> **Tip:** Useful.\n\n    indented\r\n<b>raw</b>"

    assert convert_labelled_callouts(text) == (
        "Intro\u2028line\x0c\n\n> [!TIP]\n> Useful.\n\n    indented\r\n<b>raw</b>"
    )


def test_converting_twice_changes_nothing_more():
    text = "> **Warning:** Careful.\n> More.\n\n- > **tip**: x\n\n> **Tip:**\n> y"
    once = convert_labelled_callouts(text)

    assert convert_labelled_callouts(once) == once
