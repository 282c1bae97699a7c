"""The static site channel: pages, JSON, index and sitemap, from signed entries only (no database)."""
from __future__ import annotations

import dataclasses
import datetime
import json
import posixpath
import random
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import gettext

from guide_cms.core.languages import get_language
from guide_cms.publishing.channels.base import Channel, PublishedGuide, localized_meaning
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


# -- helpers ------------------------------------------------------------------


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


# -- the guide page -----------------------------------------------------------


def test_channel_is_named_site_and_implements_the_channel_interface():
    channel = SiteChannel()
    assert isinstance(channel, Channel)
    assert channel.name == "site"
    entry = sample.published_guide("es")
    assert channel.entry_key(entry) == SiteChannel().entry_key(entry)


def test_published_guide_gives_a_page_and_a_json_document_per_language():
    for code in sample.DEMO_LANGUAGES:
        entry = sample.published_guide(code)
        assert sorted(files_of(entry)) == [f"{code}/{SLUG}.json", f"{code}/{SLUG}/index.html"]


def test_page_is_html5_with_charset_viewport_and_the_guide_title():
    entry = sample.published_guide("es")
    content = files_of(entry)[f"es/{SLUG}/index.html"]
    assert content.startswith(b"<!DOCTYPE html>\n")
    doc = page(entry)
    assert doc.doctype.lower() == "doctype html"
    assert doc.find("meta", charset="utf-8")
    assert "width=device-width" in doc.find("meta", name="viewport").attrs["content"]
    assert doc.find("title").text() == entry.title
    assert doc.find("h1").text() == entry.title
    assert doc.find("p", class_="summary").text() == entry.summary


@pytest.mark.parametrize(
    "code, bcp47, direction",
    [("en", "en", "ltr"), ("es", "es", "ltr"), ("ar", "ar", "rtl"), ("zh-hans", "zh-Hans", "ltr"), ("vi", "vi", "ltr")],
)
def test_page_declares_the_language_and_direction_of_its_text(code, bcp47, direction):
    html = page(sample.published_guide(code)).find("html")
    assert html.attrs["lang"] == bcp47
    assert html.attrs["dir"] == direction


def test_hreflang_alternates_name_every_published_language_and_x_default():
    for code in sample.DEMO_LANGUAGES:
        doc = page(sample.published_guide(code))
        links = {
            link.attrs["hreflang"]: link.attrs["href"]
            for link in doc.find("head").find_all("link", rel="alternate")
            if "hreflang" in link.attrs
        }
        assert links == {
            "en": f"../../en/{SLUG}/index.html",
            "es": f"../../es/{SLUG}/index.html",
            "ar": f"../../ar/{SLUG}/index.html",
            "zh-Hans": f"../../zh-hans/{SLUG}/index.html",
            "vi": f"../../vi/{SLUG}/index.html",
            "x-default": f"../../en/{SLUG}/index.html",
        }


def test_hreflang_alternates_list_only_the_languages_the_guide_is_live_in():
    entry = sample.published_guide("es", alternates=("en", "es"))
    doc = page(entry)
    hreflangs = [link.attrs["hreflang"] for link in doc.find_all("link", rel="alternate") if "hreflang" in link.attrs]
    assert hreflangs == ["en", "es", "x-default"]


def test_language_switcher_lists_alternates_by_native_name_with_lang_and_hreflang():
    doc = page(sample.published_guide("ar"))
    switcher = doc.find("nav", class_="languages")
    links = [a for a in switcher.find_all("a") if "hreflang" in a.attrs]
    assert [(a.text(), a.attrs["lang"], a.attrs["hreflang"], a.attrs["href"]) for a in links] == [
        ("English", "en", "en", f"../../en/{SLUG}/index.html"),
        ("español", "es", "es", f"../../es/{SLUG}/index.html"),
        (get_language("zh-hans").native_name, "zh-Hans", "zh-Hans", f"../../zh-hans/{SLUG}/index.html"),
        ("Tiếng Việt", "vi", "vi", f"../../vi/{SLUG}/index.html"),
    ]
    current = switcher.find(aria_current="page")
    assert current.text() == "العربية" and current.attrs["lang"] == "ar" and current.attrs["dir"] == "rtl"


def test_links_outside_section_bodies_are_relative():
    for code in sample.DEMO_LANGUAGES:
        doc = page(sample.published_guide(code))
        body_links = {id(a) for section in doc.find_all("section") for a in section.find_all("a")}
        for node in doc.iter():
            href = node.attrs.get("href")
            if href is None or id(node) in body_links:
                continue
            assert "://" not in href and not href.startswith("/"), href


