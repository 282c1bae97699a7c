"""Every string the interface shows is in each catalogue, with the language's plural forms and words."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

from guide_cms.core.languages import target_languages

ROOT = Path(settings.BASE_DIR)
# makemessages with the project's one alias (core/admin.py: gettext_lazy as _lazy) as a keyword too.
EXTRACT = """
from django.core.management import call_command
from django.core.management.commands import makemessages
import django
django.setup()
class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + ["--keyword=_lazy"]
call_command(Command(), locale=["es"], no_obsolete=True, no_wrap=True, verbosity=0)
"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    copy = tmp_path_factory.mktemp("messages")
    shutil.copytree(ROOT / "guide_cms", copy / "guide_cms", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(ROOT / "locale", copy / "locale")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "PYTHONPATH": str(copy)}
    subprocess.run([sys.executable, "-c", EXTRACT], cwd=copy, env=env, check=True, timeout=300)
    with open(copy / "locale" / "es" / "LC_MESSAGES" / "django.po", "rb") as po:
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id}


@pytest.mark.parametrize("language", [lang.code for lang in target_languages()])
def test_every_string_of_the_code_and_templates_is_in_the_catalogue(extracted, language):
    with open(ROOT / "locale" / translation.to_locale(language) / "LC_MESSAGES" / "django.po", "rb") as po:
        have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id}
    assert sorted(extracted - have, key=str) == []


@pytest.mark.parametrize("count, expected", [(1, "نشر إصدار واحد"), (2, "نشر إصدارين"), (3, "نشر 3 إصدارات"), (11, "نشر 11 إصدارًا"), (100, "نشر 100 إصدار")])
def test_arabic_counts_take_the_arabic_plural_forms(count, expected):
    with translation.override("ar"):
        text = translation.ngettext("Publish %(counter)s version", "Publish %(counter)s versions", count) % {"counter": count}
    assert text == expected


@pytest.mark.parametrize("language, added, date_column", [("vi", "mới thêm", "ngày thêm"), ("zh-hans", "新增", "添加时间")])
def test_a_section_added_in_a_diff_is_not_named_like_a_date_column(language, added, date_column):
    from guide_cms.review.views import SECTION_STATUS_LABELS

    with translation.override(language):
        assert str(SECTION_STATUS_LABELS["added"]) == added
        assert translation.gettext("added") == date_column


def test_extraction_sees_templates_python_and_the_alias(extracted):
    assert {(None, "who"), (None, "Search the guides"), ("section in a diff", "added"), (None, "Patient guides")} <= extracted
