"""A publication plans only the guides it publishes: the others' entries are what the live manifest records.

Its work must not grow with the library, and what it writes must be what a
full export would write.
"""
import copy
import difflib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide_cms.guides.models import ChangeClass, Guide
from guide_cms.publishing import manifests, store
from guide_cms.publishing.entries import forget_verified_texts
from guide_cms.publishing.export import verify_exports
from guide_cms.publishing.services import export_channels
from tests.factories import SectionFactory
from tests.publishing.publishing_helpers import files


@pytest.fixture
def wf(workflow):
    workflow.publish(workflow.approve("en"))
    workflow.publish(workflow.approve("es"))
    return workflow


def site_files(root):
    return files(root, "site")


def another_guide(wf, slug, *, clinical_change=False):
    """A guide live in English and Spanish; with clinical_change, its English is at v2 (a clinical change)
    while its Spanish still translates v1 (the page carries the outdated notice)."""
    guide = Guide.objects.create(slug=slug, title_en=slug.title(), title_es=slug.title(), summary_es="Un resumen.", summary_en="A summary.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 2 mg.", title_es="Dosis", body_es="Tome 2 mg.")
    flow = copy.copy(wf)
    flow.guide = guide
    flow.publish(flow.approve("en"))
    flow.publish(flow.approve("es"))
    if clinical_change:
        flow.edit("dosing", "en", "Take 4 mg at night.")
        flow.publish(flow.approve("en", ChangeClass.CLINICAL))
    return flow


def publish_spanish_edit(wf, body):
    wf.edit("dosing", "es", body)
    version = wf.approve("es")
    forget_verified_texts()  # as a new process: the published text is read and checked
    with CaptureQueriesContext(connection) as queries:
        result = wf.publish(version)
    return result, queries.captured_queries


def test_a_publication_writes_what_a_full_export_writes(wf, settings, tmp_path):
    """Pages, home pages, index, sitemap, search index and manifest: a notice and a review date of
    another guide are read from the manifest, and must come out as a full export renders them."""
    settings.GUIDE_CMS_SITE_SEARCH = True
    another_guide(wf, "diazepam", clinical_change=True)
    another_guide(wf, "tizanidine")
    result, _queries = publish_spanish_edit(wf, "Tome 5 mg por la noche.")
    (report,) = result.reports
    assert report.rendered == ["es/baclofen"]
    assert sorted(report.reused) == ["en/baclofen", "en/diazepam", "en/tizanidine", "es/diazepam", "es/tizanidine"]
    exports = settings.GUIDE_CMS_EXPORT_DIR
    published = site_files(exports)
    assert "Tome 5 mg por la noche." in published["es/baclofen/index.html"].decode()
    assert "Take 4 mg at night." in published["en/diazepam/index.html"].decode()
    export_channels(channels=["site"], output_dir=tmp_path / "full")
    assert published == site_files(tmp_path / "full")
    assert verify_exports(exports) == []


def test_a_publication_costs_the_same_queries_with_more_guides_live(wf):
    another_guide(wf, "diazepam")
    _result, with_one = publish_spanish_edit(wf, "Tome 5 mg por la noche.")
    another_guide(wf, "tizanidine")
    another_guide(wf, "cyclobenzaprine", clinical_change=True)
    _result, with_three = publish_spanish_edit(wf, "Tome 5 mg por la mañana.")
    def shapes(queries):
        return [re.sub(r"\d+", "N", q["sql"])[:80] for q in queries]

    assert len(with_three) == len(with_one), "\n".join(difflib.unified_diff(shapes(with_one), shapes(with_three), lineterm=""))


def test_guides_recorded_without_their_shared_facts_are_planned_and_then_recorded(wf, settings, monkeypatch, tmp_path):
    """A manifest written before the shared facts were recorded: the publication plans those guides."""
    monkeypatch.setattr(manifests, "shared_facts", lambda entry: None)
    another_guide(wf, "diazepam", clinical_change=True)
    monkeypatch.undo()
    exports = settings.GUIDE_CMS_EXPORT_DIR
    assert store.read_manifest(exports / "site")["entries"]["es/diazepam"]["shared"] is None
    publish_spanish_edit(wf, "Tome 5 mg por la noche.")
    entries = store.read_manifest(exports / "site")["entries"]
    assert entries["es/diazepam"]["shared"]["approved_on"] and entries["en/diazepam"]["shared"]["source_language"] == "en"
    export_channels(channels=["site"], output_dir=tmp_path / "full")
    assert site_files(exports) == site_files(tmp_path / "full")