def test_every_relative_link_in_the_site_resolves_to_a_rendered_file():
    files = whole_site(sample.demo_entries(withdrawn=("vi",)))
    for path, content in files.items():
        if not path.endswith(".html"):
            continue
        for node in parse_html(content).iter():
            href = node.attrs.get("href")
            if not href or href.startswith(("#", "mailto:")) or "://" in href:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.split("#")[0]))
            if href.endswith("/"):
                target = "index.html" if target == "." else target + "/index.html"
            assert target in files, f"{path}: {href} -> {target}"


def test_each_section_has_its_key_as_id_its_title_as_h2_and_its_body():
    entry = sample.published_guide("es")
    doc = page(entry)
    sections = doc.find("article").find_all("section")
    assert [s.attrs["id"] for s in sections] == [s.key for s in entry.sections]
    for node, section in zip(sections, entry.sections, strict=True):
        assert node.find("h2").text() == section.title
        assert parse_html(section.body_html.encode()).text().split() == node.text().split()[len(section.title.split()) :]


def test_sections_appear_in_position_order_whatever_the_tuple_order():
    entry = sample.published_guide("en")
    shuffled = dataclasses.replace(entry, sections=tuple(reversed(entry.sections)))
    keys = [s.attrs["id"] for s in page(shuffled).find("article").find_all("section")]
    assert keys == [s.key for s in entry.sections]


def test_callouts_keep_their_markup_in_the_page():
    doc = page(sample.published_guide("es"))
    warning = doc.find("aside", class_="callout callout-warning")
    assert warning.attrs["role"] == "note"
    assert warning.attrs["aria-label"] == "Advertencia"
    assert "maquinaria pesada" in warning.text()
    tip = doc.find("aside", class_="callout callout-tip")
    assert tip.attrs["role"] == "note"


def test_page_carries_its_own_css_for_callouts_and_needs_no_other_file():
    doc = page(sample.published_guide("ar"))
    assert not doc.find_all("link", rel="stylesheet")
    assert not doc.find_all("script")
    css = doc.find("head").find("style").text()
    for selector in (".callout", ".callout-warning", ".callout-tip"):
        assert selector in css
    # Logical properties, so the callout bar sits on the reading side in Arabic too.
    assert "border-inline-start" in css


def test_footer_states_version_approval_signers_next_review_and_content_hash():
    entry = sample.published_guide("en", review_overdue=False)
    facts = footer_facts(page(entry))
    assert facts["Version"] == [str(entry.version_number)]
    assert facts["Approved on"] == ["March 14, 2025"]
    assert facts["Next review due"] == ["March 14, 2026"]
    assert facts["Content hash"] == [entry.content_hash]
    (signed,) = facts["Signed by"]
    assert "Dr. Amara Okafor" in signed and "MD, FRCP" in signed
    assert "clinically accurate, approved for publication" in signed
    assert "Review overdue" not in page(entry).find("footer").text()


@pytest.mark.parametrize("code", sample.DEMO_LANGUAGES)
def test_footer_labels_meanings_and_dates_are_in_the_page_language(code):
    entry = sample.published_guide(code)
    facts = footer_facts(page(entry))
    language = get_language(code)
    assert facts[gettext_in(code, "Version")] == [str(entry.version_number)]
    assert facts[gettext_in(code, "Approved on")] == [language.format_date(entry.approved_on)]
    assert facts[gettext_in(code, "Next review due")] == [language.format_date(entry.next_review_due)]
    assert facts[gettext_in(code, "Content hash")] == [entry.content_hash]
    signed = facts[gettext_in(code, "Signed by")]
    assert len(signed) == len(entry.signatures)
    for text, signature in zip(signed, entry.signatures, strict=True):
        assert signature.printed_name in text and signature.credentials in text
        assert localized_meaning(signature, code) in text


def test_spanish_dates_are_formatted_by_babel_in_spanish():
    facts = footer_facts(page(sample.published_guide("es")))
    assert facts[gettext_in("es", "Approved on")] == ["14 de marzo de 2025"]
    assert facts[gettext_in("es", "Next review due")] == ["14 de marzo de 2026"]


def test_translation_signature_names_the_source_version_it_translates():
    signed = " ".join(footer_facts(page(sample.published_guide("vi")))[gettext_in("vi", "Signed by")])
    assert localized_meaning(sample.translation_signature(), "vi") in signed
    assert "3" in localized_meaning(sample.translation_signature(), "vi")


