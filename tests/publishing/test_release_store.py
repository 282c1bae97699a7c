"""The release store's own rules: whose releases a channel prunes, what a new release may carry over from the live one."""
import hashlib
import os

import pytest

from guide_cms.publishing import store
from guide_cms.publishing.channels.base import ChannelError


def release(root, name, files, record=None):
    """A sealed release of channel name holding files ({path: bytes}), made live; its folder."""
    new = store.Release(root, name, store.live_release(root, name))
    for path, content in files.items():
        new.write(path, content)
    new.seal(b'{"files": {}, "entries": {}, "failures": {}}\n')
    store.point_at(root, name, new.folder)
    if record is not None:  # as a checkpoint writes its record into the live release
        (new.folder / store.CHECKPOINT_RECORD).write_bytes(record)
    return new.folder


def test_a_channel_never_prunes_the_releases_of_a_channel_whose_name_starts_with_its_own(tmp_path):
    site_es = [release(tmp_path, "site-es", {"a.html": b"es"}) for _ in range(3)]
    sites = [release(tmp_path, "site", {"a.html": b"site"}) for _ in range(3)]
    store.prune(tmp_path, "site", keep=1)
    assert [p.exists() for p in sites] == [False, False, True]
    assert all(p.exists() for p in site_es[1:]) and store.live_release(tmp_path, "site-es") == site_es[-1]
    store.prune(tmp_path, "site-es", keep=1)
    assert store.live_release(tmp_path, "site") == sites[-1] and not site_es[0].exists()


def test_a_file_changed_in_the_live_release_during_an_export_is_not_carried_into_the_next(tmp_path):
    live = release(tmp_path, "handouts", {"es/dose.pdf": b"Tome 10 mg.", "es/other.pdf": b"Descanse."})
    digests = {path: hashlib.sha256(content).hexdigest() for path, content in {"es/dose.pdf": b"Tome 10 mg.", "es/other.pdf": b"Descanse."}.items()}
    (live / "es/dose.pdf").write_bytes(b"Tome 100 mg")  # after the export checked it, before it links it
    os.utime(live / "es/dose.pdf")
    new = store.Release(tmp_path, "handouts", live)
    new.link("es/other.pdf", digests["es/other.pdf"])  # unchanged: linked, the same file
    assert (new.folder / "es/other.pdf").stat().st_ino == (live / "es/other.pdf").stat().st_ino
    with pytest.raises(ChannelError, match="es/dose.pdf in the live release was changed during the export"):
        new.link("es/dose.pdf", digests["es/dose.pdf"])
    (live / "es/other.pdf").unlink()
    with pytest.raises(ChannelError, match="es/other.pdf was removed from the live release during the export"):
        new.link("es/other.pdf", digests["es/other.pdf"])
    (live / "es/other.pdf").symlink_to("/etc/hostname")  # a link planted in its place is never followed or copied
    with pytest.raises(ChannelError, match="not a regular file"):
        new.link("es/other.pdf", digests["es/other.pdf"])
    new.discard()


def test_a_new_release_shows_the_newest_checkpoint_record_until_the_next_checkpoint_replaces_it(tmp_path):
    record = b'{"format": "guide-cms-checkpoint-record/1", "sequence": 7}\n'
    release(tmp_path, "site", {"index.html": b"v1"}, record=record)
    newer = release(tmp_path, "site", {"index.html": b"v2"})
    assert (newer / store.CHECKPOINT_RECORD).read_bytes() == record
    assert store.folder_problems(newer, {"files": {"index.html": hashlib.sha256(b"v2").hexdigest()}}) == {}


def test_a_release_is_on_disk_before_it_is_made_live(tmp_path, monkeypatch):
    """Every new file, every folder of the release (hard links included) and then the swap are flushed to disk
    (fsync), in that order: a power cut after the database commits must not leave empty or cut-off files live."""
    live = release(tmp_path, "site", {"es/old/index.html": b"Tome 5 mg."})
    flushed = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: flushed.append(os.readlink(f"/proc/self/fd/{fd}")) or real(fd))

    new = store.Release(tmp_path, "site", live)
    new.link("es/old/index.html")
    new.write("es/new/index.html", b"Tome 10 mg.")
    new.write("index.html", b"<a href=es/new/>")
    new.seal(b'{"files": {}, "entries": {}, "failures": {}}\n')
    assert flushed[-1] == str(new.folder)  # the release's own entries, after everything in it
    sealed = flushed[:]
    store.point_at(tmp_path, "site", new.folder)

    in_release = {os.path.relpath(path, new.folder) for path in sealed}
    assert {"es/new/index.html", "index.html", "manifest.json"} <= in_release  # the files written
    assert {"es/old", "es/new", "es", "."} <= in_release  # the folders, the hard link's included
    assert "es/old/index.html" not in in_release  # a linked file's bytes were flushed by the release that wrote them
    assert flushed[len(sealed):] == [str(tmp_path)]  # then the swap
