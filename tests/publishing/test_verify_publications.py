"""verify_integrity compares what is live in the database with what the channels' files carry;
export_channels repairs files altered or deleted on disk."""
import shutil

import pytest

from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import export_channels
from tests.publishing.publishing_helpers import BOTH, command, edit, files


@pytest.fixture
def live(workflow, export_dir):
    wf = workflow
    wf.publish(wf.approve("en"), channels=BOTH)
    wf.spanish = wf.approve("es")
    wf.publish(wf.spanish, channels=("site",))
    return wf


def test_everything_consistent_verifies(live):
    code, output = command("verify_integrity")
    assert code == 0 and "Integrity OK" in output


def test_a_publication_live_in_the_database_but_never_exported_is_reported(live):
    # A row written behind the services' back (a restore, a script): the files never followed.
    Publication.objects.create(guide=live.guide, language="es", channel="handouts", version=live.spanish, published_at=live.spanish.created_at)
    code, output = command("verify_integrity")
    assert code == 1
    assert "publication handouts: baclofen [es]: v1 is live, but it is not in the handouts manifest" in output


def test_files_of_an_older_version_than_the_live_one_are_reported(live, export_dir):
    old = export_dir / "site-as-of-v1"
    shutil.copytree((export_dir / "site").resolve(), old)
    edit(live.guide, "dosing", body_es="Tome 5 mg por la noche.")
    live.publish(live.approve("es"), channels=("site",))
    # Someone puts an old copy of the site back: consistent with its own manifest, but not what is live.
    (export_dir / "site").unlink()
    (export_dir / "site").symlink_to(old.name)
    code, output = command("verify_integrity")
    assert code == 1
    assert "publication site: baclofen [es]: v2 is live, but the site files are of v1" in output
    assert "export site: site does not lead to one of the channel's releases" in output  # a link changed by hand
    assert "SHA-256" not in output and "is missing" not in output  # the files themselves match their manifest
    export_channels()
    assert command("verify_integrity")[0] == 0


def test_files_of_something_no_longer_live_are_reported(live):
    Publication.objects.filter(language="es").update(is_live=False)
    code, output = command("verify_integrity")
    assert code == 1
    assert "publication site: baclofen [es]: the site files carry v1, but nothing is live for it in the database." in output


@pytest.mark.parametrize("damage", ["edit", "delete", "add"])
def test_export_channels_repairs_files_altered_deleted_or_added_on_disk(live, export_dir, damage):
    before = files(export_dir, "site")
    folder = (export_dir / "site").resolve()
    if damage == "edit":
        page = folder / "es" / "baclofen" / "index.html"
        page.write_text(page.read_text().replace("Tome 5 mg.", "Tome 50 mg."))
    elif damage == "delete":
        (folder / "index.html").unlink()
    else:
        (folder / "es" / "extra.html").write_text("<p>not signed</p>")
    code, output = command("verify_integrity")
    assert code == 1 and "export site: " in output

    (report,) = export_channels(channels=["site"])

    assert report.changed and report.repaired
    assert files(export_dir, "site") == before
    assert command("verify_integrity")[0] == 0


def test_a_deleted_handout_is_printed_again(live, export_dir):
    before = files(export_dir, "handouts")
    ((export_dir / "handouts").resolve() / "en" / "baclofen.pdf").unlink()
    reports = {r.channel: r for r in export_channels()}
    assert reports["handouts"].rendered == ["en/baclofen"] and reports["handouts"].repaired == ["en/baclofen.pdf"]
    assert not reports["site"].changed
    assert files(export_dir, "handouts") == before  # byte-identical to the first print