def test_review_overdue_notice_appears_only_when_the_review_is_overdue():
    overdue = page(sample.published_guide("es", review_overdue=True)).find("footer")
    assert gettext_in("es", "Review overdue") in overdue.text()
    assert overdue.find_all(class_="review-overdue")
    current = page(sample.published_guide("es", review_overdue=False)).find("footer")
    assert not current.find_all(class_="review-overdue")


def test_a_guide_without_a_review_date_omits_the_line():
    facts = footer_facts(page(sample.published_guide("en", next_review_due=None)))
    assert "Next review due" not in facts
    assert json_of(sample.published_guide("en", next_review_due=None))["next_review_due"] is None


def test_content_hash_stays_left_to_right_in_an_arabic_page():
    code = page(sample.published_guide("ar")).find("dd", class_="content-hash").find("code")
    assert code.attrs["dir"] == "ltr"


def test_rendering_does_not_change_the_active_language():
    with translation.override("ar"):
        files_of(sample.published_guide("es"))
        SiteChannel().render_shared(sample.demo_entries())
        assert translation.get_language() == "ar"


# -- the JSON document ----------------------------------------------------------


def test_json_document_carries_the_signed_facts():
    entry = sample.published_guide("es")
    data = json_of(entry)
    assert data["slug"] == SLUG
    assert data["language"]["code"] == "es" and data["language"]["bcp47"] == "es"
    assert data["language"]["direction"] == "ltr"
    assert data["version"] == entry.version_number
    assert data["content_hash"] == entry.content_hash
    assert data["title"] == entry.title and data["summary"] == entry.summary
    assert [(s["key"], s["position"], s["title"], s["markdown"]) for s in data["sections"]] == [
        (s.key, s.position, s.title, s.body_markdown) for s in entry.sections
    ]
    assert all("<aside" in s["html"] or "<p>" in s["html"] for s in data["sections"])
    assert data["approved_on"] == "2025-03-14"
    assert data["next_review_due"] == "2026-03-14"
    assert data["review_overdue"] is False
    assert data["source_version"] == sample.SOURCE_VERSION
    assert [a["code"] for a in data["alternates"]] == list(sample.DEMO_LANGUAGES)
    assert data["alternates"][3]["bcp47"] == "zh-Hans"
    assert data["alternates"][2]["direction"] == "rtl"


def test_json_signatures_keep_the_recorded_meaning_and_utc_time():
    data = json_of(sample.published_guide("es"))
    assert data["signatures"] == [
        {
            "printed_name": "Dr. Amara Okafor",
            "credentials": "MD, FRCP",
            "meaning": "clinically_accurate",
            "meaning_text": "clinically accurate, approved for publication",
            "signed_at": "2025-03-14T09:30:00Z",
            "source_version": None,
        },
        {
            "printed_name": "Lucía Fernández",
            "credentials": "RN, certified medical translator",
            "meaning": "faithful_translation",
            "meaning_text": "faithful translation of source version 3",
            "signed_at": "2025-03-14T11:30:00Z",
            "source_version": 3,
        },
    ]


def test_json_signing_time_is_converted_to_utc_with_z():
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    signature = sample.clinical_signature(signed_at=datetime.datetime(2025, 3, 15, 1, 0, tzinfo=tokyo))
    data = json_of(sample.published_guide("en", signatures=(signature,)))
    assert data["signatures"][0]["signed_at"] == "2025-03-14T16:00:00Z"


def test_source_language_json_has_no_source_version():
    assert json_of(sample.published_guide("en"))["source_version"] is None


