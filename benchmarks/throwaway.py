"""Where a run happens: a throwaway database of its own (created, then destroyed, as the test runner's; on SQLite a
file on tmpfs) and a temporary export folder, with the settings a deployment runs with (DEBUG off)."""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings, setup_test_environment

MEMORY_FOLDER = "/dev/shm"  # tmpfs on Linux: files in memory, outside any process's own


@contextlib.contextmanager
def throwaway_database_and_exports():
    """Yield the export folder; afterwards the render pool is stopped, the database and the folder removed."""
    setup_test_environment()
    with tempfile.TemporaryDirectory(dir=MEMORY_FOLDER if os.path.isdir(MEMORY_FOLDER) else None) as folder:
        if connection.vendor == "sqlite":
            # A file, as deployed, not the test runner's in-memory database: that one lives in this process's memory
            # (100,000 memory pairs are some 95 MB of it), which the peak-memory goal would count as the product's.
            # On tmpfs where there is one, as the in-memory database was: the disk's flushes are not what is measured.
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "benchmark.sqlite3")
        yield from _database_and_exports()


def _database_and_exports():
    """The database created, the export folder made and the settings overridden; all undone afterwards."""
    from guide_cms.publishing.rendering import shutdown_pool

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        # DEBUG off, as deployed: with it on, Django keeps the last 9,000 statements (texts included) in memory.
        with tempfile.TemporaryDirectory() as exports, override_settings(GUIDE_CMS_EXPORT_DIR=Path(exports), ALLOWED_HOSTS=["testserver"],
                                                                         DEBUG=False):
            yield Path(exports)
    finally:
        shutdown_pool()
        connection.creation.destroy_test_db(old_name, verbosity=0)
