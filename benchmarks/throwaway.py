"""Where a run happens: a throwaway database of its own (created, then destroyed, as the test runner's) and a
temporary export folder, with the settings a deployment runs with (DEBUG off)."""
from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from django.db import connection
from django.test.utils import override_settings, setup_test_environment


@contextlib.contextmanager
def throwaway_database_and_exports():
    """Yield the export folder; afterwards the render pool is stopped, the database and the folder removed."""
    from guide_cms.publishing.rendering import shutdown_pool

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        # DEBUG off, as deployed: with it on, Django keeps the last 9,000 statements (texts included) in memory.
        with tempfile.TemporaryDirectory() as exports, override_settings(GUIDE_CMS_EXPORT_DIR=Path(exports), ALLOWED_HOSTS=["testserver"],
                                                                         DEBUG=False):
            yield Path(exports)
    finally:
        shutdown_pool()
        connection.creation.destroy_test_db(old_name, verbosity=0)
