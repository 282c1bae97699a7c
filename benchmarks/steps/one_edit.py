"""One section edited (a clinical change), signed, its translations updated and signed, and published: on every
channel as one outcome, then (a second edit) on the site alone and on the handouts after. Each publication is
split in its two moments: its files live, then the search index."""
from __future__ import annotations

import dataclasses

from guide_cms.demo.accounts import DEMO_PASSWORD
from guide_cms.guides.models import Section
from guide_cms.guides.services import section_update_drafts
from guide_cms.publishing.services import publish_versions
from guide_cms.review.services import version_sign, version_submit

from ..cat_tool import translate
from ..library import aligned_blocks
from ..measuring import Row

EVERY_CHANNEL = "publish them: every channel updated (one outcome)"
SITE_ALONE = "publish them on the site alone"
PAGES_LIVE = "  of which: until the new pages are live"
EVERY_CHANNEL_LIVE = "  of which: until every channel's files are live"
SUBMIT_ONE = "submit the source, one section changed"


def measure(run) -> None:
    run.out("One section edited, through to the channels")
    publisher = run.users["publisher"]
    versions = _edit_cycle(run, 1, "")
    with run.measure(EVERY_CHANNEL, len(run.codes), "guide-languages") as row:
        result = publish_versions(versions=versions, user=publisher, output_dir=run.exports)
    _files(run, row, result, "one edit")
    _live_rows(run, row, result, "every channel's files")
    versions = _edit_cycle(run, 2, " (a second edit)")
    with run.measure(SITE_ALONE, len(run.codes), "guide-languages") as row:
        result = publish_versions(versions=versions, user=publisher, output_dir=run.exports, channels=["site"])
    _files(run, row, result, "one edit, site")
    _live_rows(run, row, result, "the new pages")
    with run.measure("then on the handouts", len(run.codes), "guide-languages") as row:
        result = publish_versions(versions=versions, user=publisher, output_dir=run.exports, channels=["handouts"])
    _files(run, row, result, "one edit, handouts")


def _edit_cycle(run, n: int, label: str) -> list:
    """The first section of the library's first guide given n more blocks, in every language, through to signed
    versions; the latest approved version in each language."""
    item = run.library[0]
    guide = run.guide_objects[item.slug]
    section = item.sections[0]
    blocks = aligned_blocks(run.codes)
    current = Section.objects.get(guide=guide, key=section.key)
    new_body = {code: section.body[code] + "".join("\n\n" + blocks[-k][code] for k in range(1, n + 1)) for code in run.codes}
    edited = dataclasses.replace(item, sections=(dataclasses.replace(section, body=new_body), *item.sections[1:]))
    reviewer, editor = run.users["reviewer1"], run.users["editor"]
    with run.measure(f"edit the source (clinical){label}", 1, "sections"):
        section_update_drafts(section=current, user=editor, values={f"body_{run.source}": new_body[run.source]})
    with run.measure(f"{SUBMIT_ONE}{label}", 1, "submissions"):
        version = version_submit(guide=guide, language=run.source, user=editor, change_class="clinical")
    with run.measure(f"sign the source{label}", 1, "signatures"):
        version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve", change_class_confirmed="clinical")
    if run.targets:
        with run.measure(f"update, submit and sign its translations{label}", len(run.targets), "sections"):
            for code in run.targets:
                translate(run, guide, edited, code)
                translation = version_submit(guide=guide, language=code, user=run.translator(code))
                version_sign(version=translation, signer=reviewer, password=DEMO_PASSWORD, decision="approve")
    return [guide.versions.filter(language=code, status="approved").order_by("-number").first() for code in run.codes]


def _live_rows(run, row, result, what: str) -> None:
    """The publication's two moments: its files live (and its rows committed), then the search index."""
    run.add(Row(name=f"  of which: until {what} are live", wall=result.pages_live_after, units=len(run.codes),
                unit="guide-languages", note="files swapped in and publications committed"))
    if result.index_reports:
        (index,) = result.index_reports
        run.add(Row(name=f"  then the search index ({what})", wall=row.wall - result.pages_live_after, units=1,
                    unit="indexes", written=len(index.written), changed=len(index.changed_files),
                    note="the previous files removed, then Pagefind over the live pages"))


def _files(run, row, result, fact: str) -> None:
    """The files each channel rendered, wrote and changed: on the row, and in full among the run's facts."""
    row.written = sum(len(r.written) for r in result.reports)
    row.changed = sum(len(r.changed_files) for r in result.reports)
    detail = {r.channel: {"written": sorted(r.written), "changed": sorted(r.changed_files), "rendered": r.rendered} for r in result.reports}
    run.facts[fact] = detail
    row.note = "; ".join(f"{c}: {len(d['rendered'])} rendered, {len(d['written'])} written, {len(d['changed'])} changed"
                         for c, d in detail.items())
