"""Findings are kept in Django's cache (shared by every process when GUIDE_CMS_CACHE_URL names a Redis
server), under a key of everything they depend on, the checks themselves included."""
import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from guide_cms.localization import checking
from guide_cms.settings.base import cache_config
from tests.review.workflow_helpers import approved_source

from .test_checked_once import counted  # noqa: F401 (a fixture)


def test_findings_are_read_from_the_cache_framework(guide, editor, counted):  # noqa: F811
    approved_source(guide, editor)
    first, source = checking.draft_findings(guide, "es")
    assert len([key for key in cache._cache if "guide_cms:findings:" in key]) == 2  # the source's (at its approval), the translation's
    assert checking.draft_findings(guide, "es")[0] == first and len(counted) == 1
    cache.clear()  # nothing else keeps them
    assert checking.draft_findings(guide, "es")[0] == first and len(counted) == 2


def test_new_checks_never_read_the_old_checks_findings(guide, editor, counted, monkeypatch):  # noqa: F811
    approved_source(guide, editor)
    checking.draft_findings(guide, "es")
    monkeypatch.setattr(checking, "checks_fingerprint", lambda: "another deployment's checks")
    checking.draft_findings(guide, "es")
    assert len(counted) == 2


def test_the_key_names_every_part_and_the_interface_language():
    key = checking.findings_key("translation", "a" * 64, "b" * 64, "en", "es", [("Diazepam", "Diazepam", True)])
    assert key.startswith("guide_cms:findings:") and len(key) == 83
    assert key != checking.findings_key("translation", "a" * 64, "b" * 64, "en", "es", [("Diazepam", "Diazepam", False)])
    assert key != checking.findings_key("translation", "a" * 64, "c" * 64, "en", "es", [("Diazepam", "Diazepam", True)])
    with translation.override("ar"):
        assert key != checking.findings_key("translation", "a" * 64, "b" * 64, "en", "es", [("Diazepam", "Diazepam", True)])


def test_the_checks_fingerprint_covers_their_code_word_lists_and_catalogs():
    files = {path.name for pattern in checking._RULE_SOURCES for path in checking._PACKAGE.glob(pattern)}
    assert {"checks.py", "quantities.py", "clinical_facts.toml", "segmentation.py", "text_rules.py"} <= files
    assert len(checking.checks_fingerprint()) == 64


def test_the_cache_comes_from_the_environment():
    local = cache_config("")
    assert local["BACKEND"].endswith("LocMemCache")
    # A section-language keeps its findings and a trial outcome per channel (site, handouts), each guide-language
    # its headers: 50 guides × 10 sections × 5 languages must fit, or a one-section submission lays out everything.
    assert local["OPTIONS"]["MAX_ENTRIES"] >= 50 * 5 * (10 * 3 + 2)
    shared = cache_config("redis://cache.example.org:6379/1")
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache" and shared["LOCATION"] == "redis://cache.example.org:6379/1"
    with pytest.raises(ImproperlyConfigured, match="GUIDE_CMS_CACHE_URL"):
        cache_config("memcached://cache.example.org")
