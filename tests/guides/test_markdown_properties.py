"""Properties of the Markdown renderer on arbitrary input (Hypothesis): whatever a section body holds,
the HTML that reaches a channel has only the allow-list's tags and attributes, no script, no event
handler and no link but http, https and mailto."""
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.guides.markdown import render_markdown

ALLOWED = {
    "p": {"class", "dir"}, "em": {"dir"}, "strong": {"dir"}, "ul": {"dir"}, "ol": {"dir"}, "li": {"dir"},
    "a": {"href", "title", "rel", "dir"}, "br": {"dir"}, "blockquote": {"dir"}, "aside": {"class", "role", "aria-label", "dir"},
    "code": {"dir"},
}
# Pieces an attacker or a careless paste would bring, mixed with arbitrary text.
HOSTILE = [
    "<script>alert(1)</script>", "<script", "</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>", "<iframe src=//evil>", "<style>*{}</style>", "<!-- c -->", "<b onclick=x>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:1)", "[x](&#106;avascript:1)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox)", "[x](//evil.example)", "[x](/relative)",
    "[x](https://example.org \"t\" onmouseover=1)", "<javascript:alert(1)>", "<https://example.org>", "[1]: javascript:alert(1)\n",
    "[ref][1]", "![img](https://example.org/x.png)", "<mailto:a@b.c>", "[m](mailto:a@b.c)", "[h](http://example.org)",
    "> [!WARNING]\n> ", "> [!TIP]\n> ", "> [!NOTE]\n> ", "> ", "- ", "1. ", "* ", "**", "*", "_", "`", "``", "\\", "&", "&lt;", "&#60;",
    "&amp;", "\"", "'", "=", "<", ">", "(", ")", "[", "]", "\n", "\n\n", "   ", "\t", "\u202e", "\u0000", "# heading\n",
    "<a href=\"https://ok\" onclick=\"x\">ok</a>", "<p class=\"x\" style=\"y\">", "javascript:", " on", "onerror=",
]
bodies = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), max_size=30).map("".join)


class Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ALLOWED:
            self.problems.append(f"tag <{tag}>")
            return
        for name, value in attrs:
            if name not in ALLOWED[tag]:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not (value or "").lower().startswith(("http://", "https://", "mailto:")):
                self.problems.append(f"link to {value!r}")

    handle_startendtag = handle_starttag


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, language=st.sampled_from(["en", "es", "ar", "zh-hans", "vi"]))
def test_no_body_renders_to_unsafe_html(body, language):
    html = render_markdown(body, language=language)
    parser = Collect()
    parser.feed(html)
    parser.close()
    assert parser.problems == [], (body, html)
    lowered = html.lower()
    assert all(f"<{tag}" not in lowered for tag in ("script", "iframe", "img", "svg", "style", "object", "embed"))


def _shape(tokens):
    return [(t.type, t.tag, t.level, t.content, t.map, dict(t.attrs), _shape(t.children or [])) for t in tokens]


NESTING = ["> ", "- ", "  - ", "    - ", "1. ", "*", "**", "_", "[", "](https://example.org)", "> [!WARNING]\n> ", "\n", "\n\n", "x"]
nested_bodies = st.lists(st.one_of(st.sampled_from(NESTING), st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=80).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=nested_bodies)
def test_one_parse_serves_the_renderer_and_the_measures_and_gives_the_renderers_tokens(body):
    """A body is parsed once (with the measuring parser's deeper cap) for rendering and for the checks:
    the tokens the renderer gets are those its own parser, with markdown-it's cap, would give."""
    from guide_cms.guides.markdown import parse_subset, subset_tokens

    # parse_subset: the shared tokens (the measuring parse where it is the same); subset_tokens: a fresh parse by the
    # renderer's own parser. The renderer is a function of its tokens: the same tokens, the same HTML.
    assert _shape(parse_subset(body)) == _shape(subset_tokens(body))
    before = _shape(parse_subset(body))
    render_markdown(body)
    assert _shape(parse_subset(body)) == before  # rendering left the shared tokens as parsed
