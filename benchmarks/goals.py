"""The goals a run is held to, each with its figure from the run's rows and met or missed.

Only guide_cms's own figures and the benchmark's own floor (benchmarks.steps.floor) are compared: no other
product's figures. GOALS are issue 26's; a goal the benchmark does not measure, or that a run has no rows for
(one language, one render process), is listed as not measured. CHECKS are the benchmark's further checks.
"""
from __future__ import annotations

import math

from .steps.admin_pages import PAGES
from .steps.content_in import CONTENT_ROWS
from .steps.handouts import ONE_PROCESS, WEASYPRINT_ALONE
from .steps.one_edit import EVERY_CHANNEL, EVERY_CHANNEL_LIVE, PAGES_LIVE, SITE_ALONE, SUBMIT_ONE
from .steps.batch_publish import BATCH


def goal(name: str, measured, target, met, unit: str = "", *, kind: str = "goal", note: str = "") -> dict:
    """One line of the goals: measured None is a goal not measured; met None a figure to read, not a verdict."""
    return {"goal": name, "measured": measured, "target": target, "met": bool(met) if met is not None else None, "unit": unit,
            "kind": kind, "note": note}


def not_measured(name: str, target, unit: str, why: str) -> dict:
    return goal(name, None, target, None, unit, note=f"not measured: {why}")


def goals(run) -> list[dict]:
    return [
        *_one_edit_live(run),
        *_batch_publish(run),
        _content_in(run),
        _site_export(run),
        _handouts(run),
        _peak_memory(run),
        *_admin_pages(run),
        _submission(run),
        *checks(run),
    ]


def _one_edit_live(run) -> list[dict]:
    live, publication = run.row(PAGES_LIVE), run.row(SITE_ALONE)
    pages = f"one section edited in every language ({len(run.codes)}): its pages live ≤ 0.5 s after the publication starts (site alone)"
    search = "… and the search index updated ≤ 3 s after it starts"
    return [
        goal(pages, round(live.wall, 2), 0.5, live.wall <= 0.5, "s") if live else not_measured(pages, 0.5, "s", "no publication"),
        goal(search, round(publication.wall, 2), 3.0, publication.wall <= 3, "s") if publication else not_measured(search, 3.0, "s", "no publication"),
    ]


def _batch_publish(run) -> list[dict]:
    """250 versions as one batch ≤ 15 s, scaled to the batch's size (linear); and the larger batch's time per version
    at most 1.2× the smaller's."""
    rows = sorted((r for r in run.rows if r.name.startswith(BATCH)), key=lambda r: r.units)
    name = "250 versions published as one batch ≤ 15 s (site; scaled to the batch: 15 s × versions ÷ 250)"
    if not rows:
        return [not_measured(name, 15, "s", "fewer than 2 live versions")]
    largest = rows[-1]
    target = 15 * largest.units / 250
    found = [goal(f"{name}: {largest.units} versions", round(largest.wall, 2), round(target, 2), largest.wall <= target, "s")]
    if len(rows) > 1 and rows[0].units and rows[0].wall:
        ratio = (largest.wall / largest.units) / (rows[0].wall / rows[0].units)
        found.append(goal(f"a batch's time grows linearly: per version, {largest.units} versions ÷ {rows[0].units} ≤ 1.2",
                          round(ratio, 2), 1.2, ratio <= 1.2, "×"))
    return found


def _submission(run) -> dict:
    name = "a submission of a one-section change ≤ 100 ms (its checks and trial renders; the section's siblings kept)"
    rows = [r for r in run.rows if r.name.startswith(SUBMIT_ONE)]
    if not rows:
        return not_measured(name, 100, "ms", "no edit")
    slowest = max(r.wall for r in rows)  # of the edits' submissions
    return goal(name, round(slowest * 1000), 100, slowest <= 0.100, "ms")


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


def _content_in(run) -> dict:
    name = "content in (section-languages/s, password hashing excluded) ≥ the floor's pages/s ÷ 25"
    content, floor = run.facts.get("content in"), run.row("floor:")
    if not (content and content["units/s without hashing"] and floor and floor.rate):
        return not_measured(name, "floor ÷ 25", "units/s", "no content-in or floor rows")
    rate, target = content["units/s without hashing"], floor.rate / 25
    return goal(name, round(rate, 1), round(target, 1), rate >= target, "units/s", note=_handout_bound(run))


def _handout_bound(run) -> str:
    """What the handouts alone allow content in: each guide-language is laid out twice (its submission's trial, its
    publication), on every core at best, at WeasyPrint's own rate; nothing else counted."""
    weasy, cores = run.row(WEASYPRINT_ALONE), run.facts.get("cores") or 1
    if not (weasy and weasy.rate and run.row("handouts, one process")):
        return ""
    bound = cores * weasy.rate / 2 * run.sections
    return (f"(the handouts' two layouts of each guide-language, the submission's trial and the publication's, at "
            f"WeasyPrint's own rate on {cores} cores and nothing else, allow at most {bound:.1f} units/s)")


