"""The admin pages (guide list, review queue, translator dashboard, the sentence editor) with a page of the
library's guides in review, then again with --scale times the guides: each the median of 3 requests, its SQL
statements counted (they should not grow with the guides)."""
from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guide_cms.guides.models import Guide, Section, Version
from guide_cms.guides.snapshots import build_snapshot, content_hash
from guide_cms.localization.models import MemoryEntry

from ..measuring import QueryCounter, Row

# The rows' names start with these (benchmarks.goals holds them to their time).
PAGES = ("guide list", "review queue", "translator dashboard", "translation editor")


def measure(run) -> None:
    _in_review(run)
    _pages(run, "")
    if run.scale > 1:
        extra = _scale_up(run)
        _pages(run, f" (×{run.scale}: {extra} more guides in review)")


def _pages(run, suffix: str) -> None:
    run.out(f"Admin pages{suffix}")
    pages = [("guide list", reverse("admin:guides_guide_changelist"), "editor"), ("review queue", reverse("review:queue"), "reviewer1")]
    if run.targets:
        code = run.targets[0]
        translator = run.translator(code).username
        pages += [
            ("translator dashboard", reverse("review:translate"), translator),
            ("translation editor", reverse("review:segments", args=[run.library[0].slug, code]), translator),
        ]
    count = Guide.objects.count()
    if run.memory and run.targets:  # the translation memory step ran first: the editor looks up every sentence in it
        suffix += f", memory of {MemoryEntry.objects.count():,} pairs"
    for name, url, username in pages:
        client = Client()
        client.force_login(run.users[username])
        client.get(url)  # warm: templates, catalogues
        median, queries = _median_get(client, url)
        run.add(Row(name=f"{name}, {count} guides{suffix}", wall=median, units=1, unit="pages", queries=queries, note="median of 3"))
        run.out(f"  {name}: {median * 1000:.0f} ms, {queries} queries")


def _median_get(client, url: str) -> tuple[float, int]:
    """The median time of 3 requests for url, and the SQL statements of the last."""
    timings, queries = [], 0
    for _ in range(3):
        counter = QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = client.get(url)
        timings.append(time.perf_counter() - start)
        queries = counter.count
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return statistics.median(timings), queries


def _in_review(run) -> None:
    """New source versions of a page of the library's guides, in review (rows made directly, as in _scale_up:
    the review queue has a page to show at both sizes; nothing published changes)."""
    editor, now, versions = run.users["editor"], timezone.now(), []
    for item in run.library[: settings.GUIDE_CMS_PAGE_SIZE]:
        latest = run.guide_objects[item.slug].versions.filter(language=run.source).order_by("-number").first()
        snapshot = {**latest.snapshot, "summary": latest.snapshot["summary"] + " (Revised.)"}
        versions.append(Version(guide=latest.guide, language=latest.language, number=latest.number + 1, snapshot=snapshot,
                                content_hash=content_hash(snapshot), author=editor, author_label=editor.username, created_at=now,
                                approvals_required=1))
    Version.objects.bulk_create(versions)


def _scale_up(run) -> int:
    """Drafts of (scale - 1) × the guides, each submitted in the source language; how many."""
    extra = run.guides * (run.scale - 1)
    template = run.library[0]
    new = Guide.objects.bulk_create([
        Guide(slug=f"scale-{n:05d}", **{f"title_{c.replace('-', '_')}": template.title[c] for c in run.codes})
        for n in range(extra)
    ])
    Section.objects.bulk_create([
        Section(guide=g, key=s.key, position=p, **{f"{f}_{c.replace('-', '_')}": getattr(s, f)[c] for c in run.codes for f in ("title", "body")})
        for g in new for p, s in enumerate(template.sections, start=1)
    ])
    by_guide = {}
    for s in Section.objects.filter(guide__in=new).order_by("guide_id", "position"):
        by_guide.setdefault(s.guide_id, []).append(s)
    editor, now, versions = run.users["editor"], timezone.now(), []
    for g in new:
        snapshot = build_snapshot(g, run.source, by_guide[g.pk])
        versions.append(Version(guide=g, language=run.source, number=1, snapshot=snapshot, content_hash=content_hash(snapshot),
                                author=editor, author_label=editor.username, created_at=now, approvals_required=1))
    Version.objects.bulk_create(versions)
    return extra
