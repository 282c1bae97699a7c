"""What a channel is given and what it must return.

A channel turns published guides into files. It never sees the database or
the live drafts: the exporter hands it entries built from signed snapshots
whose hashes and seals were re-checked, and writes what it returns. Output
must be deterministic: the same entries give byte-identical files.
"""
from __future__ import annotations

import datetime
import unicodedata
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template import Engine
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


@cache
def template_engine() -> Engine:
    """The channels' own template engine: their templates only, autoescaping on,
    so no other app's template can change what patients get."""
    return Engine(dirs=[str(TEMPLATE_DIR)], app_dirs=False, autoescape=True, debug=False, builtins=["django.templatetags.i18n"])


@dataclass(frozen=True)
class SignatureFacts:
    printed_name: str
    credentials: str
    meaning: str  # code: "clinically_accurate" | "faithful_translation"
    meaning_text: str  # as recorded (English), e.g. "clinically accurate, approved for publication"
    signed_at: datetime.datetime  # UTC
    source_version_number: int | None = None  # for "faithful translation of source version N"


def localized_meaning(signature: SignatureFacts, language: str) -> str:
    """The signature's meaning in the reader's language (the record keeps English)."""
    from django.utils import translation

    from guide_cms.review.models import meaning_text

    with translation.override(language):
        return meaning_text(signature.meaning, signature.source_version_number)


def outdated_notice_texts(entry: PublishedGuide) -> dict[str, str]:
    """The outdated-translation notice in the entry's language (site page, JSON and handout say the same)."""
    from django.utils import translation

    from guide_cms.core.languages import get_language

    notice = entry.outdated
    reader = get_language(entry.language.code)
    # The source language named in the reader's language ("inglés"), from Babel.
    source_name = get_language(notice.source_language.code).locale.get_display_name(reader.locale)
    with translation.override(reader.code):
        return {
            "heading": _("This translation is being updated"),
            "explanation": _(
                "The original guide in %(language)s has been updated with a change to its medical advice since this "
                "translation was made. This translation does not include that change yet: it is being updated and "
                "will be checked by a clinician."
            ) % {"language": source_name},
            "pointer": _("Until the updated translation is published, please read the current guide in %(language)s:")
            % {"language": source_name},
        }


@dataclass(frozen=True)
class SectionContent:
    key: str
    position: int
    title: str
    body_markdown: str
    body_html: str  # from guide_cms.guides.markdown.render_markdown, already sanitised


@dataclass(frozen=True)
class LanguageFacts:
    code: str  # Django code: "zh-hans"
    bcp47: str  # "zh-Hans"
    direction: str  # "ltr" | "rtl"
    native_name: str  # "العربية"
    english_name: str

    @classmethod
    def of(cls, code: str) -> LanguageFacts:
        """The facts of a configured language, from the registry (kept: an export asks for them per entry).
        Raises core.languages.UnknownLanguage."""
        return _language_facts(code)


@cache
def _language_facts(code: str) -> LanguageFacts:
    from guide_cms.core.languages import get_language

    lang = get_language(code)
    return LanguageFacts(code=lang.code, bcp47=lang.bcp47, direction=lang.direction, native_name=lang.native_name,
                         english_name=lang.english_name)


@dataclass(frozen=True)
class OutdatedNotice:
    """A published translation whose source has since had a clinical change, now live in
    the source language: the translation stays up with a notice, in its own language,
    that it is being updated and where the current text is."""

    source_language: LanguageFacts
    source_version_number: int  # the live source version, which has the change
    source_title: str  # its title, for the link


@dataclass(frozen=True)
class PublishedGuide:
    """One guide in one language, exactly as signed."""

    slug: str
    language: LanguageFacts
    version_number: int
    content_hash: str
    title: str
    summary: str
    sections: tuple[SectionContent, ...]
    signatures: tuple[SignatureFacts, ...]  # approving signatures, in signing order
    approved_on: datetime.date
    next_review_due: datetime.date | None
    review_overdue: bool
    source_version_number: int | None  # for a translation: the source version it translates
    # Languages this guide is live in (for hreflang alternates), including this one.
    alternates: tuple[LanguageFacts, ...]
    source_language: LanguageFacts
    # Set while a clinical change to the source, live in the source language, is not in this translation yet.
    outdated: OutdatedNotice | None = None
    # The guide's former slugs (oldest first): addresses given out before a rename, which keep working.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class WithdrawnGuide:
    """A published translation withdrawn after a safety change to its source:
    its files are replaced by a notice in its language pointing to the source."""

    slug: str
    language: LanguageFacts
    source_language: LanguageFacts
    source_title: str  # the current source-language title
    withdrawn_version_number: int
    aliases: tuple[str, ...] = ()  # as PublishedGuide's


