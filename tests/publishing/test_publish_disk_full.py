"""A full disk (ENOSPC) during a batch publish job: the previous releases stay live and whole, nothing is
recorded, the job fails saying why; with space back, the same batch publishes.

tests/test_faults.py covers a full disk during a publication of one version and during export_channels; this
covers a batch of several versions on several channels, run as a job."""

import pytest

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Version
from guide_cms.publishing import jobs, store
from guide_cms.publishing.models import Publication, PublishJobState
from guide_cms.publishing.services import publish_versions
from tests.tamper import verify_integrity
from tests.test_faults import disk_full_after, staging_left, tree

CHANNELS = ("site", "handouts")


@pytest.fixture
def batch(approved_workflow):
    """English and Spanish v1 live on both channels; a new version of each approved, not published."""
    wf = approved_workflow
    english = Version.objects.get(language="en")
    publish_versions(versions=[english, wf.approve("es")], user=wf.publisher, channels=list(CHANNELS))
    wf.edit("dosing", "en", "Swallow 5 mg.")
    english = wf.approve("en", "editorial")
    wf.edit("dosing", "es", "Trague 5 mg.")
    return wf, [english, wf.approve("es")]


def recorded():
    return Publication.objects.count(), list(Publication.objects.live().values_list("pk", "version_id")), AuditEvent.objects.count()


@pytest.mark.parametrize(("where", "writes"), [
    ("", 0),  # the batch's first file
    ("", 3),  # a few pages into the site's release
    (".handouts", 0),  # the site's release written whole (not live yet), the handouts' first file
])
def test_a_full_disk_during_a_batch_publish_job_records_nothing_and_the_batch_publishes_after(batch, export_dir, where, writes):
    wf, versions = batch
    live = {name: (export_dir / name).resolve() for name in CHANNELS}
    files_before, recorded_before = tree(export_dir), recorded()

    # Files written under export_dir (or, with where, under the handouts' releases only: the helper matches the
    # path's prefix) fail with ENOSPC after `writes` of them.
    job = jobs.enqueue_publish(versions, wf.publisher)
    with disk_full_after(writes, export_dir / where if where else export_dir):
        job = jobs.run_publish_job(job.pk)

    assert job.state == PublishJobState.FAILED and job.published == []
    release = ".handouts-" if where else ".site-"
    assert job.error.startswith("The export folder could not be written. Tell whoever runs guide_cms: No space left on device: "
                                f"{export_dir}/{release}"), job.error
    assert jobs.job_state(job)["nothing_recorded"]
    assert recorded() == recorded_before
    assert not Publication.objects.filter(version__in=versions).exists()
    assert {name: (export_dir / name).resolve() for name in CHANNELS} == live
    assert tree(export_dir) == files_before
    assert staging_left(export_dir) == []
    assert verify_integrity()[0] == 0

    # Space back: the same batch publishes, on both channels.
    job = jobs.run_publish_job(jobs.enqueue_publish(versions, wf.publisher).pk)
    assert job.state == PublishJobState.DONE and job.published == [v.code for v in versions], job.error
    assert Publication.objects.live().filter(version__in=versions).count() == len(versions) * len(CHANNELS)
    for name in CHANNELS:
        manifest = store.read_manifest((export_dir / name).resolve())
        assert {eid: manifest["entries"][eid]["version"] for eid in ("en/baclofen", "es/baclofen")} == {
            "en/baclofen": versions[0].number, "es/baclofen": versions[1].number}
    assert "Trague 5 mg." in (export_dir / "site" / "es" / "baclofen" / "index.html").read_text()
    assert staging_left(export_dir) == []
    code, output = verify_integrity()
    assert code == 0, output


def test_a_full_disk_found_when_the_release_is_flushed_records_nothing(batch, export_dir, monkeypatch):
    """A file system that allocates late reports the full disk at fsync, after every write succeeded: the release
    is never made live and the job says which file."""
    import errno
    import os

    wf, versions = batch
    live, files_before, recorded_before = (export_dir / "site").resolve(), tree(export_dir), recorded()
    real_fsync = os.fsync

    def full(fd):
        if "/.site-" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    job = jobs.enqueue_publish(versions, wf.publisher)
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full)
        job = jobs.run_publish_job(job.pk)

    assert job.state == PublishJobState.FAILED and job.published == []
    assert job.error.startswith("The export folder could not be written. Tell whoever runs guide_cms: No space left on device: "
                                f"{export_dir}/.site-"), job.error
    assert recorded() == recorded_before and (export_dir / "site").resolve() == live
    assert tree(export_dir) == files_before and staging_left(export_dir) == []
    assert verify_integrity()[0] == 0
    job = jobs.run_publish_job(jobs.enqueue_publish(versions, wf.publisher).pk)
    assert job.state == PublishJobState.DONE, job.error