def _site_export(run) -> dict:
    name = "full site export ≥ the floor's pages/s ÷ 5"
    site, floor = run.row("site export, full"), run.row("floor:")
    if not (site and site.rate and floor and floor.rate):
        return not_measured(name, "floor ÷ 5", "pages/s", "no site export or floor rows")
    return goal(name, round(site.rate, 1), round(floor.rate / 5, 1), site.rate >= floor.rate / 5, "pages/s")


def _handouts(run) -> dict:
    name = "handouts on the render pool ≥ 1.8× WeasyPrint alone in one process"
    pool, weasy = run.row("handouts, pool"), run.row(WEASYPRINT_ALONE)
    if not (pool and pool.rate and weasy and weasy.rate):
        return not_measured(name, 1.8, "×", "no pool of several processes (GUIDE_CMS_RENDER_WORKERS, cores)")
    return goal(name, round(pool.rate / weasy.rate, 2), 1.8, pool.rate / weasy.rate >= 1.8, "×")


def _peak_memory(run) -> dict:
    # Every process of the product: this one, each render worker, the one-process handout renders.
    peak = max([run.peak_memory or 0, run.facts.get("render worker peak MB") or 0])
    return goal("peak memory ≤ 300 MB (every process)", round(peak), 300, peak <= 300, "MB")


def _admin_pages(run) -> list[dict]:
    found = [goal(f"{row.name}: < 100 ms", round(row.wall * 1000), 100, row.wall < 0.100, "ms") for row in run.rows if row.name.startswith(PAGES)]
    return found or [not_measured("admin pages and the sentence editor < 100 ms", 100, "ms", "no admin page rows")]


# -- the benchmark's further checks ------------------------------------------------------------------------------


def checks(run) -> list[dict]:
    return [*_export_checks(run), *_handout_checks(run), *_signature_checks(run), *_one_edit_checks(run)]


def _export_checks(run) -> list[dict]:
    site = run.row("site export, full")
    return [goal("site export queries do not grow with the pages", site.queries, "fixed", None, "queries", kind="check")] if site else []


def _handout_checks(run) -> list[dict]:
    one, pool, weasy = run.row(ONE_PROCESS), run.row("handouts, pool"), run.row(WEASYPRINT_ALONE)
    queued = run.row("handouts, task queue")
    found = []
    if one and pool and one.rate and pool.rate:
        found.append(goal("handouts on the pool ≥ 1.8× the one-process rate", round(pool.rate / one.rate, 2), 1.8, pool.rate / one.rate >= 1.8, "×",
                          kind="check"))
    if one and queued and one.rate and queued.rate:
        found.append(goal(f"handouts on the queue ({run.queue_workers} workers) ≥ 1.8× the one-process rate", round(queued.rate / one.rate, 2),
                          1.8, queued.rate / one.rate >= 1.8, "×", kind="check"))
    if one and weasy and one.rate and weasy.rate:
        over = one.wall / weasy.wall - 1
        found.append(goal("handouts in one process at most 10% over WeasyPrint alone", round(over, 3), 0.10, over <= 0.10, "", kind="check"))
    return found


def _signature_checks(run) -> list[dict]:
    found = []
    for name in ("sign (source)", "sign (translations)"):
        row = run.row(name)
        if row and row.units:
            # Argon2 is the password check's cost by design; the check is for everything else a signature does.
            per = (row.wall - row.hashing) / row.units * 1000
            found.append(goal(f"{name}: a signature's work besides password hashing ≤ 30 ms", round(per), 30, per <= 30, "ms", kind="check"))
    return found


def _one_edit_checks(run) -> list[dict]:
    publish, every_channel, one = run.row(EVERY_CHANNEL), run.row(EVERY_CHANNEL_LIVE), run.row(ONE_PROCESS)
    if not (publish and every_channel and one and one.units):
        return []
    budget = math.ceil(len(run.codes) / max(run.facts.get("cores", 1), 1)) * one.wall / one.units
    exact = _only_what_changed(run)
    return [
        goal("one edit: every channel live within ⌈languages ÷ cores⌉ single PDF renders", round(every_channel.wall, 2), round(budget, 2),
             every_channel.wall <= budget, "s", kind="check"),
        goal("one edit: files written = files changed (+ index, sitemap, manifest)", exact, True, exact, "", kind="check"),
    ]


def _only_what_changed(run) -> bool:
    """The first edit's publication wrote only files whose bytes changed, and rendered only the edited guide."""
    expected = {f"{c}/{run.library[0].slug}" for c in run.codes}
    extra = {"index.html", "sitemap.xml", "manifest.json"}
    return all(
        {p for p in d["written"] if p not in extra} <= set(d["changed"]) and set(d["rendered"]) <= expected
        for d in run.facts.get("one edit", {}).values()
    )
