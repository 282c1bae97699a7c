"""The render pool's start: its worker processes started and their fonts loaded (when there is more than one)."""
from __future__ import annotations

from guide_cms.publishing.rendering import shutdown_pool, warm_pool, worker_count


def measure(run) -> None:
    workers = worker_count()
    if workers > 1:
        shutdown_pool()
        with run.measure(f"handout pool start ({workers} workers, fonts loaded)", workers, "workers"):
            warm_pool()
