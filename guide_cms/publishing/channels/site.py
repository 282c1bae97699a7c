"""The static site channel: HTML pages, a JSON document per guide and language,
a language index and a sitemap.

Layout of the output (every file servable as it is, under any path prefix):

    index.html                      every language and every guide with the languages it is live in
    sitemap.xml                     absolute URLs (settings.GUIDE_CMS_SITE_URL)
    <lang>/index.html               the language's home page: its guides, summaries, last reviewed
    <lang>/search.html              full-text search in that language (Pagefind, no server)
    <lang>/<slug>/index.html        the guide page, or a withdrawal notice
    <lang>/<slug>.json              the same guide as data for downstream apps ("aliases": its former slugs)
    <lang>/<former slug>/index.html a guide's address before a rename: a redirect to its page (and <former slug>.json, "moved")
    pagefind/<shard>/               the search index, in shards by guide (channels/search.py; settings.GUIDE_CMS_SITE_SEARCH)

Every page carries the language switcher. Pages link only with relative URLs
that name their file (".../index.html"), so the site works from any web server
under any prefix and from disk (file://); the sitemap is the one place with
absolute ones. Nothing here reads the database or the clock: the same entries
give byte-identical files. A guide page is read back before it is returned
(printed_sections): every paragraph, list item and callout of the signed text
must be on it. A translation behind a live clinical change to its source
carries a notice (page and JSON) in its language, linking to the source page.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import orjson
from django.conf import settings
from django.template import Context
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext
from selectolax.lexbor import LexborHTMLParser

# The allow-list that rendered the bodies: reused, never copied, so the second
# pass can never be looser (or stricter) than the first.
from guide_cms.guides.markdown import sanitize_html

from .base import (
    Channel,
    ChannelError,
    Entry,
    LanguageFacts,
    PrintedSection,
    PublishedGuide,
    RenderedFile,
    RenderProblem,
    SectionContent,
    SignatureFacts,
    WithdrawnGuide,
    localized_meaning,
    missing_from,
    outdated_notice_texts,
    problems_message,
    template_engine,
)

__all__ = ["SiteChannel", "DEFAULT_SITE_URL", "site_url", "sanitize_body_html"]

DEFAULT_SITE_URL = "https://guides.example.org/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SEARCH_RESULTS = 20  # the most a search page lists (search.html)




def _render(template_name: str, context: dict, language: str) -> bytes:
    with translation.override(language):
        html = template_engine().get_template(template_name).render(Context(context, autoescape=True))
    html = _tidy(html)
    return (with_content_security_policy(html) if template_name.endswith(".html") else html).encode("utf-8")


_INLINE = re.compile(r"<(style|script)(?:\s[^>]*)?>(.*?)</\1>", re.S)


def with_content_security_policy(html: str) -> str:
    """The page with a Content-Security-Policy <meta> first in its <head>: everything from the site itself,
    the page's own inline style and script allowed by their SHA-256 (nothing else inline runs), Pagefind's
    WebAssembly, no plugins, forms sent to the site only. A static host serves the pages as they are, so the
    policy travels in the page."""
    hashes: dict[str, list[str]] = {"style": [], "script": []}
    for match in _INLINE.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(2).encode("utf-8")).digest()).decode("ascii")
        hashes[match.group(1)].append(f"'sha256-{digest}'")
    policy = "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *hashes["script"]]),
        " ".join(["style-src 'self'", *hashes["style"]]),
        "img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    ])
    return html.replace("<head>\n", f'<head>\n<meta http-equiv="Content-Security-Policy" content="{policy}">\n', 1)


def _tidy(text: str) -> str:
    """Drop the blank lines template tags leave behind; end with one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def site_url() -> str:
    """The public base URL of the site, always ending in "/"."""
    url = getattr(settings, "GUIDE_CMS_SITE_URL", None) or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"


def sanitize_body_html(html: str) -> str:
    """Section HTML through the renderer's own nh3 allow-list once more."""
    return sanitize_html(html)


