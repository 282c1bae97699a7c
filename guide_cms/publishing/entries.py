"""Build channel entries from live publications, only after re-checking that
each version's text still matches its hash and its signatures' seals."""
from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, Max
from django.utils import timezone

from guide_cms.core.languages import all_languages, get_language
from guide_cms.guides.markdown import render_markdown
from guide_cms.guides.models import Guide, Version, VersionStatus, add_months
from guide_cms.guides.snapshots import content_hash
from guide_cms.localization.staleness import outdating_versions, withdrawn_by_safety
from guide_cms.core.audit import SealedHistory
from guide_cms.review.records import version_problems, version_records
from guide_cms.review.seals import seal_is_valid

from .channels.base import Entry, LanguageFacts, OutdatedNotice, PublishedGuide, SectionContent, SignatureFacts, WithdrawnGuide
from .models import Publication


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


def _published_guide(
    version: Version, guide: Guide, alternates: list[LanguageFacts], today: datetime.date, outdated: OutdatedNotice | None = None,
    record=None,
) -> PublishedGuide:
    lang = get_language(version.language)
    approvals = verify_version(version, record)
    snapshot = version.snapshot
    approved_on = timezone.localdate(version.decided_at) if version.decided_at else version.created_at.date()
    next_due = add_months(approved_on, guide.review_interval_months)
    return PublishedGuide(
        slug=guide.slug,
        language=LanguageFacts.of(lang.code),
        version_number=version.number,
        content_hash=version.content_hash,
        title=snapshot["title"],
        summary=snapshot["summary"],
        sections=tuple(
            SectionContent(
                key=s["key"], position=s["position"], title=s["title"], body_markdown=s["body"],
                body_html=render_markdown(s["body"], language=lang.code),
            )
            for s in snapshot["sections"]
        ),
        signatures=tuple(
            SignatureFacts(
                printed_name=s.printed_name, credentials=s.credentials, meaning=s.meaning, meaning_text=s.meaning_text,
                signed_at=s.signed_at, source_version_number=version.source_version.number if version.source_version_id else None,
            )
            for s in sorted(approvals, key=lambda s: (s.signed_at, s.pk))
        ),
        approved_on=approved_on,
        next_review_due=next_due,
        review_overdue=next_due < today,
        source_version_number=version.source_version.number if version.source_version_id else None,
        alternates=tuple(alternates),
        source_language=LanguageFacts.of(guide.source_language),
        outdated=outdated,
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
        sections=tuple(
            SectionContent(
                key=s["key"], position=s["position"], title=s["title"], body_markdown=s["body"],
                body_html=render_markdown(s["body"], language=lang.code),
            )
            for s in (snapshot["sections"] if sections is None else sections)
        ),
        signatures=(),
        approved_on=today,
        next_review_due=add_months(today, guide.review_interval_months),
        review_overdue=False,
        source_version_number=source_version.number if source_version else None,
        alternates=(facts,),
        source_language=LanguageFacts.of(guide.source_language),
    )


def build_entries(channel: str, *, today: datetime.date | None = None) -> list[Entry]:
    """Entries for every live publication on channel: withdrawn translations as notices,
    translations behind a clinical change live in the source language with a notice."""
    today = today or timezone.localdate()
    publications = list(
        Publication.objects.live()
        .filter(channel=channel)
        .select_related("guide", "version__source_version")
        .prefetch_related("version__signatures")
        .order_by("guide__slug", "language")
    )
    guide_ids = {p.guide_id for p in publications}
    # What is live, and every fact of the live versions, as the sealed audit trail says.
    from .records import publication_problems

    history = SealedHistory()
    if problems := publication_problems(guide_ids, channel=channel, history=history):
        raise ExportRefused(f"the live publications differ from the audit trail ({'; '.join(problems)}); run verify_integrity")
    records = version_records({p.version_id for p in publications}, history)
    approved_source = defaultdict(list)
    for version in Version.objects.filter(guide_id__in=guide_ids, status=VersionStatus.APPROVED).select_related("guide").order_by("-number"):
        if version.language == version.guide.source_language:
            approved_source[version.guide_id].append(version)

    def is_withdrawn(publication) -> bool:
        version = publication.version
        return version.source_version_id is not None and withdrawn_by_safety(version.source_version.number, approved_source[publication.guide_id])

    live_languages = defaultdict(list)
    for publication in publications:
        if not is_withdrawn(publication):
            live_languages[publication.guide_id].append(get_language(publication.language))
    live_source = live_source_versions(guide_ids)

    def notice(publication) -> OutdatedNotice | None:
        version, guide = publication.version, publication.guide
        if version.source_version_id is None:
            return None
        source = outdating_live_source(version.source_version.number, approved_source[guide.pk], live_source.get(guide.pk))
        if source is None:
            return None
        return OutdatedNotice(
            source_language=LanguageFacts.of(guide.source_language), source_version_number=source.number, source_title=source.snapshot["title"],
        )

    entries: list[Entry] = []
    for publication in publications:
        guide = publication.guide
        if is_withdrawn(publication):
            source = approved_source[guide.pk][0]
            entries.append(
                WithdrawnGuide(
                    slug=guide.slug, language=LanguageFacts.of(publication.language),
                    source_language=LanguageFacts.of(guide.source_language),
                    source_title=source.snapshot["title"], withdrawn_version_number=publication.version.number,
                )
            )
            continue
        order = {lang.code: i for i, lang in enumerate(all_languages())}
        alternates = [LanguageFacts.of(lang.code) for lang in sorted(live_languages[guide.pk], key=lambda lang: order[lang.code])]
        entries.append(_published_guide(
            publication.version, guide, alternates, today, outdated=notice(publication), record=records[publication.version_id]
        ))
    return entries
