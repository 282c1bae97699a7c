"""Kill -9 a batch publish while it writes its release: the previous release stays live, nothing is recorded,
and the same batch publishes afterwards. On SQLite (a database file of the test's own) and on PostgreSQL (the
test database, where the killed process's open transaction, row locks and advisory lock must go with it)."""
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings

HELPER = "tests.publishing.batch_publisher"


def helper(db, exports, *args, env, timeout=120):
    result = subprocess.run([sys.executable, "-m", HELPER, str(db), str(exports), *args], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def kill_while_writing(db, exports, state, env):
    """Start the batch's publish (its site channel slow) and SIGKILL it once its new release has some of the
    batch's pages and no manifest yet: the release being written (not live, never sealed)."""
    live = (exports / "site").resolve()
    process = subprocess.Popen([sys.executable, "-m", HELPER, str(db), str(exports), "publish-slow", json.dumps(state)],
                               cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline, staging = time.monotonic() + 60, []
    while time.monotonic() < deadline and not staging and process.poll() is None:
        staging = [p for p in exports.glob(".site-*")
                   if p.resolve() != live and not (p / "manifest.json").exists() and any(p.rglob("*.html"))]
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    output = process.communicate()[0].decode()
    assert staging, f"the publish ended before it could be killed: {output}"
    assert process.returncode == -signal.SIGKILL
    return staging[0]


def assert_after_the_next_publish(exports, live, killed):
    """The batch's pages live in a new release; the one the killed publish left is gone; every release kept is sealed."""
    new = (exports / "site").resolve()
    assert new != live and "Swallow 5 mg." in (new / "en" / "baclofen" / "index.html").read_text()
    assert "Trague 5 mg." in (new / "es" / "baclofen" / "index.html").read_text()
    releases = sorted(p for p in exports.glob(".site-*") if p.is_dir())
    assert killed not in releases and new in releases and len(releases) <= settings.GUIDE_CMS_RELEASES_KEPT
    assert all((p / "manifest.json").is_file() for p in releases)


# --- SQLite ----------------------------------------------------------------------------------------------------


def recorded(db, versions):
    """The batch's publication rows and every audit event, read from the database file itself."""
    with sqlite3.connect(db) as con:
        marks = ",".join("?" * len(versions))
        rows = con.execute(f"SELECT count(*) FROM publishing_publication WHERE version_id IN ({marks})", versions).fetchone()[0]
        events = con.execute("SELECT count(*), max(id) FROM core_auditevent").fetchone()
        published = con.execute("SELECT count(*) FROM core_auditevent WHERE action = 'publication.publish'").fetchone()[0]
    return rows, events, published


def verify_integrity(env, db, exports):
    env = {**env, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "DATABASE_URL": f"sqlite:///{db}", "GUIDE_CMS_EXPORT_DIR": str(exports)}
    check = subprocess.run([sys.executable, "manage.py", "verify_integrity"], cwd=settings.BASE_DIR, env=env,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_sigkill_mid_batch_publish_leaves_the_previous_release_live_and_nothing_recorded(tmp_path):
    db, exports = tmp_path / "db.sqlite3", tmp_path / "exports"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUIDE_CMS_EXPORT_DIR", "DJANGO_SETTINGS_MODULE")}
    state = helper(db, exports, "setup", env=env)  # English and Spanish v1 live; v2 of each approved
    versions = state["versions"]
    live = (exports / "site").resolve()
    before, recorded_before = files(live), recorded(db, versions)
    assert recorded_before[0] == 0 and before

    killed = kill_while_writing(db, exports, state, env)

    # The previous release is live and byte for byte what it was; the database holds nothing of the batch.
    assert (exports / "site").resolve() == live
    assert files(live) == before
    assert recorded(db, versions) == recorded_before
    verify_integrity(env, db, exports)

    assert helper(db, exports, "publish", json.dumps(state), env=env)["published"] == versions
    rows, _events, published = recorded(db, versions)
    assert rows == 2 and published == recorded_before[2] + 2
    assert_after_the_next_publish(exports, live, killed)
    verify_integrity(env, db, exports)


# --- PostgreSQL ------------------------------------------------------------------------------------------------


def _database_url():
    """The test database, for the publishing process: only a server database is shared with it."""
    from django.db import connection

    d = connection.settings_dict
    return f"postgres://{d['USER']}:{d['PASSWORD']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _live_and_a_batch_to_publish(wf):
    """English and Spanish v1 live on the site, v2 of each approved: the batch, and what the publishing process is given."""
    from guide_cms.publishing.services import publish_versions

    publish_versions(versions=[wf.approve("en"), wf.approve("es")], user=wf.publisher, channels=["site"])
    wf.edit("dosing", "en", "Swallow 5 mg.")
    english = wf.approve("en", "editorial")
    wf.edit("dosing", "es", "Trague 5 mg.")
    batch = [english, wf.approve("es")]
    return batch, {"versions": [v.pk for v in batch], "publisher": wf.publisher.pk}


def _session_pids() -> set[int]:
    """The other sessions on the test database now (this process's other threads' included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return {row[0] for row in cursor.fetchall()}


def _other_sessions(before: set[int], wait: float = 20.0) -> int:
    """The sessions on the test database that were not there before the publishing process started, once PostgreSQL
    has ended the killed process's (or after wait)."""
    deadline = time.monotonic() + wait
    while True:
        left = len(_session_pids() - before)
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the publishing process shares the test database on PostgreSQL only (make test runs this suite on it too)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # committed rows, for the publishing process
def test_sigkill_mid_batch_publish_on_postgresql_releases_its_locks_and_records_nothing(wf, export_dir):
    from guide_cms.core.models import AuditEvent
    from guide_cms.publishing.models import Publication
    from guide_cms.publishing.services import publish_versions
    from tests.tamper import verify_integrity

    batch, state = _live_and_a_batch_to_publish(wf)
    live = (export_dir / "site").resolve()
    before = files(live)
    recorded_before = (list(Publication.objects.values_list("pk", "version_id", "is_live")), AuditEvent.objects.count())

    env = {k: v for k, v in os.environ.items() if k not in ("GUIDE_CMS_EXPORT_DIR", "DJANGO_SETTINGS_MODULE")}
    sessions = _session_pids()
    killed = kill_while_writing(_database_url(), export_dir, state, env)

    # PostgreSQL ends the killed session: its transaction rolled back, its row locks and advisory lock let go.
    assert _other_sessions(sessions) == 0
    assert (export_dir / "site").resolve() == live
    assert files(live) == before
    assert (list(Publication.objects.values_list("pk", "version_id", "is_live")), AuditEvent.objects.count()) == recorded_before
    code, output = verify_integrity()
    assert code == 0, output

    # The same batch, here: it would wait forever for a lock the killed process still held.
    result = publish_versions(versions=batch, user=wf.publisher, channels=["site"])
    assert [v.pk for v in result.versions] == state["versions"]
    assert Publication.objects.live().filter(version__in=batch).count() == 2
    assert AuditEvent.objects.filter(action="publication.publish").count() == 4
    assert_after_the_next_publish(export_dir, live, killed)
    code, output = verify_integrity()
    assert code == 0, output


def _sessions_waiting_for_a_lock() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def commits_of_publications_wait():
    """Commits of publications wait while this runs: a deferred constraint trigger on the publications waits, at the
    commit, for an advisory lock this session holds (a commit that takes a while, as on a slow or busy server)."""
    from django.db import connection

    key = 7_405_001
    with connection.cursor() as cursor:
        cursor.execute("CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                       f"PERFORM pg_advisory_lock({key}); PERFORM pg_advisory_unlock({key}); RETURN NULL; END $$")
        cursor.execute("CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON publishing_publication "
                       "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit()")
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            cursor.execute("DROP TRIGGER test_slow_commit ON publishing_publication")
            cursor.execute("DROP FUNCTION test_slow_commit()")


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="the publishing process shares the test database on PostgreSQL only (make test runs this suite on it too)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sigkill_while_the_commit_is_in_flight_leaves_the_batch_recorded_live_and_its_manifest_accounted_for(wf, export_dir):
    """The release is swapped in just before the transaction commits. A publisher killed while its COMMIT waits: the
    database finishes the commit it was sent, so the batch is recorded and live together, and the export's event (the
    manifest's digest) with it: verify_integrity does not take the live manifest for one edited on disk."""
    from guide_cms.core.models import AuditEvent
    from guide_cms.publishing import checkpoints
    from guide_cms.publishing.models import Publication
    from guide_cms.publishing.services import export_channels
    from tests.tamper import verify_integrity

    batch, state = _live_and_a_batch_to_publish(wf)
    live = (export_dir / "site").resolve()
    env = {k: v for k, v in os.environ.items() if k not in ("GUIDE_CMS_EXPORT_DIR", "DJANGO_SETTINGS_MODULE")}
    sessions = _session_pids()

    with commits_of_publications_wait():
        process = subprocess.Popen([sys.executable, "-m", HELPER, _database_url(), str(export_dir), "publish", json.dumps(state)],
                                   cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None and not _sessions_waiting_for_a_lock():
            time.sleep(0.01)
        swapped = (export_dir / "site").resolve()
        process.send_signal(signal.SIGKILL)
        output = process.communicate()[0].decode()
    assert process.returncode == -signal.SIGKILL, output
    assert swapped != live  # the new release was live while the commit waited
    assert _other_sessions(sessions) == 0

    # Rows and files together; the live manifest is the one the export's event records.
    assert (export_dir / "site").resolve() == swapped
    assert Publication.objects.live().filter(version__in=batch).count() == 2
    event = AuditEvent.objects.filter(action=checkpoints.EXPORT_ACTION).latest("pk")
    assert event.data["manifests"] == {"site": checkpoints.manifest_digest(export_dir, "site")}
    code, output = verify_integrity()
    assert "edited on disk" not in output, output
    # What the killed process had still to do, the search index and shared files, is reported; export_channels does it
    # without rendering the pages again (the channel is trusted).
    assert code == 1 and "the export that follows a publication did not finish" in output, output
    [report] = export_channels(channels=["site"])
    assert report.rendered == [] and not report.error
    code, output = verify_integrity()
    assert code == 0, output