def test_json_is_utf8_sorted_indented_with_a_trailing_newline():
    entry = sample.published_guide("zh-hans")
    raw = files_of(entry)[f"zh-hans/{SLUG}.json"]
    data = json.loads(raw.decode("utf-8"))
    assert raw == (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert entry.title.encode("utf-8") in raw  # not \u escapes


def test_json_html_is_the_sanitised_html_shown_in_the_page():
    entry = sample.published_guide("en", sections=(_hostile_section(),))
    (section,) = json_of(entry)["sections"]
    for bad in ("<script", "onerror", "javascript:", "<img", "onclick", "<iframe", "<style"):
        assert bad not in section["html"]
    assert "Safe text." in section["html"]


# -- the withdrawal notice ------------------------------------------------------


def test_withdrawn_translation_gets_a_notice_in_its_language_linking_to_the_source():
    entry = sample.withdrawn_guide("ar")
    files = files_of(entry)
    assert sorted(files) == [f"ar/{SLUG}.json", f"ar/{SLUG}/index.html"]
    doc = parse_html(files[f"ar/{SLUG}/index.html"])
    html = doc.find("html")
    assert html.attrs["lang"] == "ar" and html.attrs["dir"] == "rtl"
    link = doc.find("a", href=f"../../en/{SLUG}/index.html")
    assert link.text() == entry.source_title
    assert link.attrs["lang"] == "en"
    assert gettext_in("ar", "Translation withdrawn") in doc.find("h1").text()
    assert doc.find("meta", name="robots").attrs["content"] == "noindex"


def test_withdrawn_notice_contains_none_of_the_old_translated_text():
    old = sample.published_guide("vi")
    files = files_of(sample.withdrawn_guide("vi"))
    text = b"".join(files.values()).decode("utf-8")
    fragments = [old.title, old.summary, *(s.title for s in old.sections)]
    fragments += [p.strip() for s in old.sections for p in s.body_markdown.split("\n\n") if p.strip()]
    for fragment in fragments:
        assert fragment not in text
    assert old.content_hash not in text


def test_withdrawn_json_says_so_and_points_to_the_source():
    data = json_of(sample.withdrawn_guide("vi"))
    assert data["withdrawn"] is True
    assert data["slug"] == SLUG
    assert data["language"]["code"] == "vi"
    assert data["source"]["page"] == f"en/{SLUG}/"
    assert data["source"]["json"] == f"en/{SLUG}.json"
    assert data["source"]["title"] == sample.withdrawn_guide("vi").source_title
    assert "sections" not in data and "title" not in data


# -- index and sitemap ------------------------------------------------------------


def test_index_lists_each_guide_with_native_language_names_and_lang_attributes():
    files = whole_site(sample.demo_entries())
    doc = parse_html(files["index.html"])
    guide = doc.find("section", id=SLUG)
    links = guide.find("ul", class_="available").find_all("a")
    assert [a.attrs["href"] for a in links] == [f"{code}/{SLUG}/index.html" for code in sample.DEMO_LANGUAGES]
    for link, code in zip(links, sample.DEMO_LANGUAGES, strict=True):
        language = get_language(code)
        assert link.find("span", class_="language-name").text() == language.native_name
        assert link.attrs["lang"] == language.bcp47 and link.attrs["hreflang"] == language.bcp47
        assert link.attrs["dir"] == language.direction
    assert {"العربية", "español", "Tiếng Việt"} <= {a.find(class_="language-name").text() for a in links}


def test_index_does_not_offer_withdrawn_translations_as_available():
    doc = parse_html(whole_site(sample.demo_entries(withdrawn=("vi",)))["index.html"])
    guide = doc.find("section", id=SLUG)
    available = [a.attrs["href"] for a in guide.find("ul", class_="available").find_all("a")]
    assert f"vi/{SLUG}/index.html" not in available
    (notice,) = guide.find("ul", class_="withdrawn").find_all("a")
    assert notice.attrs["href"] == f"vi/{SLUG}/index.html" and notice.attrs["lang"] == "vi"
    assert "hreflang" not in notice.attrs


def test_sitemap_is_valid_xml_with_absolute_urls_and_hreflang_alternates():
    xml = whole_site(sample.demo_entries())["sitemap.xml"]
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert b'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in xml
    root = ET.fromstring(xml)
    assert root.tag == f"{SM}urlset"
    urls = {url.find(f"{SM}loc").text: url for url in root.findall(f"{SM}url")}
    base = "https://guides.example.org/"
    assert set(urls) == {base, *(f"{base}{code}/{SLUG}/" for code in sample.DEMO_LANGUAGES)}
    expected = {get_language(code).bcp47: f"{base}{code}/{SLUG}/" for code in sample.DEMO_LANGUAGES}
    expected["x-default"] = f"{base}en/{SLUG}/"
    for code in sample.DEMO_LANGUAGES:
        url = urls[f"{base}{code}/{SLUG}/"]
        assert url.find(f"{SM}lastmod").text == "2025-03-14"
        links = url.findall(f"{XHTML}link")
        assert all(link.attrib["rel"] == "alternate" for link in links)
        assert {link.attrib["hreflang"]: link.attrib["href"] for link in links} == expected


def test_sitemap_leaves_out_withdrawn_notices_and_their_alternates():
    root = ET.fromstring(whole_site(sample.demo_entries(withdrawn=("vi",)))["sitemap.xml"])
    text = ET.tostring(root, encoding="unicode")
    assert f"/vi/{SLUG}/" not in text
    assert len(root.findall(f"{SM}url")) == 1 + 4


def test_sitemap_uses_the_configured_site_url(settings):
    settings.GUIDE_CMS_SITE_URL = "https://health.example.net/guides"
    root = ET.fromstring(SiteChannel().render_shared(sample.demo_entries())[1].content)
    locs = [loc.text for loc in root.iter(f"{SM}loc")]
    assert locs[0] == "https://health.example.net/guides/"
    assert f"https://health.example.net/guides/es/{SLUG}/" in locs


def test_sitemap_falls_back_to_the_default_site_url(settings):
    if hasattr(settings, "GUIDE_CMS_SITE_URL"):
        del settings.GUIDE_CMS_SITE_URL
    root = ET.fromstring(SiteChannel().render_shared(sample.demo_entries())[1].content)
    assert next(root.iter(f"{SM}loc")).text == "https://guides.example.org/"


def test_shared_files_are_the_index_the_sitemap_and_a_home_and_search_page_per_language():
    paths = [f.path for f in SiteChannel().render_shared(sample.demo_entries())]
    assert paths == ["index.html", "sitemap.xml", *(f"{code}/{page}" for code in sample.DEMO_LANGUAGES for page in ("index.html", "search.html"))]


# -- safety -----------------------------------------------------------------------


def _hostile_section():
    return sample.demo_sections("en")[0].__class__(
        key="hostile", position=1, title="Hostile", body_markdown="Safe text.", body_html=HOSTILE_BODY
    )


def test_hostile_body_html_is_neutralised_in_the_page():
    entry = sample.published_guide("en", sections=(_hostile_section(),))
    content = files_of(entry)[f"en/{SLUG}/index.html"]
    doc = parse_html(content)
    section = doc.find("section", id="hostile")
    assert "Safe text." in section.text()
    assert not doc.find_all("script") and not doc.find_all("img") and not doc.find_all("iframe")
    assert len(doc.find_all("style")) == 1  # the page's own, in <head>
    for node in doc.iter():
        assert not any(name.startswith("on") for name in node.attrs), node
        assert "style" not in node.attrs
        assert not (node.attrs.get("href") or "").lower().startswith("javascript")
    assert b"alert(1)" not in content


def test_hostile_titles_summaries_and_names_are_escaped():
    signature = sample.clinical_signature(printed_name=HOSTILE_TEXT, credentials=HOSTILE_TEXT)
    section = dataclasses.replace(sample.demo_sections("en")[0], title=HOSTILE_TEXT, key='x" onmouseover="alert(3)')
    entry = sample.published_guide(
        "en", title=HOSTILE_TEXT, summary=HOSTILE_TEXT, sections=(section,), signatures=(signature,),
    )
    files = whole_site([entry])
    for path in (f"en/{SLUG}/index.html", "index.html"):
        doc = parse_html(files[path])
        assert not doc.find_all("script") and not doc.find_all("img")
        for node in doc.iter():
            assert not any(name.startswith("on") for name in node.attrs), (path, node.tag, node.attrs)
    doc = parse_html(files[f"en/{SLUG}/index.html"])
    assert doc.find("h1").text() == HOSTILE_TEXT
    assert doc.find("title").text() == HOSTILE_TEXT
    assert doc.find("p", class_="summary").text() == HOSTILE_TEXT
    assert doc.find("section").attrs["id"] == 'x" onmouseover="alert(3)'
    assert HOSTILE_TEXT in doc.find("footer").text()
    assert json.loads(files[f"en/{SLUG}.json"])["title"] == HOSTILE_TEXT


def test_hostile_withdrawn_source_title_is_escaped():
    doc = page(sample.withdrawn_guide("es", source_title=HOSTILE_TEXT))
    assert not doc.find_all("script") and not doc.find_all("img")
    assert doc.find("a", href=f"../../en/{SLUG}/index.html").text() == HOSTILE_TEXT


# -- determinism ------------------------------------------------------------------


def test_same_entries_render_byte_identical_files():
    first = whole_site(sample.demo_entries(withdrawn=("ar",)))
    second = whole_site(sample.demo_entries(withdrawn=("ar",)))
    assert first == second


def test_entry_and_alternate_order_do_not_change_the_output():
    entries = sample.demo_entries(withdrawn=("ar",))
    expected = whole_site(entries)
    shuffled = list(entries)
    random.Random(4).shuffle(shuffled)
    shuffled = [
        dataclasses.replace(e, alternates=tuple(reversed(e.alternates))) if isinstance(e, PublishedGuide) else e
        for e in shuffled
    ]
    assert whole_site(shuffled) == expected