Entry = PublishedGuide | WithdrawnGuide


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative, "/"-separated, e.g. "es/muscle-relaxants/index.html"
    content: bytes


class IndexFeed(ABC):
    """One shard of a channel's search index, built as its pages come (Channel.index_feed): an export adds each
    indexed page as it renders it, then builds the shard over the pages the release ends up with, or closes it."""

    @abstractmethod
    def add(self, path: str, content: bytes) -> None:
        """A page of the shard: content is the file an export writes at path (never changed after)."""

    def start(self, pages: list[str]) -> None:  # noqa: B027 - optional: a feed may build in build() only
        """The shard will be built over pages (paths in the output): a feed that was given them all may start
        building now, and build() then only waits for it. Their files may not all be written yet."""

    @abstractmethod
    def build(self, pages: dict[str, Path]) -> list[RenderedFile]:
        """The shard's files over exactly pages ({path in the output: the file to read}), as render_index gives them:
        the pages added are used as far as they are those pages; the others are read from their files."""

    @abstractmethod
    def close(self) -> None:
        """Let go of whatever the feed holds (a process, pages), whether it was built or is not needed."""


class ChannelError(Exception):
    """The channel refuses to produce output (e.g. a glyph no font can draw); nothing is written."""


@dataclass(frozen=True)
class PrintedSection:
    """What a reader of one channel gets of one section, read back from the rendered output."""

    text: str  # every character shown, in any order
    callouts: tuple[str, ...] = ()  # kinds of the callouts shown ("warning", "tip"), in order
    overflowing: tuple[str, ...] = ()  # text laid out outside the page, where no one can read it


@dataclass(frozen=True)
class RenderProblem:
    """Something of an entry that would not reach the reader of a channel."""

    section: str  # section key, "" for the guide as a whole
    code: str  # "dropped" | "overflow" | "unprintable" | "render-failed" | "limit"
    message: str


MAX_PROBLEMS_PER_SECTION = 5


def _letters(text: str) -> Counter:
    """The characters of text that must be seen, whatever the layout: no spaces,
    controls or format characters, case folded (a label may be upper-cased)."""
    counts = Counter(unicodedata.normalize("NFC", text).casefold())  # counted in C; few distinct characters to drop
    for c in [c for c in counts if c.isspace() or unicodedata.category(c) in ("Cc", "Cf")]:
        del counts[c]
    return counts