def _language_rank(language: LanguageFacts) -> tuple[int, str]:
    """Settings order (source first), then any unknown code alphabetically."""
    codes = [code for code, _name in getattr(settings, "LANGUAGES", ())]
    return (codes.index(language.code) if language.code in codes else len(codes), language.code)


def _sorted_languages(languages) -> list[LanguageFacts]:
    unique = {language.code: language for language in languages}
    return sorted(unique.values(), key=_language_rank)


def _page_path(code: str, slug: str) -> str:
    """Site-root-relative directory of a guide page: "es/baclofen/"."""
    return f"{quote(code)}/{quote(slug)}/"


def _json_path(code: str, slug: str) -> str:
    return f"{quote(code)}/{quote(slug)}.json"


def _page_file(code: str, slug: str) -> str:
    """Site-root-relative file of a guide page, for links that also work from disk: "es/baclofen/index.html"."""
    return _page_path(code, slug) + "index.html"


def _home_file(code: str) -> str:
    return f"{quote(code)}/index.html"


def _search_file(code: str) -> str:
    return f"{quote(code)}/search.html"


def _from_page(path: str) -> str:
    """A site-root-relative path as seen from a guide page (<lang>/<slug>/index.html)."""
    return "../../" + path



def _guide_nav(alternates: list[dict]) -> dict:
    """The header of a guide page: its language's home and search, the guide in its other languages."""
    return {
        "home_href": "../index.html",
        "search_href": "../search.html",
        "languages": alternates,
        "all_languages_href": "../../index.html",
    }


def _iso_utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _language_data(language: LanguageFacts) -> dict:
    return {
        "code": language.code,
        "bcp47": language.bcp47,
        "direction": language.direction,
        "native_name": language.native_name,
        "english_name": language.english_name,
    }


def _format_date(code: str, value: datetime.date) -> str:
    from guide_cms.core.languages import get_language

    return get_language(code).format_date(value)


def _dumps(data: dict) -> bytes:
    """data as the site's JSON documents are written: UTF-8, keys sorted, indented by two, one newline at the end
    (what json.dumps(ensure_ascii=False, sort_keys=True, indent=2) writes, byte for byte, at a twentieth of its time)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _shown_sections(entry: PublishedGuide) -> list[tuple[SectionContent, str]]:
    """The entry's sections in page order, each with its body HTML re-sanitised: once, for the page and its JSON alike."""
    return [(section, sanitize_body_html(section.body_html)) for section in sorted(entry.sections, key=lambda s: (s.position, s.key))]


# Never shown as text by a browser: their contents are dropped before a section's text is read.
_NOT_SHOWN = ["style", "script", "template"]


def printed_sections(page: str | bytes) -> dict[str, PrintedSection]:
    """What a reader of a guide page sees of each section, by key (the id of its <section>).

    The page is parsed once, as a browser builds it (lexbor, an HTML5 parser, through selectolax):
    a section's text is every text node inside it, with none of <style>, <script> or <template> and
    none of a keyed section inside it (that one is read on its own); its callouts are the <aside
    class="callout callout-KIND"> inside it, in order. Two sections with one key: the last one counts.
    page: the page's HTML, as text or as its UTF-8 bytes.
    """
    tree = LexborHTMLParser(page)
    tree.strip_tags(_NOT_SHOWN)
    printed: dict[str, PrintedSection] = {}
    # The innermost sections first, each removed once read, so that an enclosing section reads only its own text.
    for node in reversed(tree.css("section[id]")):
        key = node.attributes.get("id")
        if not key:  # id="": not a section of the guide; its text belongs to the section around it
            continue
        callouts = []
        for aside in node.css("aside"):
            classes = (aside.attributes.get("class") or "").split()
            if "callout" in classes:
                kinds = [c.removeprefix("callout-") for c in classes if c.startswith("callout-")]
                callouts.append(kinds[0] if kinds else "")
        printed.setdefault(key, PrintedSection(text=node.text(deep=True, separator=" "), callouts=tuple(callouts)))
        node.decompose()
    return printed


