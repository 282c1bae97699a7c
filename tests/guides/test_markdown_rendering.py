"""The safe Markdown subset of section bodies, rendering: what renders, links' schemes and attributes, raw HTML
and hostile input shown as text (guides.markdown.render_markdown)."""
from urllib.parse import urlsplit

import pytest

from guide_cms.guides.markdown import render_markdown

from .markdown_html import elements, links, tags

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