def test_a_publication_repairs_a_damaged_page_of_another_guide(wf, settings):
    """Every file the live release lists is looked at (a stat each): a page deleted from it is rendered again."""
    another_guide(wf, "diazepam")
    exports = settings.GUIDE_CMS_EXPORT_DIR
    page = (exports / "site").resolve() / "es/diazepam/index.html"
    good = page.read_bytes()
    page.unlink()
    result, _queries = publish_spanish_edit(wf, "Tome 5 mg por la noche.")
    (report,) = result.reports
    assert sorted(report.rendered) == ["es/baclofen", "es/diazepam"] and report.repaired == ["es/diazepam/index.html"]
    assert ((exports / "site").resolve() / "es/diazepam/index.html").read_bytes() == good
    assert verify_exports(exports) == []


def test_a_page_of_another_guide_edited_with_its_time_put_back_is_left_to_the_full_export(wf, settings):
    """A publication hashes its own guides' files only (a release is never modified, and a check of every file
    would grow with the library): a page edited in place with its time set back is found by verify_integrity
    and repaired by export_channels, which hashes every file."""
    import os

    another_guide(wf, "diazepam")
    exports = settings.GUIDE_CMS_EXPORT_DIR
    page = (exports / "site").resolve() / "es/diazepam/index.html"
    good, stat = page.read_bytes(), page.stat()
    page.write_bytes(good.replace(b"Tome 2 mg.", b"Tome 9 mg."))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result, _queries = publish_spanish_edit(wf, "Tome 5 mg por la noche.")
    assert result.reports[0].rendered == ["es/baclofen"]
    assert verify_exports(exports) == ["export site: es/diazepam/index.html was changed after export (SHA-256 differs from the manifest)"]
    (report,) = export_channels(channels=["site"])
    assert report.repaired == ["es/diazepam/index.html"] and report.rendered == ["es/diazepam"]
    assert ((exports / "site").resolve() / "es/diazepam/index.html").read_bytes() == good and verify_exports(exports) == []


def test_a_publication_on_a_channel_without_shared_files_still_checks_every_file(wf, settings):
    """The handouts have no export after a publication: the publication itself repairs another guide's PDF
    (modified after its release was written)."""
    other = another_guide(wf, "diazepam")
    other.publish(other.guide.versions.get(language="es", status="approved"), channels=("handouts",))
    exports = settings.GUIDE_CMS_EXPORT_DIR
    pdf = (exports / "handouts").resolve() / "es/diazepam.pdf"
    good = pdf.read_bytes()
    pdf.write_bytes(good[: len(good) // 2])  # a damaged handout
    wf.edit("dosing", "es", "Tome 5 mg por la noche.")
    result = wf.publish(wf.approve("es"), channels=("handouts",))
    (report,) = result.reports
    assert sorted(report.rendered) == ["es/baclofen", "es/diazepam"] and report.repaired == ["es/diazepam.pdf"]
    assert ((exports / "handouts").resolve() / "es/diazepam.pdf").read_bytes() == good and verify_exports(exports) == []


def test_a_symbolic_link_planted_in_the_output_is_removed_and_what_it_points_to_left_alone(wf, settings, tmp_path):
    exports = settings.GUIDE_CMS_EXPORT_DIR
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the site's")
    live = (exports / "site").resolve()
    (live / "es" / "extra").symlink_to(outside, target_is_directory=True)
    (live / "es" / "page.html").symlink_to(outside / "keep.txt")
    assert {"es/extra", "es/page.html"} <= {p.split(" ")[2] for p in verify_exports(exports)}
    (report,) = export_channels(channels=["site"])
    assert sorted(report.repaired) == ["es/extra", "es/page.html"]
    new = (exports / "site").resolve()  # a new release, without them (the previous one is kept as it was, not served)
    assert new != live and not (new / "es" / "extra").exists() and not (new / "es" / "page.html").exists()
    assert (outside / "keep.txt").read_text() == "not the site's"
    assert verify_exports(exports) == []
