"""Build channel entries from live publications, only after re-checking that
each version's text still matches its hash and its signatures' seals.

plan_entries reads keys only (publications, version numbers and content
hashes, signatures' facts, source titles) and gives entries without their
text: enough to decide which files must change. An entry's text is read,
checked and rendered only when it is loaded for rendering, and checked texts
are kept by content hash, so an entry rendered again for another reason (its
alternates, its notice) is not read or hashed again.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from django.db.models import F, Max
from django.db.models.fields.json import KT
from django.utils import timezone

from guide_cms.core.audit import SealedHistory
from guide_cms.core.languages import all_languages, get_language
from guide_cms.guides.markdown import render_markdown
from guide_cms.guides.models import Guide, Version, VersionStatus, add_months
from guide_cms.guides.snapshots import content_hash
from guide_cms.localization.staleness import outdating_versions, withdrawn_by_safety
from guide_cms.guides.records import former_slugs, guide_problems, guide_settings_records
from guide_cms.review.records import version_problems, version_records
from guide_cms.review.seals import seal_is_valid

from .channels.base import (
    Entry, LanguageFacts, OutdatedNotice, PublishedGuide, SectionContent, SignatureFacts, WithdrawnGuide, text_fingerprint,
)
from .models import Publication


@dataclass(frozen=True)
class PlannedEntry:
    """An entry as far as its key goes (entries.plan_entries: its text left out), and how to load
    it whole (text read, checked against its content hash and seals, rendered) when it must be rendered."""

    stub: Entry
    load_text: Callable[..., Entry] | None = field(default=None, compare=False)  # (snapshot=None) -> Entry
    version_id: int | None = None  # whose stored text load_text reads (None: nothing to read)
    text_key: tuple[str, str] | None = None  # (content hash, language): how the checked text is kept

    def load(self, snapshot: dict | None = None) -> Entry:
        """The whole entry; snapshot: the version's stored text when the caller read it already (load_entries)."""
        return self.stub if self.load_text is None else self.load_text(snapshot=snapshot)


TEXTS_PER_QUERY = 100  # stored texts read together when many entries are rendered (about 50 KB each)


def load_entries(items: list[PlannedEntry]) -> Iterator[Entry]:
    """Each item loaded, in order, the stored texts read TEXTS_PER_QUERY at a time rather than one
    query an entry (texts already checked and kept by content hash are not read at all)."""
    for start in range(0, len(items), TEXTS_PER_QUERY):
        chunk = items[start:start + TEXTS_PER_QUERY]
        texts = stored_texts([item for item in chunk if item.version_id is not None])
        for item in chunk:
            yield item.load(snapshot=texts.get(item.version_id))



class ExportRefused(Exception):
    """A live version failed its integrity check; nothing was exported."""


def verify_version(version: Version, record=None) -> list:
    """The version's approving signatures, or ExportRefused if text, seals or the facts sealed in the
    audit trail (status, signatures, approvals required, author, contributors) were altered.

    record: its review.records.VersionRecord, when the caller read several at once.
    """
    if version.status != VersionStatus.APPROVED:
        raise ExportRefused(f"{version} is not approved")
    if content_hash(version.snapshot) != version.content_hash:
        raise ExportRefused(f"{version}: its stored text no longer matches its content hash; run verify_integrity")
    signatures = list(version.signatures.all())
    if record is None:
        record = version_records([version.pk])[version.pk]
    if problems := version_problems(version, record, signatures):
        raise ExportRefused(f"{version}: its record differs from the audit trail ({'; '.join(problems)}); run verify_integrity")
    approvals = [s for s in signatures if s.decision == "approve"]
    if not approvals:
        raise ExportRefused(f"{version} has no approving signature")
    for signature in approvals:
        if signature.content_hash != version.content_hash or not seal_is_valid(signature):
            raise ExportRefused(f"{version}: the seal of {signature.printed_name}'s signature does not verify; run verify_integrity")
    return approvals


