"""Which audit events tell whom what (reads only; services.py writes and sends).

    version.submit             -> the clinical reviewers of its language (not its author or contributors)
    version.changes_requested  -> its author, with the reviewer's comment
    version.approved           -> the publishers; for a source version with a clinical or
                                  safety change, also the translators of every other language
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse

from guide_cms.core.languages import target_languages
from guide_cms.core.roles import ROLE_GROUPS, Role
from guide_cms.guides.models import ChangeClass, Version

from .models import Kind

OUTDATING = (ChangeClass.CLINICAL, ChangeClass.SAFETY)


@dataclass(frozen=True)
class Planned:
    recipient: object  # a user
    kind: str
    context: dict = field(default_factory=dict)
    link: str = ""


def _people(role: Role, language: str | None = None):
    users = get_user_model().objects.filter(is_active=True, groups__name=ROLE_GROUPS[role])
    if language is not None:
        users = users.filter(language_assignments__role=role.value, language_assignments__language=language)
    return list(users.distinct().order_by("username"))


def _context(version: Version) -> dict:
    return {
        "guide": version.guide.title_en or version.guide.slug,
        "slug": version.guide.slug,
        "language": version.language,
        "version": version.number,
        "source_version": version.source_version.number if version.source_version_id else None,
        "change_class": version.change_class,
    }


def notifications_for(event) -> list[Planned]:
    """What to tell whom about one audit event; [] for the events nobody needs to hear of."""
    if event.object_type != "guides.version" or event.action not in ("version.submit", "version.changes_requested", "version.approved"):
        return []
    version = Version.objects.select_related("guide", "source_version", "author").filter(pk=event.object_id).first()
    if version is None:
        return []
    context = _context(version)
    if event.action == "version.submit":
        excluded = {version.author_id, *version.contributor_ids}
        link = reverse("review:version", args=[version.pk])
        return [Planned(u, Kind.REVIEW_WAITING, context, link) for u in _people(Role.REVIEWER, version.language) if u.pk not in excluded]
    if event.action == "version.changes_requested":
        comment = version.signatures.filter(decision="request_changes").order_by("-signed_at").values_list("comment", flat=True).first()
        if version.author is None:
            return []
        link = reverse("admin:guides_guide_change", args=[version.guide_id])
        return [Planned(version.author, Kind.CHANGES_REQUESTED, {**context, "comment": comment or ""}, link)]
    planned = [
        Planned(u, Kind.READY_TO_PUBLISH, context, reverse("admin:guides_version_changelist"))
        for u in _people(Role.PUBLISHER)
    ]
    if version.is_source and version.change_class in OUTDATING:
        dashboard = reverse("review:translate")
        started = _started_translations(version.guide)
        for language in target_languages():
            if language.code == version.guide.source_language or language.code not in started:
                continue  # a language not started has nothing to be outdated
            planned += [
                Planned(u, Kind.TRANSLATION_OUTDATED, {**context, "target_language": language.code}, dashboard)
                for u in _people(Role.TRANSLATOR, language.code)
            ]
    return planned


def _started_translations(guide) -> set[str]:
    """Codes of the languages with a translation of guide: a version, or draft text in a section."""
    from django.db.models import Q

    from guide_cms.guides.models import Version

    started = set(Version.objects.filter(guide=guide).values_list("language", flat=True).distinct())
    for language in target_languages():
        body = f"body_{language.field_suffix}"
        if language.code not in started and guide.sections.filter(~Q(**{body: ""}), **{f"{body}__isnull": False}).exists():
            started.add(language.code)
    return started
