"""What a rendered Markdown fragment holds: its tags, links and asides, and what find_problems reports."""
from html.parser import HTMLParser

from guide_cms.guides.markdown import find_problems


class Elements(HTMLParser):
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
    parser = Elements()
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
