"""Reads for the review pages and the guide list, in a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from guide_cms.core.languages import all_languages
from guide_cms.core.permissions import assigned_languages
from guide_cms.core.roles import Role
from guide_cms.guides.models import Version, VersionStatus, sections_by_guide
from guide_cms.guides.snapshots import draft_facts

from . import signals as review_signals
from .status import LanguageStatus, VersionRow, language_status


def guide_statuses(guides, published: dict[tuple[int, str], int] | None = None, languages=None,
                   sections: dict[int, list] | None = None) -> dict[int, dict[str, LanguageStatus]]:
    """{guide id: {language: status}} for guides (in languages, default all), in a fixed number of queries whatever their number.

    sections: the guides' draft rows by guide id, when the caller has read them already
    (guides.models.sections_by_guide); otherwise read here.

    published maps (guide id, language) to the live version number; by
    default it comes from review.signals.live_versions (publishing answers: review
    does not import it), and the export problems of live publications from
    review.signals.export_problems.
    """
    guides = list(guides)
    ids = [g.pk for g in guides]
    # Only the languages shown: a translator's dashboard shows one of five, and these read every publication asked for.
    wanted = None if languages is None else list(languages)
    if published is None:
        published = review_signals.merged(review_signals.live_versions, guide_ids=ids, languages=wanted)
    export_problems = review_signals.merged(review_signals.export_problems, guide_ids=ids, languages=wanted) if ids else {}
    if sections is None:
        sections = sections_by_guide(ids)
    versions: dict[tuple[int, str], list[VersionRow]] = defaultdict(list)
    rows = (
        Version.objects.filter(guide_id__in=ids)
        .exclude(status=VersionStatus.SUPERSEDED)
        .order_by("-number")
        .values_list("guide_id", "language", "number", "status", "content_hash", "source_version__number", "change_class")
    )
    for guide_id, language, number, status, digest, source_number, change_class in rows:
        versions[(guide_id, language)].append(VersionRow(number, status, digest, source_number, change_class))

    result = {}
    for guide in guides:
        approved_source = [v for v in versions[(guide.pk, guide.source_language)] if v.status == VersionStatus.APPROVED]
        per_language = {}
        for lang in all_languages():
            if languages is not None and lang.code not in languages:
                continue
            draft = draft_facts(guide, lang.code, sections[guide.pk])
            per_language[lang.code] = language_status(
                language=lang.code,
                is_source=lang.code == guide.source_language,
                has_text=draft.has_text,
                draft_hash=draft.content_hash,
                versions=versions[(guide.pk, lang.code)],
                approved_source=approved_source,
                published_number=published.get((guide.pk, lang.code)),
                export_problems=tuple(export_problems.get((guide.pk, lang.code), ())),
            )
        result[guide.pk] = per_language
    return result


def review_queue(user):
    """Versions waiting for review in user's languages, oldest first."""
    return list(review_queue_versions(user))


def review_queue_versions(user):
    """review_queue as a QuerySet, for a page of it (what it selects and prefetches is for the rows sliced)."""
    languages = assigned_languages(user, Role.REVIEWER)
    return (
        Version.objects.awaiting_review()
        .filter(language__in=languages)
        .select_related("guide", "author", "source_version")
        .prefetch_related("signatures")
        .order_by("created_at", "id")
    )


def page_of(items, number):
    """The page numbered number (a request's ?page=; past the end: the last) of items, settings.GUIDE_CMS_PAGE_SIZE a page.
    Only that page's rows are read: a QuerySet is counted and sliced."""
    from django.core.paginator import Paginator

    page = Paginator(items, settings.GUIDE_CMS_PAGE_SIZE).get_page(number)
    page.numbers = list(page.paginator.get_elided_page_range(page.number))  # 1 2 … 7 8 9 … 20, as the admin shows them
    return page


def previous_approved(version: Version) -> Version | None:
    """The newest approved version of the same guide and language before version, or None."""
    return (
        Version.objects.for_language(version.guide, version.language)
        .approved()
        .filter(number__lt=version.number)
        .order_by("-number")
        .first()
    )