def outdating_live_source(translated_source_number: int | None, approved_source: list, live_source_number: int | None):
    """The live source version, if a clinical or safety change approved after the translated
    source version, up to the live one, is in it; else None. The translation then carries
    a notice pointing to that live source text.

    approved_source: the guide's approved source versions (objects with .number, .change_class).
    """
    if translated_source_number is None or live_source_number is None:
        return None
    up_to_live = [v for v in approved_source if v.number <= live_source_number]
    if not outdating_versions(translated_source_number, up_to_live):
        return None
    return next((v for v in approved_source if v.number == live_source_number), None)


def live_source_versions(guide_ids) -> dict[int, int]:
    """{guide id: the newest source version live on any channel}: the text a notice on an
    outdated translation points to (on paper, the handout prints the site page's address)."""
    rows = (
        Publication.objects.live().filter(guide_id__in=list(guide_ids), language=F("guide__source_language"))
        .values("guide_id").annotate(number=Max("version__number"))
    )
    return {row["guide_id"]: row["number"] for row in rows}


def _published_stub(
    version: Version, guide: Guide, approvals: list, alternates: list[LanguageFacts], today: datetime.date,
    outdated: OutdatedNotice | None = None,
) -> PublishedGuide:
    """The entry of an approved version without its text (title, summary and sections empty):
    its content hash stands for them. Refused if the version is not approved or has no approval."""
    if version.status != VersionStatus.APPROVED:
        raise ExportRefused(f"{guide.slug} [{version.language}] v{version.number} is not approved")
    if not approvals:
        raise ExportRefused(f"{guide.slug} [{version.language}] v{version.number} has no approving signature")
    approved_on = timezone.localdate(version.decided_at) if version.decided_at else version.created_at.date()
    next_due = add_months(approved_on, guide.review_interval_months)
    source_number = version.source_version.number if version.source_version_id else None
    return PublishedGuide(
        slug=guide.slug,
        language=LanguageFacts.of(version.language),
        version_number=version.number,
        content_hash=version.content_hash,
        title="",
        summary="",
        sections=(),
        signatures=tuple(
            SignatureFacts(
                printed_name=s.printed_name, credentials=s.credentials, meaning=s.meaning, meaning_text=s.meaning_text,
                signed_at=s.signed_at, source_version_number=source_number,
            )
            for s in sorted(approvals, key=lambda s: (s.signed_at, s.pk))
        ),
        approved_on=approved_on,
        next_review_due=next_due,
        review_overdue=next_due < today,
        source_version_number=source_number,
        alternates=tuple(alternates),
        source_language=LanguageFacts.of(guide.source_language),
        outdated=outdated,
    )


def _published_guide(
    version: Version, guide: Guide, alternates: list[LanguageFacts], today: datetime.date, outdated: OutdatedNotice | None = None,
    record=None,
) -> PublishedGuide:
    approvals = verify_version(version, record)
    stub = _published_stub(version, guide, approvals, alternates, today, outdated)
    lang = get_language(version.language)
    snapshot = version.snapshot
    return dataclasses.replace(
        stub,
        title=snapshot["title"],
        summary=snapshot["summary"],
        sections=rendered_sections(snapshot["sections"], lang.code),
    )


def rendered_sections(sections: list[dict], code: str) -> tuple[SectionContent, ...]:
    """A snapshot's sections ({key, position, title, body}) with their bodies rendered for language code."""
    return tuple(
        SectionContent(
            key=s["key"], position=s["position"], title=s["title"], body_markdown=s["body"],
            body_html=render_markdown(s["body"], language=code),
        )
        for s in sections
    )


def entry_for_version(version: Version) -> PublishedGuide:
    """The entry of one approved version on its own (after re-checking its hash and seals),
    for checks before publishing; the export builds the real ones with build_entries."""
    guide = version.guide
    return _published_guide(version, guide, [LanguageFacts.of(version.language)], timezone.localdate())


