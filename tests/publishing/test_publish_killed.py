"""Kill -9 a batch publish while it writes its release: the previous release stays live, nothing is recorded,
and the same batch publishes afterwards."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from django.conf import settings

HELPER = "tests.publishing.batch_publisher"


def helper(db, exports, *args, env, timeout=120):
    result = subprocess.run([sys.executable, "-m", HELPER, str(db), str(exports), *args], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def recorded(db, versions):
    """The batch's publication rows and every audit event, read from the database file itself."""
    with sqlite3.connect(db) as con:
        marks = ",".join("?" * len(versions))
        rows = con.execute(f"SELECT count(*) FROM publishing_publication WHERE version_id IN ({marks})", versions).fetchone()[0]
        events = con.execute("SELECT count(*), max(id) FROM core_auditevent").fetchone()
        published = con.execute("SELECT count(*) FROM core_auditevent WHERE action = 'publication.publish'").fetchone()[0]
    return rows, events, published


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_sigkill_mid_batch_publish_leaves_the_previous_release_live_and_nothing_recorded(tmp_path):
    db, exports = tmp_path / "db.sqlite3", tmp_path / "exports"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUIDE_CMS_EXPORT_DIR", "DJANGO_SETTINGS_MODULE")}
    state = helper(db, exports, "setup", env=env)  # English and Spanish v1 live; v2 of each approved
    versions = state["versions"]
    live = (exports / "site").resolve()
    before, recorded_before = files(live), recorded(db, versions)
    assert recorded_before[0] == 0 and before

    process = subprocess.Popen([sys.executable, "-m", HELPER, str(db), str(exports), "publish-slow", json.dumps(state)],
                               cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline, staging = time.monotonic() + 60, []
    while time.monotonic() < deadline and not staging and process.poll() is None:
        # The batch's release being written: not live, not sealed, some of the batch's pages in it already.
        staging = [p for p in exports.glob(".site-*")
                   if p.resolve() != live and not (p / "manifest.json").exists() and any(p.rglob("*.html"))]
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    output = process.communicate()[0].decode()
    assert staging, f"the publish ended before it could be killed: {output}"
    assert process.returncode == -signal.SIGKILL

    # The previous release is live and byte for byte what it was; the database holds nothing of the batch.
    assert (exports / "site").resolve() == live
    assert files(live) == before
    assert recorded(db, versions) == recorded_before
    verify_env = {**env, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "DATABASE_URL": f"sqlite:///{db}",
                  "GUIDE_CMS_EXPORT_DIR": str(exports)}
    check = subprocess.run([sys.executable, "manage.py", "verify_integrity"], cwd=settings.BASE_DIR, env=verify_env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr

    # The same batch publishes; the release the killed one left unsealed is gone, every release kept is sealed.
    assert helper(db, exports, "publish", json.dumps(state), env=env)["published"] == versions
    rows, _events, published = recorded(db, versions)
    assert rows == 2 and published == recorded_before[2] + 2
    new = (exports / "site").resolve()
    assert new != live and "Swallow 5 mg." in (new / "en" / "baclofen" / "index.html").read_text()
    assert "Trague 5 mg." in (new / "es" / "baclofen" / "index.html").read_text()
    releases = sorted(p for p in exports.glob(".site-*") if p.is_dir())
    assert staging[0] not in releases and new in releases and len(releases) <= settings.GUIDE_CMS_RELEASES_KEPT
    assert all((p / "manifest.json").is_file() for p in releases)
    check = subprocess.run([sys.executable, "manage.py", "verify_integrity"], cwd=settings.BASE_DIR, env=verify_env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
