"""Kill -9 an export process while it writes: the previous output stays whole."""
import os
import signal
import subprocess
import sys
import time

from django.conf import settings


def manage(*args, env, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, **kwargs)


def test_sigkill_mid_export_leaves_the_previous_output_complete(tmp_path):
    exports = tmp_path / "exports"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "GUIDE_CMS_EXPORT_DIR": str(exports),
    }
    assert manage("migrate", "--no-input", env=env, timeout=300).returncode == 0
    assert manage("demo", env=env, timeout=300).returncode == 0  # publishes and exports once
    before = {p.relative_to(exports).as_posix(): p.read_bytes() for p in (exports / "handouts").resolve().rglob("*") if p.is_file()}
    live = (exports / "handouts").resolve()

    # Force a full re-render (the fonts' files are part of each PDF's key), then kill it mid-way.
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_TARGET], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    staging = []
    while time.monotonic() < deadline and not staging:
        # The release being written: not live, not sealed with a manifest yet, some handouts in it.
        staging = [p for p in exports.glob(".handouts-*")
                   if p.resolve() != live and not (p / "manifest.json").exists() and any(p.rglob("*.pdf"))]
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    output = process.communicate()[0].decode()
    assert staging, f"the export ended before it could be killed: {output}"

    assert (exports / "handouts").resolve() == live
    after = {p.relative_to(exports).as_posix(): p.read_bytes() for p in live.rglob("*") if p.is_file()}
    assert after == before
    result = manage("verify_integrity", env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    # The next export removes the release the killed one left unsealed; the live one and the one before it stay.
    assert manage("export_channels", env=env, timeout=300).returncode == 0
    releases = sorted(exports.glob(".handouts-*"))
    assert staging[0] not in releases and (exports / "handouts").resolve() in releases and len(releases) <= 2
    assert all((p / "manifest.json").is_file() for p in releases)


# Renders every handout again (a changed output version) slowly enough to be caught.
KILL_TARGET = """
import django, time
django.setup()
from guide_cms.publishing.channels.handouts import HandoutChannel
from guide_cms.publishing.entries import build_entries
from guide_cms.publishing.export import export_channel
from guide_cms.publishing.store import export_root

class Slow(HandoutChannel):
    output_version = "killed-export"
    def render_entry(self, entry):
        files = super().render_entry(entry)
        time.sleep(0.5)
        return files

export_channel(Slow(), build_entries("handouts"), export_root())
"""