def provisional_entry(snapshot: dict, *, guide: Guide, source_version: Version | None, sections=None) -> PublishedGuide:
    """The entry the channels would get for a snapshot that is not signed yet, for a
    trial render at submission: no signatures, approved today, live in its own language only.

    sections: the snapshot's sections to include (default: all).
    """
    lang = get_language(snapshot["language"])
    today = timezone.localdate()
    facts = LanguageFacts.of(lang.code)
    return PublishedGuide(
        slug=guide.slug,
        language=facts,
        version_number=0,
        content_hash=content_hash(snapshot),
        title=snapshot["title"],
        summary=snapshot["summary"],
        sections=rendered_sections(snapshot["sections"] if sections is None else sections, lang.code),
        signatures=(),
        approved_on=today,
        next_review_due=add_months(today, guide.review_interval_months),
        review_overdue=False,
        source_version_number=source_version.number if source_version else None,
        alternates=(facts,),
        source_language=LanguageFacts.of(guide.source_language),
    )


# Verified texts by content hash: the title, summary and rendered sections of a
# snapshot whose stored text was hashed and found equal to its content hash.
# An entry that must be rendered again only because its alternates or notice
# changed takes its text from here, without reading or hashing the snapshot.
_TEXTS: OrderedDict = OrderedDict()
_TEXTS_KEPT = 256  # at about 40 KB a guide in one language, some 10 MB at most
# Seals verified in this process, by (signature, seal, digest of the sealed fields): the most recent only,
# so that a process that exports after every signature does not keep one more key per signature for ever.
_SEALS: OrderedDict = OrderedDict()
_SEALS_KEPT = 20_000  # about 300 bytes each: some 6 MB at most, the signatures of a full export or two


def _text_cache_key(content_hash: str, code: str) -> tuple:
    return (content_hash, code, text_fingerprint(code))


def stored_texts(items) -> dict[int, dict]:
    """{version id: stored snapshot} for the planned entries (PlannedEntry) whose checked text
    is not kept already, in one query."""
    wanted = [item.version_id for item in items if item.text_key is None or _text_cache_key(*item.text_key) not in _TEXTS]
    if not wanted:
        return {}
    return dict(Version.objects.filter(pk__in=wanted).order_by().values_list("pk", "snapshot"))


def verified_text(version_id: int, digest: str, code: str, label: str = "", snapshot: dict | None = None,
                  ) -> tuple[str, str, tuple[SectionContent, ...]]:
    """The title, summary and rendered sections of a version whose stored snapshot (read here, or
    given) hashes to digest, its content hash (ExportRefused otherwise); cached by content hash."""
    key = _text_cache_key(digest, code)
    found = _TEXTS.get(key)
    if found is not None:
        _TEXTS.move_to_end(key)
        return found
    if snapshot is None:
        snapshot = Version.objects.values_list("snapshot", flat=True).get(pk=version_id)
    if content_hash(snapshot) != digest:
        raise ExportRefused(f"{label or version_id}: its stored text no longer matches its content hash; run verify_integrity")
    text = (
        snapshot["title"],
        snapshot["summary"],
        rendered_sections(snapshot["sections"], code),
    )
    _TEXTS[key] = text
    while len(_TEXTS) > _TEXTS_KEPT:
        _TEXTS.popitem(last=False)
    return text


def forget_verified_texts() -> None:
    """Empty the caches of checked texts and seals (as a new process starts)."""
    _TEXTS.clear()
    _SEALS.clear()


def _check_seals(version: Version, approvals, label: str) -> None:
    for signature in approvals:
        key = (signature.pk, signature.seal, seal_fields_digest(signature))
        if key in _SEALS:
            _SEALS.move_to_end(key)
            continue
        if signature.content_hash != version.content_hash or not seal_is_valid(signature):
            raise ExportRefused(f"{label}: the seal of {signature.printed_name}'s signature does not verify; run verify_integrity")
        _SEALS[key] = True
        while len(_SEALS) > _SEALS_KEPT:
            _SEALS.popitem(last=False)


def seal_fields_digest(signature) -> str:
    from guide_cms.core.hashing import sha256_hex
    from guide_cms.review.seals import sealed_fields

    return sha256_hex(sealed_fields(signature))


