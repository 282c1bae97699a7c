"""What the site channel gives, read as a reader's browser would: a small DOM over html.parser, and
shortcuts to render an entry or the whole site (tests/publishing/channels/test_site_*.py)."""
from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

from django.utils import translation
from django.utils.translation import gettext

from guide_cms.publishing.channels.site import SiteChannel
from tests.publishing import entries as sample

SLUG = sample.DEMO_SLUG
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOSTILE_BODY = (
    "<p>Safe text.</p>"
    "<script>alert(1)</script>"
    "<img src=x onerror=alert(1)>"
    '<a href="javascript:alert(1)">x</a>'
    '<p onclick="alert(1)" style="color:red">click</p>'
    '<iframe src="https://evil.example/"></iframe>'
    "<style>body{display:none}</style>"
)
HOSTILE_TEXT = '<script>alert("t")</script><img src=x onerror=alert(2)>"\'&'


# -- a small DOM over html.parser ---------------------------------------------

VOID = {"meta", "link", "br", "img", "input", "hr", "area", "base", "col", "embed", "source", "track", "wbr"}


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict
    children: list = dataclasses.field(default_factory=list)
    parent: Node | None = None

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(node.attrs.get(k) == v if v is not True else k in node.attrs for k, v in wanted.items())
        ]

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.doctype = None

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        assert node is not self.root, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(content: bytes) -> Node:
    builder = _TreeBuilder()
    builder.feed(content.decode("utf-8"))
    builder.close()
    assert builder.current is builder.root, "unclosed elements"
    builder.root.doctype = builder.doctype
    return builder.root


# -- what the channel renders -------------------------------------------------


def files_of(entry, channel=None) -> dict[str, bytes]:
    return {f.path: f.content for f in (channel or SiteChannel()).render_entry(entry)}


def page(entry) -> Node:
    return parse_html(files_of(entry)[f"{entry.language.code}/{entry.slug}/index.html"])


def json_of(entry) -> dict:
    return json.loads(files_of(entry)[f"{entry.language.code}/{entry.slug}.json"].decode("utf-8"))


def whole_site(entries) -> dict[str, bytes]:
    channel = SiteChannel()
    files = {}
    for entry in entries:
        for rendered in channel.render_entry(entry):
            assert rendered.path not in files
            files[rendered.path] = rendered.content
    for rendered in channel.render_shared(entries):
        files[rendered.path] = rendered.content
    return files


def footer_facts(doc: Node) -> dict[str, list[str]]:
    """The footer's <dl> as {label: [values]}."""
    facts: dict[str, list[str]] = {}
    label = None
    for node in doc.find("footer").find("dl").children:
        if isinstance(node, Node) and node.tag == "dt":
            label = node.text().strip()
            facts[label] = []
        elif isinstance(node, Node) and node.tag == "dd":
            facts[label].append(" ".join(node.text().split()))
    return facts


def gettext_in(code: str, message: str) -> str:
    with translation.override(code):
        return gettext(message)


def hostile_section():
    """A section whose HTML tries every way to run script or restyle the page (HOSTILE_BODY)."""
    return sample.demo_sections("en")[0].__class__(
        key="hostile", position=1, title="Hostile", body_markdown="Safe text.", body_html=HOSTILE_BODY
    )
