"""What a row of the benchmark holds, and the instruments that fill it: SQL statements counted, password
hashing timed wherever it happens, a process's peak memory, and a function run in a process of its own."""
from __future__ import annotations

import dataclasses
import time


@dataclasses.dataclass
class Row:
    name: str
    wall: float  # seconds
    units: int = 0
    unit: str = ""
    queries: int | None = None
    peak_mb: float | None = None
    written: int | None = None
    changed: int | None = None
    hashing: float = 0.0  # seconds of password hashing inside the row
    note: str = ""
    step: str = ""  # the measured step the row belongs to (benchmarks.steps.STEPS)

    @property
    def rate(self) -> float | None:
        return self.units / self.wall if self.units and self.wall else None

    @property
    def per_unit(self) -> float | None:
        return self.queries / self.units if self.queries is not None and self.units else None

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data.update(rate=self.rate, queries_per_unit=self.per_unit)
        return data


class QueryCounter:
    """Counts the SQL statements run on a connection (without keeping them): connection.execute_wrapper(counter)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class PasswordHashing:
    """Time spent in password hashers (encode, verify, harden_runtime), wherever they are called, while entered."""

    METHODS = ("encode", "verify", "harden_runtime")

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0
        self._patched = []

    def __enter__(self):
        from django.contrib.auth.hashers import get_hashers

        for hasher in get_hashers():
            for name in self.METHODS:
                # The class that defines it (a hasher that only sets its costs inherits them).
                cls = next((c for c in type(hasher).__mro__ if name in c.__dict__), None)
                if cls is not None and not any(c is cls and n == name for c, n, _ in self._patched):
                    self._patch(cls, name)
        return self

    def _patch(self, cls, name: str) -> None:
        original = cls.__dict__[name]

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += name == "verify"

        setattr(cls, name, timed)
        self._patched.append((cls, name, original))

    def __exit__(self, *exc):
        for cls, name, original in reversed(self._patched):
            setattr(cls, name, original)
        self._patched = []


def hasher_name() -> str:
    """The password hasher new hashes are made with, and its costs: "Argon2id, m = 19 MiB, t = 2, p = 1"."""
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    if hasher.algorithm == "argon2":
        return f"Argon2id, m = {hasher.memory_cost // 1024} MiB, t = {hasher.time_cost}, p = {hasher.parallelism}"
    return type(hasher).__name__


def reset_peak() -> bool:
    """Reset this process's peak resident size (Linux); False where it cannot be reset."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # resets VmHWM, the peak resident size
        return True
    except OSError:
        return False


def peak_mb() -> float | None:
    """This process's peak resident size in MB since the last reset_peak (or since it started)."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_worker_peaks() -> list[float]:
    """The peak resident size (MB) of each process of this process's render pool, while it runs."""
    from guide_cms.publishing.rendering import render_worker_pids

    peaks = []
    for pid in render_worker_pids():
        try:
            with open(f"/proc/{pid}/status") as handle:
                peaks += [int(line.split()[1]) / 1024 for line in handle if line.startswith("VmHWM:")]
        except OSError:
            continue  # exited meanwhile
    return peaks


def in_a_process_of_its_own(function, *args):
    """function(*args) in a new process started as the render workers are (Django and fonts loaded); its answer."""
    from guide_cms.publishing.rendering import worker_processes

    with worker_processes(1) as executor:
        return executor.submit(function, *args).result()