def _folded(text: str) -> str:
    """text as _letters reads it, in order, without whitespace: NFC, case folded."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def _shown_in_order(units, shown: str) -> bool:
    """Whether each unit's text (_folded) is found in what is shown (_folded), each after the one before.

    Found so, the units' characters are all there, each counted once (their places do not overlap): what
    counting them with _letters would find, in a fraction of its time. False says nothing: then they are
    counted (a layout may show text in another order, or drop a format character).
    """
    pool = _folded(shown)
    at = 0
    for unit in units:
        if unit.text:
            wanted = _folded(unit.text)
            found = pool.find(wanted, at)
            if found < 0:
                return False
            at = found + len(wanted)
    return True


def _excerpt(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def missing_from(entry: PublishedGuide, printed: dict[str, PrintedSection], where: str) -> list[RenderProblem]:
    """Every paragraph, list item and callout of entry's sections that `printed` lacks.

    The snapshot's Markdown is read again on its own (guides.markdown.text_units)
    and each unit's characters are looked for in what the channel shows of its
    section; `where` names the output ("the site page", "the handout").
    """
    from guide_cms.guides.markdown import text_units

    constructs = {"paragraph": _("paragraph"), "list item": _("list item"), "quote": _("quote")}
    callout_names = {"warning": _("warning callout"), "tip": _("tip callout")}
    problems: list[RenderProblem] = []
    for section in sorted(entry.sections, key=lambda s: (s.position, s.key)):
        shown = printed.get(section.key)
        if shown is None:
            problems.append(RenderProblem(section.key, "dropped", _("The whole section is missing from %(where)s.") % {"where": where}))
            continue
        found: list[RenderProblem] = []
        units = text_units(section.body_markdown)
        # Every unit's characters together within what is shown: none can be missing (the usual case, most often
        # seen without counting: each unit's text is shown whole, in order).
        everything = _shown_in_order(units, shown.text)
        if not everything:
            pool = _letters(shown.text)
            everything = not (_letters("\n".join(unit.text for unit in units)) - pool)
        for unit in () if everything else units:
            if not unit.text:
                continue  # a callout itself: compared below
            need = _letters(unit.text)
            if need - pool:
                construct = callout_names.get(unit.callout) if unit.construct == "callout" else constructs[unit.construct]
                found.append(RenderProblem(section.key, "dropped", _(
                    "Line %(line)d, %(construct)s “%(text)s”: this text is missing from %(where)s."
                ) % {"line": unit.line, "construct": construct, "text": _excerpt(unit.text), "where": where}))
            else:
                pool -= need
        expected = [unit for unit in units if unit.construct == "callout" and not unit.text]
        if [unit.callout for unit in expected] != list(shown.callouts):
            have = Counter(shown.callouts)
            for unit in expected:
                if have[unit.callout]:
                    have[unit.callout] -= 1
                    continue
                found.append(RenderProblem(section.key, "dropped", _(
                    "Line %(line)d, %(construct)s: it is not shown as a callout in %(where)s."
                ) % {"line": unit.line, "construct": callout_names.get(unit.callout, unit.callout), "where": where}))
        for text in shown.overflowing[:MAX_PROBLEMS_PER_SECTION]:
            found.append(RenderProblem(section.key, "overflow", _(
                "“%(text)s” does not fit on the page of %(where)s: it is laid out beyond the margin, where it "
                "is cut off. Break up the long word or address."
            ) % {"text": _excerpt(text), "where": where}))
        problems += found[:MAX_PROBLEMS_PER_SECTION]
        if len(found) > MAX_PROBLEMS_PER_SECTION:
            problems.append(RenderProblem(section.key, "dropped", _("… and %(count)d more problems in this section.") % {
                "count": len(found) - MAX_PROBLEMS_PER_SECTION}))
    return problems


def limit_problems(entry: Entry) -> list[RenderProblem]:
    """Sections past the size and nesting limits (guides.text_limits): signed before the
    limits existed, they are refused before any renderer is tried (WeasyPrint could
    recurse for a long time, markdown-it drop text)."""
    from guide_cms.guides.text_limits import markdown_limit_problems

    problems = []
    for section in getattr(entry, "sections", ()):
        for line, _column, _code, message in markdown_limit_problems(section.body_markdown):
            problems.append(RenderProblem(section.key, "limit", _("Line %(line)d: %(message)s") % {"line": line, "message": message}))
    return problems


def problems_message(problems: list[RenderProblem], entry: Entry, where: str) -> str:
    """One message for a ChannelError: the guide, the language and every problem with its section."""
    lines = [
        (_("section '%(key)s': %(message)s") % {"key": p.section, "message": p.message}) if p.section else p.message
        for p in problems
    ]
    # The guide as people name it: its title and the language's name in the reader's language, not "baclofen [es]".
    from guide_cms.core.languages import UnknownLanguage, get_language

    try:
        language = get_language(entry.language.code).display_name
    except UnknownLanguage:
        language = entry.language.code
    title = entry.title if isinstance(entry, PublishedGuide) else entry.source_title
    return _("%(where)s of %(guide)s (%(language)s) would not show the signed text: %(problems)s") % {
        "where": capfirst(where), "guide": title, "language": language, "problems": " ".join(lines)}


class Channel(ABC):
    """One output format. Subclasses are listed in settings.GUIDE_CMS_CHANNELS."""

    name: str = ""
    # The channel as people call it ("site", "handouts"), in the interface language.
    label = gettext_lazy("channel")
    # How messages name this channel's output for one guide ("the site page").
    output_label = gettext_lazy("the channel's output")
    # Bump when the channel's templates or code change its output, so
    # incremental exports re-render instead of reusing old files.
    output_version: str = "1"

    @abstractmethod
    def render_entry(self, entry: Entry) -> list[RenderedFile]:
        """Files for one guide in one language."""

    def check_rendering(self, entry: PublishedGuide) -> list[RenderProblem]:
        """What of entry's signed text would not reach a reader of this channel.

        The default renders the entry's files (a failure raises); a channel
        that can read back what it shows overrides this to compare it with the
        snapshot (missing_from), as far as layout and no further.
        """
        self.render_entry(entry)
        return []

    def quick_check(self, entry: PublishedGuide) -> list[RenderProblem]:
        """Cheap checks (no layout) a publisher sees before confirming; none by default."""
        return []

    def trial(self, entry: PublishedGuide) -> list[RenderProblem]:
        """check_rendering, with a failure to render turned into a problem (for submission)."""
        try:
            return self.check_rendering(entry)
        except ChannelError as exc:
            return [RenderProblem("", "render-failed", str(exc))]
        except RecursionError:
            return [RenderProblem("", "render-failed", _(
                "%(where)s cannot be laid out: the text is nested too deeply for the renderer."
            ) % {"where": capfirst(self.output_label)})]
        except Exception as exc:  # noqa: BLE001 - any failure of a renderer is a reason not to sign
            return [RenderProblem("", "render-failed", _("%(where)s cannot be rendered: %(error)s") % {
                "where": capfirst(self.output_label), "error": f"{type(exc).__name__}: {exc}"})]

    def render_shared(self, entries: list[Entry]) -> list[RenderedFile]:
        """Files that depend on every entry (index, sitemap). None by default.

        Entries whose files were reused carry their title and summary only
        (read from the manifest), unless shared_needs_text says otherwise.
        """
        return []

    @property
    def has_shared_files(self) -> bool:
        """Whether render_shared writes anything (the channel overrides it)."""
        return type(self).render_shared is not Channel.render_shared

    @property
    def shared_needs_text(self) -> bool:
        """Whether render_shared reads every entry's sections: then the export loads the
        text of reused entries too (checked, and cached by content hash)."""
        return False

    @property
    def index_version(self) -> str:
        """What the search index depends on besides its pages (the indexer's version)."""
        return ""

    def indexed_files(self, entry: Entry) -> list[str]:
        """The files of entry that the channel's search index reads (none by default).

        The index is built again only when one of these files changed: the
        export decides it from their SHA-256, without reading any text.
        """
        return []

    def index_shard(self, path: str) -> str:
        """The shard of the search index that reads the indexed file at path: each shard is built
        on its own, and only when one of its files changed (one shard, "0", by default)."""
        return "0"

    def render_index(self, pages: dict[str, Path], shard: str) -> list[RenderedFile]:
        """One shard of the search index over the indexed files: {path in the output: the file to read
        now (staged, or still live)}."""
        return []

    def index_feed(self, shard: str) -> IndexFeed | None:
        """A feed of one shard of the search index (IndexFeed): the export gives it each indexed page as it renders
        it, so the index is built alongside, and builds the shard through it. None (the default): the shard is
        built by render_index from its files. Either way the shard's files are the same."""
        return None

    def entry_key(self, entry: Entry) -> str:
        """Everything render_entry's output depends on; equal keys mean equal files.

        Computed without the entry's text: its content hash stands for the
        title, summary and sections, and text_fingerprint for how Markdown and
        the interface catalogue of its language turn them into HTML, so that
        deciding what changed reads keys only and renders nothing.
        """
        from guide_cms.core.hashing import sha256_hex

        return sha256_hex(
            {
                "channel": self.name, "output_version": self.output_version, "templates": templates_fingerprint(),
                "text": text_fingerprint(entry.language.code), "entry": key_facts(entry),
            }
        )

    # Settings render_entry reads: a worker process rendering for this channel is given their values.
    render_settings: tuple[str, ...] = ("GUIDE_CMS_SITE_URL", "LANGUAGES", "SOURCE_LANGUAGE")
    # Whether render_entry is worth sending to other processes (a page takes milliseconds, a PDF a second).
    parallel: bool = False

    def render_cost(self, entry: Entry) -> float:
        """About how long render_entry(entry) takes, in any unit the channel's entries share: a pool of
        workers starts the costliest first (rendering.py), so that the last renders are short ones. All
        equal by default: entries render in the order given."""
        return 1.0


def key_facts(entry: Entry) -> dict:
    """The entry as hashed for its key: everything but the text, which its content hash stands for."""
    import dataclasses

    if not isinstance(entry, PublishedGuide):
        return _plain(entry)
    text = {"title", "summary", "sections"}  # not walked at all: a key is computed for every live entry
    return {"type": type(entry).__name__, **{f.name: _plain(getattr(entry, f.name)) for f in dataclasses.fields(entry) if f.name not in text}}


@cache
def text_fingerprint(code: str) -> str:
    """What turns a signed text into HTML besides the text: the Markdown renderer (its code, markdown-it,
    its plugins, nh3) and the interface catalogue of the language (callout labels)."""
    import hashlib
    from importlib.metadata import version

    from django.conf import settings
    from django.utils.translation import to_locale

    from guide_cms.guides import markdown

    digest = hashlib.sha256(Path(markdown.__file__).read_bytes())
    for package in ("markdown-it-py", "mdit-py-plugins", "nh3"):
        digest.update(f"{package}=={version(package)}".encode())
    for folder in getattr(settings, "LOCALE_PATHS", ()):
        catalogue = Path(folder) / to_locale(code) / "LC_MESSAGES" / "django.mo"
        if catalogue.is_file():
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


@cache
def templates_fingerprint() -> str:
    """A hash of the channels' templates and styles: editing one re-renders every page."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(TEMPLATE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _plain(value):
    """A dataclass tree as JSON-ready data, for hashing."""
    import dataclasses

    if dataclasses.is_dataclass(value):
        return {"type": type(value).__name__, **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value
