"""Content in: the library imported and submitted in its source language, signed, translated through XLIFF as a
CAT tool would, the translations submitted and signed, then each guide published in every language."""
from __future__ import annotations

from guide_cms.demo.accounts import DEMO_PASSWORD
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.models import Guide
from guide_cms.guides.services import guide_import
from guide_cms.publishing.services import publish_versions
from guide_cms.review.services import version_sign, version_submit

from ..cat_tool import translate

# The rows that make up content in, end to end (benchmarks.goals and benchmarks.report add them up).
CONTENT_ROWS = ("create and submit", "sign (", "translate (", "submit (", "publish (each")


def measure(run) -> None:
    run.out("Content in")
    _source(run)
    if run.targets:
        _translations(run)
    _publish_all(run)


def _source(run) -> None:
    editor, reviewer = run.users["editor"], run.users["reviewer1"]
    with run.measure("create and submit (import, source)", run.guides * run.sections, "sections"):
        for item in run.library:
            report = guide_import(document=parse_guide_document(item.document(run.source)), slug=item.slug, user=editor)
            version_submit(guide=report.guide, language=run.source, user=editor)
    run.guide_objects = {g.slug: g for g in Guide.objects.filter(slug__in=[i.slug for i in run.library])}
    with run.measure("sign (source)", run.guides, "signatures"):
        for item in run.library:
            version = run.guide_objects[item.slug].versions.get(language=run.source)
            version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve")


def _translations(run) -> None:
    reviewer = run.users["reviewer1"]
    units = run.guides * run.sections * len(run.targets)
    pairs = [(run.guide_objects[item.slug], item, code) for item in run.library for code in run.targets]
    with run.measure("translate (XLIFF out, CAT tool, XLIFF in)", units, "sections"):
        for guide, item, code in pairs:
            translate(run, guide, item, code)
    with run.measure("submit (translations)", units, "sections"):
        for guide, _item, code in pairs:
            version_submit(guide=guide, language=code, user=run.translator(code))
    with run.measure("sign (translations)", run.guides * len(run.targets), "signatures"):
        for guide, _item, code in pairs:
            version = guide.versions.get(language=code, status="in_review")
            version_sign(version=version, signer=reviewer, password=DEMO_PASSWORD, decision="approve")


def _publish_all(run) -> None:
    publisher = run.users["publisher"]
    with run.measure("publish (each guide in every language, exported)", run.guides * len(run.codes), "guide-languages") as row:
        written = changed = 0
        for item in run.library:
            versions = list(run.guide_objects[item.slug].versions.filter(status="approved"))
            result = publish_versions(versions=versions, user=publisher, output_dir=run.exports)
            written += sum(len(r.written) for r in result.reports)
            changed += sum(len(r.changed_files) for r in result.reports)
        row.written, row.changed = written, changed
