"""What a channel is given and what it must return.

A channel turns published guides into files. It never sees the database or
the live drafts: the exporter hands it entries built from signed snapshots
whose hashes and seals were re-checked, and writes what it returns. Output
must be deterministic: the same entries give byte-identical files.
"""
from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.template import Engine

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

    from guide_cms.review.models import Meaning

    with translation.override(language):
        label = str(Meaning(signature.meaning).label)
    if signature.meaning == Meaning.FAITHFUL_TRANSLATION:
        label = label % {"number": signature.source_version_number}
    return label


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
    def of(cls, code: str) -> "LanguageFacts":
        """The facts of a configured language, from the registry."""
        from guide_cms.core.languages import get_language

        lang = get_language(code)
        return cls(code=lang.code, bcp47=lang.bcp47, direction=lang.direction, native_name=lang.native_name, english_name=lang.english_name)


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


@dataclass(frozen=True)
class WithdrawnGuide:
    """A published translation withdrawn after a safety change to its source:
    its files are replaced by a notice in its language pointing to the source."""

    slug: str
    language: LanguageFacts
    source_language: LanguageFacts
    source_title: str  # the current source-language title
    withdrawn_version_number: int


Entry = PublishedGuide | WithdrawnGuide


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative, "/"-separated, e.g. "es/muscle-relaxants/index.html"
    content: bytes


class ChannelError(Exception):
    """The channel refuses to produce output (e.g. a glyph no font can draw); nothing is written."""


class Channel(ABC):
    """One output format. Subclasses are listed in settings.GUIDE_CMS_CHANNELS."""

    name: str = ""
    # Bump when the channel's templates or code change its output, so
    # incremental exports re-render instead of reusing old files.
    output_version: str = "1"

    @abstractmethod
    def render_entry(self, entry: Entry) -> list[RenderedFile]:
        """Files for one guide in one language."""

    def render_shared(self, entries: list[Entry]) -> list[RenderedFile]:
        """Files that depend on every entry (index, sitemap). None by default."""
        return []

    def entry_key(self, entry: Entry) -> str:
        """Everything render_entry's output depends on; equal keys mean equal files."""
        from guide_cms.core.hashing import sha256_hex

        return sha256_hex(
            {"channel": self.name, "output_version": self.output_version, "templates": templates_fingerprint(), "entry": _plain(entry)}
        )


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