def guide_aliases(guide_ids, history: SealedHistory | None = None) -> dict[int, tuple[str, ...]]:
    """{guide id: its former slugs that still lead to it}: every slug it had (guides.records.former_slugs) but
    its own and any other guide's current one (a slug taken since belongs to that guide)."""
    former = former_slugs(guide_ids, history=history)
    if not former:
        return {}
    taken = set(Guide.objects.filter(slug__in={slug for slugs in former.values() for slug in slugs}).values_list("slug", flat=True))
    return {pk: tuple(slug for slug in slugs if slug not in taken) for pk, slugs in former.items()}


def plan_entries(channel: str, *, today: datetime.date | None = None, guides=None, pending=()) -> list[PlannedEntry]:
    """Every live publication on channel (of the guides whose slugs are in `guides`, if given) as
    an entry without its text, read from keys only (publications, versions' numbers and content
    hashes, signatures' facts, source titles): enough for the channel's entry_key to say which
    files must change. An entry's text is read, checked against its content hash and seals, and
    rendered only when it is loaded.

    Withdrawn translations become notices; translations behind a clinical change
    live in the source language carry a notice. Raises ExportRefused when what is live, a guide's
    settings or a version's record differ from the sealed audit trail (`pending`: the publications of the
    current transaction, records.PendingPublication, whose events it appends before it commits).
    """
    today = today or timezone.localdate()
    publications, guide_ids = _live_publications(channel, guides)
    aliases, approvals = _checked_against_trail(publications, guide_ids, channel, pending)
    approved_source = approved_sources(guide_ids)
    withdrawn = {p.pk for p in publications if _is_withdrawn(p, approved_source)}
    live_languages = defaultdict(list)
    for publication in publications:
        if publication.pk not in withdrawn:
            live_languages[publication.guide_id].append(publication.language)
    live_source = live_source_versions(guide_ids)
    order = {lang.code: i for i, lang in enumerate(all_languages())}
    planned: list[PlannedEntry] = []
    for publication in publications:
        guide, version = publication.guide, publication.version
        if publication.pk in withdrawn:
            source = approved_source[guide.pk][0]
            planned.append(PlannedEntry(WithdrawnGuide(
                slug=guide.slug, language=LanguageFacts.of(publication.language), source_language=LanguageFacts.of(guide.source_language),
                source_title=source.title, withdrawn_version_number=version.number, aliases=aliases.get(guide.pk, ()),
            )))
            continue
        alternates = [LanguageFacts.of(code) for code in sorted(live_languages[guide.pk], key=lambda code: order.get(code, len(order)))]
        notice = _outdated_notice(publication, approved_source, live_source)
        stub = dataclasses.replace(_published_stub(version, guide, approvals[version.pk], alternates, today, outdated=notice),
                                   aliases=aliases.get(guide.pk, ()))
        planned.append(PlannedEntry(stub, load_text=partial(_load, stub, version, tuple(approvals[version.pk])), version_id=version.pk,
                                    text_key=(version.content_hash, stub.language.code)))
    return planned


def _live_publications(channel: str, guides) -> tuple[list[Publication], set[int]]:
    """The live publications on channel (of the guides slugged in `guides`, if given), with their guides and versions
    but no text, and the ids of the guides to compare with the trail (a guide whose rows were all deleted too)."""
    publications = (
        Publication.objects.live()
        .filter(channel=channel)
        .select_related("guide", "version", "version__source_version")
        # Contributors stay: the sealed record compares them.
        .defer(*(f for f in Version.heavy_fields("version__") if f != "version__contributor_ids"),
               *Version.heavy_fields("version__source_version__"))
        .order_by("guide__slug", "language")
    )
    if guides is not None:
        publications = publications.filter(guide__slug__in=list(guides))
    publications = list(publications)
    guide_ids = {p.guide_id for p in publications}
    if guides is not None:
        guide_ids |= set(Guide.objects.filter(slug__in=list(guides)).values_list("pk", flat=True))
    for publication in publications:
        publication.version.guide = publication.guide  # the same row, for labels without another query
    return publications, guide_ids


