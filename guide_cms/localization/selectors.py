"""What a translator needs to see: per section, its state against the source,
and for an outdated section the source diff beside their translation."""
from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from modeltranslation.utils import fallbacks

from guide_cms.core.diffs import diff_words
from guide_cms.core.languages import get_language
from guide_cms.guides.models import Version, VersionStatus, sections_by_guide
from guide_cms.guides.snapshots import draft_facts

from .drafts import DraftSegment, build_draft
from .exchange.base import FUZZY, MEMORY, NEEDS_REVIEW
from .inline import plain
from .models import SegmentDraft
from .staleness import SectionState, changed_keys, outdating_versions, section_state


@dataclass
class StaleSegment:
    """A sentence whose source changed since it was translated: the source's word diff and the translation to update."""

    id: str
    source_diff_html: str
    translation: str


@dataclass
class SectionOverview:
    """One section of a translation overview: its source and translated text, state and stale sentences."""

    key: str
    position: int
    source_title: str
    source_body: str
    title: str
    body: str
    state: SectionState
    # For an outdated section: the source text the translation was made from,
    # and a word diff from it to the current approved source.
    old_source_body: str = ""
    source_diff_html: str = ""
    stale_segments: list[StaleSegment] = field(default_factory=list)


@dataclass
class TranslationOverview:
    """A guide's translation in one language at a glance: its sections, segments and versions."""

    guide: object
    language: str
    sections: list[SectionOverview] = field(default_factory=list)
    source_version: Version | None = None  # the approved source version to translate now
    translated_source_number: int | None = None  # the source version the latest translation was made from
    latest_version: Version | None = None
    segments: list[DraftSegment] = field(default_factory=list)

    def segment_count(self, state: str) -> int:
        """Translated segments in state (a segment state: MEMORY, FUZZY, NEEDS_REVIEW…)."""
        return sum(1 for item in self.segments if item.target and item.state == state)

    @property
    def to_review(self) -> list[DraftSegment]:
        """Segments that block submission: needing review or fuzzy matches."""
        return [item for item in self.segments if item.blocking]

    @property
    def from_memory(self) -> int:
        """Translated segments taken from the translation memory."""
        return self.segment_count(MEMORY)

    @property
    def fuzzy(self) -> int:
        """Translated segments that are fuzzy matches, still to be checked."""
        return self.segment_count(FUZZY)

    @property
    def needs_review(self) -> int:
        """Translated segments marked as needing review."""
        return self.segment_count(NEEDS_REVIEW)

    @property
    def stale_count(self) -> int:
        """Segments whose source changed since they were translated."""
        return sum(1 for item in self.segments if item.stale)

    @property
    def translated_count(self) -> int:
        """Sections with any translated text (not EMPTY)."""
        return sum(1 for s in self.sections if s.state != SectionState.EMPTY)

    def count(self, state: str) -> int:
        """Sections in state (a SectionState)."""
        return sum(1 for s in self.sections if s.state == state)

    @property
    def change_requests(self) -> list[str]:
        """Reviewers' comments when the latest version was sent back."""
        latest = self.latest_version
        if latest is None or latest.status != VersionStatus.CHANGES_REQUESTED:
            return []
        return [s.comment for s in latest.signatures.all() if s.decision == "request_changes"]

    @property
    def needs_work(self) -> list[SectionOverview]:
        """Sections that are empty, outdated, updated or changed: what the translator still has to do."""
        return [s for s in self.sections if s.state in (SectionState.EMPTY, SectionState.OUTDATED, SectionState.UPDATED, SectionState.CHANGED)]


# The segments of drafts by what they are made of: pairing a guide's sentences is the costly part of an
# overview (about 15 ms a guide), and a page of overviews mostly shows drafts that did not change.
_SEGMENTS: OrderedDict = OrderedDict()
_SEGMENTS_KEPT = 256  # a page of 50 guides in 5 languages; about 150 KB each
_SEGMENTS_LOCK = threading.Lock()  # request threads share it


def _segments_key(guide, language: str, sections, source_version, stored, basis) -> tuple:
    """What a draft's segments are made of: the hashes of the source, the translation, the basis and the stored states."""
    source_hash = source_version.content_hash if source_version else draft_facts(guide, guide.source_language, sections).content_hash
    return (
        guide.pk, guide.source_language, language, source_hash, draft_facts(guide, language, sections).content_hash,
        (stored.pk, stored.updated_at) if stored else None, basis.content_hash if basis else None,
    )


def _kept_segments(key: tuple) -> list[DraftSegment] | None:
    """The segments kept for key (_segments_key), now the most recently used; None if none are."""
    with _SEGMENTS_LOCK:
        found = _SEGMENTS.get(key)
        if found is not None:
            _SEGMENTS.move_to_end(key)
        return found


def _draft_segments(guide, language: str, sections, source_version, stored, basis, key: tuple, kept) -> list[DraftSegment]:
    """build_draft(...).items, or `kept` (the segments found kept for key when the texts were read), kept by key."""
    found = kept if kept is not None else _kept_segments(key)
    if found is None:
        found = build_draft(guide, language, sections, source_version=source_version, stored=stored,
                            basis_snapshot=basis.snapshot if basis else None).items
        with _SEGMENTS_LOCK:
            _SEGMENTS[key] = found
            while len(_SEGMENTS) > _SEGMENTS_KEPT:
                _SEGMENTS.popitem(last=False)
    return list(found)


