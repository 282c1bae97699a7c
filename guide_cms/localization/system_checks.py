"""Start-up checks (manage.py check): every configured language can be checked as the README promises."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning as CheckWarning

from .qa.facts import missing_fact_kinds


def check_fact_words(app_configs=None, **kwargs) -> list[CheckWarning]:
    """A warning for each configured language whose clinical word list (qa/clinical_facts.toml) lacks a
    kind of fact: its translations are then warned about, not checked, for that kind."""
    warnings = []
    for code, _name in settings.LANGUAGES:
        missing = missing_fact_kinds(code)
        if missing:
            warnings.append(
                CheckWarning(
                    f"The clinical word list has no {', '.join(missing)} words for the configured language '{code}': "
                    "negations, thresholds, opposite words or frequencies in words of its translations are not checked, "
                    "only warned about.",
                    hint=f"Add a [{code}] table with every kind to guide_cms/localization/qa/clinical_facts.toml.",
                    id="localization.W001",
                )
            )
    return warnings
