"""Every code a check, a submission or a text rule can give is explained for people (docs: Reference, Finding codes)."""

import re
from pathlib import Path

from django.conf import settings

from guide_cms.guides.text_rules import PROBLEM_CODES
from guide_cms.localization.qa import CHECKS
from guide_cms.localization.qa.codes import FINDING_CODES
from guide_cms.publishing.checks import RENDER_PROBLEM_CODES, SUBMISSION_CODES

APP = Path(settings.BASE_DIR) / "guide_cms"


def codes_given_in(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text(encoding="utf-8")))


def test_every_quality_check_code_has_a_meaning_and_an_action():
    given = {fn.code for fn in CHECKS} | codes_given_in(APP / "localization/qa/checks.py", r'\b_?[Ff]inding\(\s*"([a-z-]+)"')
    assert given == set(FINDING_CODES)
    assert all(meaning.meaning and meaning.action and meaning.severity for meaning in FINDING_CODES.values())


def test_every_submission_code_has_a_meaning_and_an_action():
    given = set(RENDER_PROBLEM_CODES.values()) | codes_given_in(APP / "publishing/checks.py", r'\bFinding\(\s*"([a-z-]+)"')
    given |= codes_given_in(APP / "review/services.py", r'\bFinding\(\s*"([a-z-]+)"')
    assert given == set(SUBMISSION_CODES)
    assert not set(SUBMISSION_CODES) & set(FINDING_CODES)


def test_every_text_rule_code_is_explained():
    given = codes_given_in(APP / "guides/text_rules.py", r'code = "([a-z-]+)"|TextProblem\(\s*line,\s*column,\s*"([a-z-]+)"')
    given |= codes_given_in(APP / "guides/text_limits.py", r'\(line, (?:column|1), "([a-z-]+)", message\)|return line, column, "([a-z-]+)"')
    given = {code for pair in given for code in (pair if isinstance(pair, tuple) else (pair,)) if code}
    assert given == set(PROBLEM_CODES)