def _basics(guide, language: str, versions: dict, sections, stored) -> tuple:
    """(the newest approved source version, the newest translation, the source it translated, whether a newer
    approved source outdates it, its segments' key) of one guide, from version numbers and hashes only."""
    approved_source = [v for v in versions[(guide.pk, guide.source_language)] if v.status == VersionStatus.APPROVED]
    current_source = approved_source[0] if approved_source else None
    translated = versions[(guide.pk, language)]
    latest = translated[0] if translated else None
    basis = latest.source_version if latest else None
    outdated = bool(basis is not None and current_source is not None and outdating_versions(basis.number, approved_source))
    return current_source, latest, basis, outdated, _segments_key(guide, language, sections, current_source, stored, basis)


def _load_texts(basics, stored) -> dict[tuple, list[DraftSegment]]:
    """The texts the overviews read, in a query a table: each newest translation's (its sections' states); the
    current and translated sources' only where the translation is outdated (for the diff) or its segments are
    not kept; the stored segment rows' (the largest of these: decoding them took most of a page of 50 guides)
    only where its segments are not kept. Returns the segments found kept, by key: held for this page, however
    the cache changes meanwhile (its own building, or another request's), so that no draft is left to read its
    texts one query at a time."""
    wanted, drafts, held = [], [], {}
    for (current_source, latest, basis, outdated, key), row in zip(basics, stored, strict=True):
        wanted += [latest] if latest else []
        kept = _kept_segments(key)
        if kept is not None:
            held[key] = kept
        if outdated or kept is None:
            wanted += [v for v in (current_source, basis) if v is not None]
        if kept is None and row is not None:
            drafts.append(row)
    texts = dict(Version.objects.filter(pk__in={v.pk for v in wanted}).values_list("pk", "snapshot"))
    for version in wanted:
        version.snapshot = texts[version.pk]
    if drafts:
        segments = {pk: (entries, hashes) for pk, entries, hashes in
                    SegmentDraft.objects.filter(pk__in=[row.pk for row in drafts]).values_list("pk", "segments", "unit_hashes")}
        for row in drafts:
            row.segments, row.unit_hashes = segments[row.pk]
    return held


def translation_overviews(guides, language: str, sections: dict[int, list] | None = None) -> list[TranslationOverview]:
    """One overview per guide, in at most six queries whatever the number of guides (one fewer when sections,
    the guides' draft rows by guide id from guides.models.sections_by_guide, are given; one fewer when every
    draft's segments are kept from an earlier page)."""
    lang = get_language(language)
    guides = list(guides)
    ids = [g.pk for g in guides]
    if sections is None:
        sections = sections_by_guide(ids)
    versions = defaultdict(list)
    languages = {language} | {g.source_language for g in guides}
    for version in (
        Version.objects.filter(guide_id__in=ids, language__in=languages)
        .exclude(status=VersionStatus.SUPERSEDED)
        .select_related("source_version")
        .defer(*Version.heavy_fields(), *Version.heavy_fields("source_version__"))
        .prefetch_related("signatures")
        .order_by("-number")
    ):
        versions[(version.guide_id, version.language)].append(version)
    drafts = SegmentDraft.objects.filter(guide_id__in=ids, language=language).defer("segments", "unit_hashes")
    stored = {row.guide_id: row for row in drafts}
    basics = {guide.pk: _basics(guide, language, versions, sections[guide.pk], stored.get(guide.pk)) for guide in guides}
    held = _load_texts([basics[pk] for pk in ids], [stored.get(pk) for pk in ids])

    overviews = []
    for guide in guides:
        current_source, latest, basis, is_outdated, segments_key = basics[guide.pk]
        outdated: set[str] = set()
        old_source = {}
        if is_outdated:
            outdated = changed_keys(basis.snapshot["sections"], current_source.snapshot["sections"])
            old_source = {s["key"]: s for s in basis.snapshot["sections"]}
        last_sections = {s["key"]: s for s in latest.snapshot["sections"]} if latest else None
        overview = TranslationOverview(
            guide=guide, language=language, source_version=current_source,
            translated_source_number=basis.number if basis else None, latest_version=latest,
        )
        source = get_language(guide.source_language)
        overview.segments = _draft_segments(guide, language, sections[guide.pk], current_source, stored.get(guide.pk), basis, segments_key,
                                            held.get(segments_key))
        stale_by_section = defaultdict(list)
        for item in (item for item in overview.segments if item.stale):
            stale_by_section[item.section].append(
                StaleSegment(item.id, diff_words(plain(item.old_source or ()), plain(item.source)), plain(item.target))
            )
        with fallbacks(False):
            for section in sections[guide.pk]:
                title = getattr(section, lang.field("title")) or ""
                body = getattr(section, lang.field("body")) or ""
                source_body = getattr(section, source.field("body")) or ""
                item = SectionOverview(
                    key=section.key, position=section.position,
                    source_title=getattr(section, source.field("title")) or "", source_body=source_body,
                    title=title, body=body,
                    state=section_state(title=title, body=body, key=section.key, outdated=outdated, last_version_sections=last_sections),
                )
                if item.state in (SectionState.OUTDATED, SectionState.UPDATED) and section.key in old_source:
                    new_body = next((s["body"] for s in current_source.snapshot["sections"] if s["key"] == section.key), source_body)
                    item.old_source_body = old_source[section.key]["body"]
                    item.source_diff_html = diff_words(item.old_source_body, new_body)
                    # Only the sentences that changed are outdated; the others keep their translation.
                    item.stale_segments = stale_by_section.get(section.key, [])
                overview.sections.append(item)
        overviews.append(overview)
    return overviews