class SiteChannel(Channel):
    name = "site"
    label = gettext_lazy("site")
    output_label = gettext_lazy("the site page")
    output_version = "1"

    # -- one guide in one language ---------------------------------------

    def _checked_page(self, entry: PublishedGuide, shown=None) -> tuple[bytes, list[RenderProblem]]:
        page = self._guide_page(entry, shown)
        return page, missing_from(entry, printed_sections(page), str(self.output_label))

    def check_rendering(self, entry: PublishedGuide) -> list[RenderProblem]:
        return self._checked_page(entry)[1]

    def render_entry(self, entry: Entry) -> list[RenderedFile]:
        if isinstance(entry, PublishedGuide):
            shown = _shown_sections(entry)
            page, problems = self._checked_page(entry, shown)
            if problems:
                raise ChannelError(problems_message(problems, entry, str(self.output_label)))
            files = [
                RenderedFile(f"{entry.language.code}/{entry.slug}/index.html", page),
                RenderedFile(f"{entry.language.code}/{entry.slug}.json", self._guide_json(entry, shown)),
            ]
        elif isinstance(entry, WithdrawnGuide):
            files = [
                RenderedFile(f"{entry.language.code}/{entry.slug}/index.html", self._withdrawn_page(entry)),
                RenderedFile(f"{entry.language.code}/{entry.slug}.json", self._withdrawn_json(entry)),
            ]
        else:  # pragma: no cover - the Entry union is closed
            raise TypeError(f"SiteChannel cannot render {type(entry).__name__}")
        for alias in entry.aliases:  # addresses given out before a rename (printed handouts, links) keep working
            files += [
                RenderedFile(f"{entry.language.code}/{alias}/index.html", self._moved_page(entry, alias)),
                RenderedFile(f"{entry.language.code}/{alias}.json", self._moved_json(entry, alias)),
            ]
        return sorted(files, key=lambda f: f.path)

    def _moved_page(self, entry: Entry, alias: str) -> bytes:
        """The page at a former address: a redirect (no script: a refresh and a link) to the guide's page."""
        target = f"../{quote(entry.slug)}/index.html"
        canonical = site_url() + _page_path(entry.language.code, entry.slug)
        context = {"language": entry.language, "target": target, "canonical": canonical, "alias": alias}
        return _render("publishing/site/moved.html", context, entry.language.code)

    def _moved_json(self, entry: Entry, alias: str) -> bytes:
        return _dumps({
            "slug": alias, "language": _language_data(entry.language), "moved": True, "current_slug": entry.slug,
            "page": _page_path(entry.language.code, entry.slug), "json": _json_path(entry.language.code, entry.slug),
        })

    def _alternates(self, entry: PublishedGuide) -> list[dict]:
        return [
            {
                "language": language,
                "href": _from_page(_page_file(language.code, entry.slug)),
                "current": language.code == entry.language.code,
            }
            for language in _sorted_languages((*entry.alternates, entry.language))
        ]

    def _signature_context(self, signature: SignatureFacts, code: str) -> dict:
        return {
            "printed_name": signature.printed_name,
            "credentials": signature.credentials,
            "meaning": localized_meaning(signature, code),
            "signed_on": _format_date(code, _as_utc_date(signature.signed_at)),
            "signed_on_iso": _as_utc_date(signature.signed_at).isoformat(),
        }

    def _guide_page(self, entry: PublishedGuide, shown: list[tuple[SectionContent, str]] | None = None) -> bytes:
        """shown: _shown_sections(entry), when the caller has it already."""
        code = entry.language.code
        alternates = self._alternates(entry)
        sections = [
            {
                "key": section.key,
                "title": section.title,
                "body": mark_safe(body),  # noqa: S308 - re-sanitised by _shown_sections
            }
            for section, body in (shown if shown is not None else _shown_sections(entry))
        ]
        context = {
            "entry": entry,
            "language": entry.language,
            "sections": sections,
            "alternates": alternates,
            "nav": _guide_nav(alternates),
            "x_default_href": _from_page(_page_file(entry.source_language.code, entry.slug)),
            "json_href": f"../{quote(entry.slug)}.json",
            "signatures": [self._signature_context(s, code) for s in entry.signatures],
            "approved_on": _format_date(code, entry.approved_on),
            "approved_on_iso": entry.approved_on.isoformat(),
            "next_review_due": _format_date(code, entry.next_review_due) if entry.next_review_due else "",
            "next_review_due_iso": entry.next_review_due.isoformat() if entry.next_review_due else "",
            "outdated": self._outdated(entry),
        }
        return _render("publishing/site/guide.html", context, code)

    def _outdated(self, entry: PublishedGuide) -> dict | None:
        """The notice on a translation that a live clinical change to the source is not in yet."""
        if entry.outdated is None:
            return None
        source = entry.outdated.source_language
        return {
            **outdated_notice_texts(entry),
            "source_language": source,
            "source_title": entry.outdated.source_title,
            "source_href": _from_page(_page_file(source.code, entry.slug)),
        }

    def _guide_json(self, entry: PublishedGuide, shown: list[tuple[SectionContent, str]] | None = None) -> bytes:
        """shown: _shown_sections(entry), when the caller has it already."""
        data = {
            "slug": entry.slug,
            "aliases": list(entry.aliases),
            "language": _language_data(entry.language),
            "source_language": _language_data(entry.source_language),
            "version": entry.version_number,
            "source_version": entry.source_version_number,
            "content_hash": entry.content_hash,
            "title": entry.title,
            "summary": entry.summary,
            "sections": [
                {
                    "key": section.key,
                    "position": section.position,
                    "title": section.title,
                    "markdown": section.body_markdown,
                    "html": body,
                }
                for section, body in (shown if shown is not None else _shown_sections(entry))
            ],
            "signatures": [
                {
                    "printed_name": s.printed_name,
                    "credentials": s.credentials,
                    "meaning": s.meaning,
                    "meaning_text": s.meaning_text,
                    "signed_at": _iso_utc(s.signed_at),
                    "source_version": s.source_version_number,
                }
                for s in entry.signatures
            ],
            "approved_on": entry.approved_on.isoformat(),
            "next_review_due": entry.next_review_due.isoformat() if entry.next_review_due else None,
            "review_overdue": bool(entry.review_overdue),
            "withdrawn": False,
            "outdated": self._outdated_json(entry),
            "page": _page_path(entry.language.code, entry.slug),
            "alternates": [
                {
                    **_language_data(language),
                    "page": _page_path(language.code, entry.slug),
                    "json": _json_path(language.code, entry.slug),
                }
                for language in _sorted_languages((*entry.alternates, entry.language))
            ],
        }
        return _dumps(data)

    def _outdated_json(self, entry: PublishedGuide) -> dict | None:
        if entry.outdated is None:
            return None
        source = entry.outdated.source_language
        return {
            "notice": outdated_notice_texts(entry),
            "source": {
                "language": _language_data(source),
                "version": entry.outdated.source_version_number,
                "title": entry.outdated.source_title,
                "page": _page_path(source.code, entry.slug),
                "json": _json_path(source.code, entry.slug),
            },
        }

    def _withdrawn_page(self, entry: WithdrawnGuide) -> bytes:
        context = {
            "entry": entry,
            "language": entry.language,
            "source_language": entry.source_language,
            "source_href": _from_page(_page_file(entry.source_language.code, entry.slug)),
            "nav": {
                "home_href": "../index.html",
                "search_href": "../search.html",
                "languages": [
                    {"language": language, "href": _from_page(_home_file(language.code)), "current": language.code == entry.language.code}
                    for language in _sorted_languages((entry.source_language, entry.language))
                ],
                "all_languages_href": "../../index.html",
            },
        }
        return _render("publishing/site/withdrawn.html", context, entry.language.code)

    def _withdrawn_json(self, entry: WithdrawnGuide) -> bytes:
        data = {
            "slug": entry.slug,
            "aliases": list(entry.aliases),
            "language": _language_data(entry.language),
            "withdrawn": True,
            "withdrawn_version": entry.withdrawn_version_number,
            "source": {
                "language": _language_data(entry.source_language),
                "title": entry.source_title,
                "page": _page_path(entry.source_language.code, entry.slug),
                "json": _json_path(entry.source_language.code, entry.slug),
            },
        }
        return _dumps(data)

    # -- files for the whole site ----------------------------------------

    def render_shared(self, entries: list[Entry]) -> list[RenderedFile]:
        languages = _sorted_languages(e.language for e in entries)
        files = [
            RenderedFile("index.html", self._index_page(entries, languages)),
            RenderedFile("sitemap.xml", self._sitemap(entries)),
        ]
        for language in languages:
            files.append(RenderedFile(_home_file(language.code), self._home_page(language, entries, languages)))
            files.append(RenderedFile(_search_file(language.code), self._search_page(language, languages, entries)))
        return files

    def _language_nav(self, current: LanguageFacts | None, languages: list[LanguageFacts], prefix: str) -> list[dict]:
        """The switcher of a page that is not a guide's: every language's home page."""
        return [
            {"language": language, "href": prefix + _home_file(language.code), "current": current is not None and language.code == current.code}
            for language in languages
        ]

    def _home_page(self, language: LanguageFacts, entries: list[Entry], languages: list[LanguageFacts]) -> bytes:
        """A language's home page: its live guides (title, summary, last reviewed) and its withdrawn ones."""
        code = language.code
        mine = sorted((e for e in entries if e.language.code == code), key=lambda e: (_title_key(e), e.slug))
        guides = [
            {
                "slug": e.slug,
                "title": e.title,
                "summary": e.summary,
                "href": f"{quote(e.slug)}/index.html",
                "reviewed_on": _format_date(code, e.approved_on),
                "reviewed_on_iso": e.approved_on.isoformat(),
                "review_overdue": e.review_overdue,
                "outdated": e.outdated is not None,
            }
            for e in mine
            if isinstance(e, PublishedGuide)
        ]
        withdrawn = [
            {
                "href": f"{quote(e.slug)}/index.html",
                "source_title": e.source_title,
                "source_language": e.source_language,
            }
            for e in mine
            if isinstance(e, WithdrawnGuide)
        ]
        context = {
            "language": language,
            "guides": guides,
            "withdrawn": withdrawn,
            "nav": {
                "home_href": "index.html",
                "search_href": "search.html",
                "languages": self._language_nav(language, languages, "../"),
                "all_languages_href": "../index.html",
            },
        }
        return _render("publishing/site/home.html", context, code)

    def _search_page(self, language: LanguageFacts, languages: list[LanguageFacts], entries: list[Entry]) -> bytes:
        from .search import bundle_folder

        with translation.override(language.code):
            found = [ngettext("%(count)d guide found.", "%(count)d guides found.", n) % {"count": n} for n in range(SEARCH_RESULTS + 1)]
            built_label = gettext("Search index updated: %(when)s")
        # The index shards holding this language's pages: a shard without any would answer in another language.
        shards = sorted(
            {self.index_shard(path) for e in entries if e.language.code == language.code for path in self.indexed_files(e)}, key=int
        )
        context = {
            "language": language,
            "bundles": json.dumps([f"../{bundle_folder(shard)}/" for shard in shards]),
            "found_forms": json.dumps(found, ensure_ascii=False),
            "built_label": built_label,
            "max_results": SEARCH_RESULTS,
            "nav": {
                "home_href": "index.html",
                "search_href": "search.html",
                "languages": [
                    {**item, "href": item["href"].removesuffix("index.html") + "search.html"}
                    for item in self._language_nav(language, languages, "../")
                ],
                "all_languages_href": "../index.html",
            },
        }
        return _render("publishing/site/search.html", context, language.code)

    @property
    def index_version(self) -> str:
        from .search import indexer_version

        return indexer_version()

    def indexed_files(self, entry: Entry) -> list[str]:
        """A live guide's page (not a withdrawal notice), when the site has search."""
        if isinstance(entry, PublishedGuide) and getattr(settings, "GUIDE_CMS_SITE_SEARCH", True):
            return [_page_file(entry.language.code, entry.slug)]
        return []

    def index_shard(self, path: str) -> str:
        """A guide's pages in every language share a shard: publishing the guide rebuilds one."""
        from .search import shard_of

        return shard_of(path.split("/")[1])

    def render_index(self, pages: dict[str, Path], shard: str) -> list[RenderedFile]:
        """Pagefind's bundle of one shard over the live guide pages ({path in the site: file to read}), each in its own language."""
        from .search import build_index

        return build_index(pages, shard) if pages else []

    def index_feed(self, shard: str):
        """Pagefind reading a shard's pages as they are rendered (search.PagefindFeed), when the site has search."""
        from .search import PagefindFeed

        return PagefindFeed(shard) if getattr(settings, "GUIDE_CMS_SITE_SEARCH", True) else None

    def _index_language(self, entries: list[Entry]) -> LanguageFacts:
        sources = {e.source_language.code: e.source_language for e in entries}
        if len(sources) == 1:
            return next(iter(sources.values()))
        return LanguageFacts.of(settings.SOURCE_LANGUAGE)

    def _index_page(self, entries: list[Entry], languages: list[LanguageFacts]) -> bytes:
        by_slug: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            by_slug[entry.slug].append(entry)
        guides = []
        for slug in sorted(by_slug):
            group = sorted(by_slug[slug], key=lambda e: _language_rank(e.language))
            published = [e for e in group if isinstance(e, PublishedGuide)]
            withdrawn = [e for e in group if isinstance(e, WithdrawnGuide)]
            # The heading: the source-language title if it is live, else the first live one.
            source_code = group[0].source_language.code
            heading = next((e for e in published if e.language.code == source_code), None)
            heading = heading or (published[0] if published else None)
            if heading is not None:
                title, title_language = heading.title, heading.language
            else:
                title, title_language = withdrawn[0].source_title, withdrawn[0].source_language
            guides.append(
                {
                    "slug": slug,
                    "title": title,
                    "title_language": title_language,
                    "available": [
                        {"language": e.language, "title": e.title, "href": _page_file(e.language.code, slug)}
                        for e in published
                    ],
                    "withdrawn": [
                        {"language": e.language, "href": _page_file(e.language.code, slug)} for e in withdrawn
                    ],
                }
            )
        language = self._index_language(entries)
        context = {
            "language": language,
            "guides": guides,
            "nav": {"home_href": "index.html", "search_href": "", "languages": self._language_nav(None, languages, ""), "all_languages_href": ""},
        }
        return _render("publishing/site/index.html", context, language.code)

    def _sitemap(self, entries: list[Entry]) -> bytes:
        base = site_url()
        published = sorted(
            (e for e in entries if isinstance(e, PublishedGuide)),
            key=lambda e: (e.slug, _language_rank(e.language)),
        )
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
            "  <url>",
            f"    <loc>{xml_escape(base)}</loc>",
            "  </url>",
        ]
        for entry in published:
            lines.append("  <url>")
            lines.append(f"    <loc>{xml_escape(base + _page_path(entry.language.code, entry.slug))}</loc>")
            lines.append(f"    <lastmod>{entry.approved_on.isoformat()}</lastmod>")
            alternates = [
                (language.bcp47, base + _page_path(language.code, entry.slug))
                for language in _sorted_languages((*entry.alternates, entry.language))
            ]
            alternates.append(("x-default", base + _page_path(entry.source_language.code, entry.slug)))
            for hreflang, href in alternates:
                lines.append(
                    f'    <xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>'
                )
            lines.append("  </url>")
        lines.append("</urlset>")
        return ("\n".join(lines) + "\n").encode("utf-8")


def _title_key(entry: Entry) -> str:
    title = entry.title if isinstance(entry, PublishedGuide) else entry.source_title
    return title.casefold()


def _as_utc_date(value: datetime.datetime) -> datetime.date:
    if value.tzinfo is None:
        return value.date()
    return value.astimezone(datetime.UTC).date()
