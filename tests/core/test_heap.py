"""A long-running process gives freed memory back to the system (guide_cms.core.heap): it does not keep
Argon2's 19 MiB work area after checking passwords, nor the free room a large operation leaves in its heap.
Each runs in a fresh process: what a process's C allocator keeps depends on its whole history."""
import subprocess
import sys
import textwrap

import pytest

from guide_cms.core import heap

needs_glibc = pytest.mark.skipif(heap._glibc() is None, reason="the C library is not glibc")

RSS = """
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
"""


def run(code: str) -> str:
    script = RSS + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={"DJANGO_SETTINGS_MODULE": "guide_cms.settings.dev", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@needs_glibc
def test_a_process_that_checks_passwords_does_not_keep_argon2s_work_area():
    kept = run("""
        import django
        django.setup()  # the project's settings: its Argon2id hasher (19 MiB), and CoreConfig.ready()
        from django.contrib.auth.hashers import check_password, make_password
        encoded = make_password("correct horse battery")
        assert encoded.startswith("argon2")
        before = rss()
        for _ in range(3):
            check_password("correct horse battery", encoded)
        print(rss() - before)
    """)
    assert float(kept) < 5, f"{kept} MB kept after three password checks (19 MiB each)"


@needs_glibc
def test_the_free_room_a_large_operation_leaves_is_given_back():
    given_back = run("""
        import sys
        sys.path.insert(0, ".")
        from guide_cms.core.heap import release_free_memory
        pages = [str(n).rjust(2000, "x") for n in range(40_000)]  # 80 MB of strings, each from the C heap
        del pages[:39_000]  # the operation is over; a few of its strings live on, holding the heap's top
        before = rss()
        assert release_free_memory()
        print(before - rss())
    """)
    assert float(given_back) > 40, f"only {given_back} MB given back of some 78 MB freed"
