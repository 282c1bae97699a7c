"""Render workers end with the process that owns them, even when it is killed without its shutdown."""
import os
import signal
import subprocess
import sys
import time

OWNER = r'''
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide_cms.settings.test")
django.setup()
from guide_cms.publishing import rendering
from guide_cms.publishing.render_worker import ping
pool = rendering.render_pool(2)
print(sorted({pool.submit(ping, 0.3).result() for _ in range(4)}), flush=True)
import time; time.sleep(120)
'''


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_render_workers_exit_when_their_server_is_killed():
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    workers = eval(owner.stdout.readline())  # noqa: S307 - our own child's printed list of pids
    assert workers and all(_running(pid) for pid in workers)

    owner.send_signal(signal.SIGTERM)  # no atexit: the pool is not shut down
    owner.wait(timeout=30)

    deadline = time.monotonic() + 15
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [pid for pid in workers if _running(pid)]