def _checked_against_trail(publications: list[Publication], guide_ids: set[int], channel: str, pending=()) -> tuple[dict, dict]:
    """What is live, the guides' published settings and every live version's record, compared with the sealed
    audit trail (ExportRefused if any differs); then ({guide id: former slugs}, {version id: its approvals})."""
    from guide_cms.review.models import Decision, Signature

    from .records import publication_problems

    history = SealedHistory()
    if problems := publication_problems(guide_ids, channel=channel, history=history, pending=pending):
        raise ExportRefused(f"the live publications differ from the audit trail ({'; '.join(problems)}); run verify_integrity")
    # The slug (the pages' addresses) and the review interval (the next-review date printed for patients) are
    # published too: never from a row edited behind the application's back.
    settings_records, settings_problems = guide_settings_records(guide_ids, history=history)
    live_guides = sorted({p.guide_id: p.guide for p in publications}.values(), key=lambda guide: guide.slug)  # rows read above
    if problems := settings_problems + guide_problems(live_guides, settings_records):
        raise ExportRefused(f"a guide's settings differ from the audit trail ({'; '.join(problems)}); run verify_integrity")
    records = version_records({p.version_id for p in publications}, history)
    versions = {p.version_id: p.version for p in publications}
    signatures = defaultdict(list)
    for signature in Signature.objects.filter(version_id__in=list(versions)).order_by("signed_at", "pk"):
        signature.version = versions[signature.version_id]  # for the seal, without another query
        signatures[signature.version_id].append(signature)
    for version in versions.values():
        if problems := version_problems(version, records[version.pk], signatures[version.pk]):
            raise ExportRefused(f"{version}: its record differs from the audit trail ({'; '.join(problems)}); run verify_integrity")
    approvals = defaultdict(list, {pk: [s for s in rows if s.decision == Decision.APPROVE] for pk, rows in signatures.items()})
    return guide_aliases(guide_ids, history=history), approvals


def approved_sources(guide_ids) -> dict[int, list[Version]]:
    """{guide id: its approved source versions, newest first}, in one query: number, change class and title
    only (a version's text is read if asked for, as in a refusal naming sections)."""
    approved_source = defaultdict(list)
    rows = (
        Version.objects.filter(guide_id__in=list(guide_ids), status=VersionStatus.APPROVED, language=F("guide__source_language"))
        .only("id", "guide_id", "language", "number", "change_class")
        .annotate(title=KT("snapshot__title"))
        .order_by("-number")
    )
    for version in rows:
        approved_source[version.guide_id].append(version)
    return approved_source


def _is_withdrawn(publication: Publication, approved_source: dict) -> bool:
    version = publication.version
    return version.source_version_id is not None and withdrawn_by_safety(version.source_version.number, approved_source[publication.guide_id])


def _outdated_notice(publication: Publication, approved_source: dict, live_source: dict) -> OutdatedNotice | None:
    """The notice a translation behind a clinical change of the live source carries, or None."""
    version, guide = publication.version, publication.guide
    if version.source_version_id is None:
        return None
    source = outdating_live_source(version.source_version.number, approved_source[guide.pk], live_source.get(guide.pk))
    if source is None:
        return None
    return OutdatedNotice(source_language=LanguageFacts.of(guide.source_language), source_version_number=source.number, source_title=source.title)


def _load(stub: PublishedGuide, version: Version, approvals, snapshot: dict | None = None) -> PublishedGuide:
    label = f"{stub.slug} [{stub.language.code}] v{stub.version_number}"
    _check_seals(version, approvals, label)
    title, summary, sections = verified_text(version.pk, version.content_hash, stub.language.code, label, snapshot=snapshot)
    return dataclasses.replace(stub, title=title, summary=summary, sections=sections)


def build_entries(channel: str, *, today: datetime.date | None = None) -> list[Entry]:
    """Every live publication on channel as a complete entry (texts checked and rendered)."""
    return [planned.load() for planned in plan_entries(channel, today=today)]
