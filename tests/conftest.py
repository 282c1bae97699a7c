import os
from pathlib import Path

import pytest
from django.utils import translation

from guide_cms.core.roles import Role

from .factories import GuideFactory, SectionFactory, make_user
from .workflow import Workflow


@pytest.fixture(autouse=True)
def english_interface():
    """Each test starts in the default language; a request in Arabic must not leak into the next test."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_findings():
    """Findings are kept by content in Django's cache; a test that changes the checks must not see another's.
    Nor its memory's fuzzy index: a rolled-back test's pair ids are the next test's again."""
    from guide_cms.localization.checking import forget_findings
    from guide_cms.localization.memory import forget_fuzzy_indexes

    forget_findings()
    forget_fuzzy_indexes()
    yield
    forget_findings()
    forget_fuzzy_indexes()


@pytest.fixture(autouse=True)
def fresh_cache():
    """What Django's cache keeps (trial renders by section) lives as long as the process: each test starts empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Exports go to a folder of the test's own, never to the checkout's var/."""
    settings.GUIDE_CMS_EXPORT_DIR = tmp_path / "exports"
    return settings.GUIDE_CMS_EXPORT_DIR


@pytest.fixture
def editor(db):
    return make_user(Role.EDITOR, username="editor_t")


@pytest.fixture
def translator_es(db):
    return make_user(Role.TRANSLATOR, ("es",), username="translator_es_t")


@pytest.fixture
def reviewer(db):
    return make_user(Role.REVIEWER, ("en", "es"), username="reviewer_t")


@pytest.fixture
def second_reviewer(db):
    """Another reviewer of the same languages: for versions that need two signatures."""
    return make_user(Role.REVIEWER, ("en", "es"), username="reviewer_two")


@pytest.fixture
def guide(db):
    guide = GuideFactory(slug="baclofen", title_en="Baclofen", title_es="Baclofeno", summary_es="Un resumen breve.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 5 mg.", title_es="Dosis", body_es="Tome 5 mg.")
    SectionFactory(guide=guide, key="warnings", position=2, title_en="Warnings", body_en="> [!WARNING]\n> Do not drive.", body_es="")
    return guide


@pytest.fixture
def workflow(guide, editor, translator_es):
    """The guide with a reviewer and a publisher, taken through the real services."""
    return Workflow(guide, editor, translator_es)


@pytest.fixture
def approved_workflow(workflow):
    """The same, with the English source approved."""
    workflow.approve("en")
    return workflow


@pytest.fixture
def wf(workflow):
    return workflow


# Fixtures through which a test reaches the database.
_DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(config, items):
    """With GUIDE_CMS_DATABASE_TESTS_ONLY=1 (make test's second, PostgreSQL run), keep only the tests
    that use a database: the others (pure functions: the quantity reader, the renderer) ran on SQLite's run
    and would give nothing new on PostgreSQL. Tests of SLOW_MODULES are marked slow."""
    _mark_slow(config, items)
    if os.environ.get("GUIDE_CMS_DATABASE_TESTS_ONLY") != "1":
        return
    keep, skip = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_database else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


# Modules whose tests start processes (manage.py, python -m benchmarks, render workers, Redis and Celery, GNU gettext), browsers
# (Chromium) or servers: marked slow, so that `pytest -m "not slow"` is a quick developer loop. make test runs all.
SLOW_MODULES = {
    "tests/test_sqlite_concurrency.py", "tests/test_project.py", "tests/test_backups.py", "tests/test_interface_strings.py",
    "tests/publishing/test_export_killed.py", "tests/publishing/test_publish_killed.py", "tests/publishing/test_site_in_browser.py", "tests/publishing/test_render_workers_exit.py",
    "tests/publishing/test_site_accessibility.py", "tests/publishing/test_task_queue.py",
    "tests/publishing/test_content_security_policy.py", "tests/publishing/test_site_search_in_browser.py",
    "tests/publishing/test_site_from_disk.py", "tests/localization/exchange/test_po_gettext_tools.py",
    "tests/benchmarks/test_python_m_benchmarks.py", "tests/e2e/test_two_tabs_in_browser.py", "tests/e2e/test_story_in_browser.py",
}


def _mark_slow(config, items) -> None:
    root = Path(config.rootpath)
    for item in items:
        if Path(item.path).relative_to(root).as_posix() in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
