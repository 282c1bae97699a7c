"""A guide's settings re-derived from the sealed audit trail: guide.create and guide.settings events.

The safety-critical flag decides how many approvals the next version needs,
the review interval when it is due, the slug where it is published; each is
recorded with its new value whenever the application changes it. A guide
whose row says otherwise was edited behind the application's back.
"""
from __future__ import annotations

from guide_cms.core.audit import SealedHistory
from guide_cms.core.models import AuditEvent

from .models import Guide

# source_language: which version's settings are the rule in force, and which language is the source (review).
SEALED_SETTINGS = ("slug", "safety_critical", "review_interval_months", "slug_requested", "source_language")


def guide_settings_records(guide_ids=None, history: SealedHistory | None = None) -> tuple[dict[int, dict], list[str]]:
    """({guide id: {setting: value as last recorded}}, problems). A guide created before its settings were audited has no record."""
    history = history or SealedHistory()
    events = AuditEvent.objects.filter(object_type="guides.guide", action__in=["guide.create", "guide.settings"]).order_by("id")
    if guide_ids is not None:
        events = events.filter(object_id__in=[str(pk) for pk in guide_ids])
    records: dict[int, dict] = {}
    problems = []
    for event in events:
        if not history.is_sealed(event):
            problems.append(f"audit event {event.id} ({event.action}) does not verify, so guide {event.object_id}'s settings cannot be trusted")
            continue
        record = records.setdefault(int(event.object_id), {})
        data = event.data or {}
        if event.action == "guide.create":
            record["slug_requested"] = ""  # a guide is created with no slug awaiting approval
        for name in SEALED_SETTINGS:
            if name not in data:
                continue
            value = data[name]
            record[name] = value["new"] if event.action == "guide.settings" and isinstance(value, dict) else value
    return records, problems


def guide_problems(guides, records: dict[int, dict]) -> list[str]:
    problems = []
    for guide in guides:
        for name, sealed in records.get(guide.pk, {}).items():
            stored = getattr(guide, name)
            if stored != sealed:
                problems.append(f"guide {guide.slug} (id {guide.pk}): its {name.replace('_', ' ')} is {stored!r}, but the sealed audit trail says {sealed!r}")
    return problems


def guide_record_problems(guide: Guide) -> list[str]:
    records, problems = guide_settings_records([guide.pk])
    return problems + guide_problems([guide], records)


def former_slugs(guide_ids=None, history: SealedHistory | None = None) -> dict[int, list[str]]:
    """{guide id: slugs it had before its current one, oldest first}, from the sealed guide.settings events that
    renamed it (an event that does not verify is not evidence). The addresses given out under those slugs stay
    valid: the site channel redirects them (publishing)."""
    history = history or SealedHistory()
    events = AuditEvent.objects.filter(object_type="guides.guide", action="guide.settings", data__has_key="slug").order_by("id")
    if guide_ids is not None:
        events = events.filter(object_id__in=[str(pk) for pk in guide_ids])
    found: dict[int, list[str]] = {}
    for event in events:
        change = (event.data or {}).get("slug")
        if not isinstance(change, dict) or not isinstance(change.get("old"), str) or not history.is_sealed(event):
            continue
        slugs = found.setdefault(int(event.object_id), [])
        if change["old"] and change["old"] not in slugs:
            slugs.append(change["old"])
    return found


def guide_by_slug(slug: str) -> Guide | None:
    """The guide whose slug is or was slug (a page or file made before a rename still finds its guide): the current
    slug first, then the sealed guide.settings events that renamed one; None if no guide ever had it."""
    guide = Guide.objects.filter(slug=slug).first()
    if guide is not None:
        return guide
    history = SealedHistory()
    for event in AuditEvent.objects.filter(object_type="guides.guide", action="guide.settings").order_by("-id"):
        change = (event.data or {}).get("slug")
        if isinstance(change, dict) and change.get("old") == slug and history.is_sealed(event):
            return Guide.objects.filter(pk=int(event.object_id)).first()
    return None
