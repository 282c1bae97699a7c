"""The goals a run is held to, each with its figure from the run's rows and met or missed."""
from __future__ import annotations

import math

from .steps.admin_pages import PAGES
from .steps.content_in import CONTENT_ROWS
from .steps.handouts import ONE_PROCESS, WEASYPRINT_ALONE
from .steps.one_edit import EVERY_CHANNEL, EVERY_CHANNEL_LIVE, PAGES_LIVE

# The figures of the Wagtail 8 + wagtail-localize + wagtail-bakery stack on the same library
# (50 × 10 × 5) on this kind of machine, from issue 13 (not measured here).
WAGTAIL = {"site pages/s": 32.0, "content units/s": 19.5, "guide list ms": 680.0, "one edit s": 1.05}


def goal(name: str, measured, target, met, unit: str = "") -> dict:
    return {"goal": name, "measured": measured, "target": target, "met": bool(met) if met is not None else None, "unit": unit}


def goals(run) -> list[dict]:
    return [
        *_site_export(run),
        *_handouts(run),
        *_content_in(run),
        *_signatures(run),
        *_one_edit(run),
        *_admin_pages(run),
        _peak_memory(run),
    ]


def _site_export(run) -> list[dict]:
    site, floor = run.row("site export, full"), run.row("floor:")
    if not (site and site.rate):
        return []
    found = [goal("site export ≥ 10× the Wagtail stack's 32 pages/s", round(site.rate, 1), 10 * WAGTAIL["site pages/s"],
                  site.rate >= 10 * WAGTAIL["site pages/s"], "pages/s")]
    if floor and floor.rate:
        found.append(goal("site export within 3× of the floor", round(floor.rate / site.rate, 2), 3.0, floor.rate / site.rate <= 3, "× slower"))
    found.append(goal("site export queries do not grow with the pages", site.queries, "fixed", None, "queries"))
    return found


def _handouts(run) -> list[dict]:
    one, pool, weasy = run.row(ONE_PROCESS), run.row("handouts, pool"), run.row(WEASYPRINT_ALONE)
    queued = run.row("handouts, task queue")
    found = []
    if one and pool and one.rate and pool.rate:
        found.append(goal("handouts ≥ 1.8× the one-process rate on 2 cores", round(pool.rate / one.rate, 2), 1.8, pool.rate / one.rate >= 1.8, "×"))
    if one and queued and one.rate and queued.rate:
        found.append(goal("handouts on the queue (2 workers) ≥ 1.8× the one-process rate", round(queued.rate / one.rate, 2), 1.8,
                          queued.rate / one.rate >= 1.8, "×"))
    if one and weasy and one.rate and weasy.rate:
        over = one.wall / weasy.wall - 1
        found.append(goal("handouts at most 10% over WeasyPrint alone", round(over, 3), 0.10, over <= 0.10, ""))
    return found


def content_in(run) -> dict | None:
    """Content in, end to end: its rows added up, with and without password hashing."""
    rows = [r for r in run.rows if r.name.startswith(CONTENT_ROWS)]
    if not rows:
        return None
    wall = sum(r.wall for r in rows)
    hashing = sum(r.hashing for r in rows)
    units = run.guides * run.sections * len(run.codes)
    rate = units / (wall - hashing) if wall > hashing else None
    return {"seconds": wall, "hashing seconds": hashing, "units": units, "units/s": units / wall, "units/s without hashing": rate}


def _content_in(run) -> list[dict]:
    content = run.facts.get("content in")
    if not content:
        return []
    rate = content["units/s without hashing"] or 0
    return [goal("content in, hashing excluded, ≥ 3× the Wagtail stack's 19.5 units/s", round(rate, 1), 3 * WAGTAIL["content units/s"],
                 rate >= 3 * WAGTAIL["content units/s"], "units/s")]


def _signatures(run) -> list[dict]:
    found = []
    for name in ("sign (source)", "sign (translations)"):
        row = run.row(name)
        if row and row.units:
            # Argon2 is the password check's cost by design; the goal is for everything else a signature does.
            per = (row.wall - row.hashing) / row.units * 1000
            found.append(goal(f"{name}: a signature's work besides password hashing ≤ 30 ms", round(per), 30, per <= 30, "ms"))
    return found


def _one_edit(run) -> list[dict]:
    found = []
    site_alone = run.row(PAGES_LIVE)
    if site_alone:
        found.append(goal("one edit: site pages updated within 0.5 s of the publication (on the site alone)", round(site_alone.wall, 2), 0.5,
                          site_alone.wall <= 0.5, "s"))
    publish, every_channel, one = run.row(EVERY_CHANNEL), run.row(EVERY_CHANNEL_LIVE), run.row(ONE_PROCESS)
    if publish and every_channel and one and one.units:
        budget = math.ceil(len(run.codes) / max(run.facts.get("cores", 1), 1)) * one.wall / one.units
        found.append(goal("one edit: every channel within ⌈languages ÷ cores⌉ single PDF renders", round(every_channel.wall, 2),
                          round(budget, 2), every_channel.wall <= budget, "s"))
        exact = _only_what_changed(run)
        found.append(goal("one edit: files written = files changed (+ index, sitemap, manifest)", exact, True, exact, ""))
    return found


def _only_what_changed(run) -> bool:
    """The first edit's publication wrote only files whose bytes changed, and rendered only the edited guide."""
    expected = {f"{c}/{run.library[0].slug}" for c in run.codes}
    extra = {"index.html", "sitemap.xml", "manifest.json"}
    return all(
        {p for p in d["written"] if p not in extra} <= set(d["changed"]) and set(d["rendered"]) <= expected
        for d in run.facts.get("one edit", {}).values()
    )


def _admin_pages(run) -> list[dict]:
    return [goal(f"{row.name}: under 150 ms", round(row.wall * 1000), 150, row.wall < 0.150, "ms")
            for row in run.rows if row.name.startswith(PAGES)]


def _peak_memory(run) -> dict:
    # Every process of the product: this one, each render worker, the one-process handout renders.
    peak = max([run.peak_memory or 0, run.facts.get("render worker peak MB") or 0])
    return goal("peak memory under 500 MB (every process)", round(peak), 500, peak < 500, "MB")
