"""Two publishers at once on PostgreSQL, each on its own thread and database connection: their batches are
serialised by the real locks (the channels' file and advisory locks, the versions' and guides' row locks),
and neither is lost; two publications of the same guide and language replace each other in order."""
import copy
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Section
from guide_cms.publishing import jobs, store
from guide_cms.publishing.channels.site import SiteChannel
from guide_cms.publishing.models import Publication, PublishJobState
from guide_cms.publishing.services import publish_versions
from tests.factories import GuideFactory, SectionFactory
from tests.tamper import verify_integrity

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row and advisory locks need PostgreSQL (make test runs this suite on it too)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHANNELS = ["site", "handouts"]


class SlowSite(SiteChannel):
    """The site, each page taking a while: the second publisher arrives while the first one writes its release."""

    def render_entry(self, entry):
        files = super().render_entry(entry)
        time.sleep(0.3)
        return files


@pytest.fixture(autouse=True)
def slow_site(settings):
    settings.GUIDE_CMS_CHANNELS = {**settings.GUIDE_CMS_CHANNELS, "site": f"{__name__}.SlowSite"}


def at_once(publisher, batches, runner="publish_versions"):
    """Each batch published by its own thread (its own connection), released together. runner "job": each thread
    enqueues its batch as a publish job, as the admin's Publish action does (outside a transaction it starts at
    once, on a thread of its own), and waits for it."""
    outcomes, start = [], threading.Barrier(len(batches))

    def publish(batch):
        began = error = None
        try:
            start.wait(timeout=10)
            began = timezone.now()
            if runner == "job":
                job = jobs.wait_for_job(jobs.enqueue_publish(batch, publisher), timeout=90)
                assert job.state == PublishJobState.DONE and job.published == [v.code for v in batch], (job.state, job.error)
                began = job.started_at  # when it was claimed, before it waited for the export folder's job lock
            else:
                publish_versions(versions=batch, user=publisher, channels=CHANNELS)
        except Exception as exc:  # noqa: BLE001 - reported below
            error = repr(exc)
        finally:
            outcomes.append((batch, began, timezone.now(), error))
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert [error for *_rest, error in outcomes] == [None] * len(batches)
    assert max(began for _b, began, _e, _err in outcomes) < min(end for _b, _s, end, _err in outcomes), "they did not overlap"
    return outcomes


def second_guide(wf):
    """Another guide, with the same users (the workflow's shortcuts on it)."""
    guide = GuideFactory(slug="warfarin", title_en="Warfarin", title_es="Warfarina", summary_es="Un resumen breve.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 2 mg.", title_es="Dosis", body_es="Tome 2 mg.")
    SectionFactory(guide=guide, key="warnings", position=2, title_en="Warnings", body_en="Do not drive.", body_es="")
    Section.objects.filter(guide=guide, key="warnings").update(title_es="Advertencias", body_es="No conduzca.")
    other = copy.copy(wf)
    other.guide = guide
    return other


def live_entries(export_dir, name):
    manifest = store.read_manifest((export_dir / name).resolve())
    return {eid: record["version"] for eid, record in manifest["entries"].items()}


@pytest.mark.parametrize("runner", ["publish_versions", "job"])
def test_two_publishers_publishing_two_batches_at_once_both_end_live(wf, export_dir, settings, runner):
    if runner == "job":  # a job publishes on every configured channel
        settings.GUIDE_CMS_CHANNELS = {name: settings.GUIDE_CMS_CHANNELS[name] for name in CHANNELS}
    other = second_guide(wf)
    baclofen = [wf.approve("en"), wf.approve("es")]
    warfarin = [other.approve("en"), other.approve("es")]
    events = AuditEvent.objects.count()

    at_once(wf.publisher, [baclofen, warfarin], runner)

    for version in baclofen + warfarin:
        assert sorted(Publication.objects.live().filter(version=version).values_list("channel", flat=True)) == sorted(CHANNELS)
    expected = {f"{v.language}/{v.guide.slug}": v.number for v in baclofen + warfarin}
    for name in CHANNELS:
        assert live_entries(export_dir, name) == expected, name
    published = AuditEvent.objects.filter(action="publication.publish").order_by("pk")
    assert sorted(int(e.object_id) for e in published) == sorted(v.pk for v in baclofen + warfarin)
    assert AuditEvent.objects.count() > events
    assert "Tome 2 mg." in (export_dir / "site" / "es" / "warfarin" / "index.html").read_text()
    assert "Tome 5 mg." in (export_dir / "site" / "es" / "baclofen" / "index.html").read_text()
    code, output = verify_integrity()
    assert code == 0, output


def test_two_publishers_publishing_the_same_guide_and_language_at_once_replace_each_other_in_order(wf, export_dir):
    first = wf.approve("en")
    wf.edit("dosing", "en", "Swallow 5 mg.")
    second = wf.approve("en", "editorial")

    at_once(wf.publisher, [[first], [second]])

    # One after the other: the later publication replaced the earlier one, which the audit trail records.
    earlier, later = AuditEvent.objects.filter(action="publication.publish").order_by("pk")
    assert earlier.data["replaced"] == {name: None for name in CHANNELS}
    assert later.data["replaced"] == {name: earlier.data["version"] for name in CHANNELS}
    assert {earlier.data["version"], later.data["version"]} == {first.number, second.number}
    winner = first if later.data["version"] == first.number else second
    for name in CHANNELS:
        rows = Publication.objects.filter(guide=wf.guide, language="en", channel=name)
        assert rows.count() == 2
        assert list(rows.filter(is_live=True).values_list("version_id", flat=True)) == [winner.pk]
        assert live_entries(export_dir, name) == {"en/baclofen": winner.number}
    code, output = verify_integrity()
    assert code == 0, output


class HeldSite(SiteChannel):
    """The site, each page held until the test lets it go: a publication caught in the middle of its renders."""

    rendering = threading.Event()
    let_go = threading.Event()

    def render_entry(self, entry):
        HeldSite.rendering.set()
        assert HeldSite.let_go.wait(timeout=30), "the test never let the render go"
        return super().render_entry(entry)


def test_a_translator_saves_while_a_publication_renders(wf, export_dir, settings):
    """A save writes to the audit trail, as a publication does: the publication must lock the trail's head only
    once it has rendered, else every editor, translator and reviewer waits for its renders."""
    settings.GUIDE_CMS_CHANNELS = {**settings.GUIDE_CMS_CHANNELS, "site": f"{__name__}.HeldSite"}
    HeldSite.rendering.clear()
    HeldSite.let_go.clear()
    other = second_guide(wf)
    version = wf.approve("en")
    outcome = []

    def publish():
        try:
            publish_versions(versions=[version], user=wf.publisher, channels=["site"])
            outcome.append("published")
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome.append(repr(exc))
        finally:
            connections.close_all()

    publisher = threading.Thread(target=publish)
    publisher.start()
    try:
        assert HeldSite.rendering.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # the settings' 20 s, shortened: waiting at all is the fault
        other.edit("dosing", "es", "Tome 2 mg por la noche.")  # the translator's save, on another guide
        saved = True
    finally:
        HeldSite.let_go.set()
        publisher.join(timeout=60)
    assert saved and outcome == ["published"]
    assert AuditEvent.objects.filter(action="publication.publish", object_id=str(version.pk)).exists()
    code, output = verify_integrity()
    assert code == 0, output
