"""Every string the interface shows is in each catalogue, with the language's plural forms and words."""
import re
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


INTERFACE_LANGUAGES = ["es", "ar", "zh-hans", "vi"]


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_every_role_group_has_a_name_in_the_interface_language(language):
    from guide_cms.core.roles import ROLE_GROUPS, group_label

    with translation.override(language):
        untranslated = [name for name in ROLE_GROUPS.values() if group_label(name) == name]
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_admin_names_role_groups_in_the_interface_language(client, language):
    """The user page's role picker, the group list, the users' filter and a group's own page: the translated name,
    never the English one the database keeps (a role group's page shows that too, marked as English)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django.utils.html import escape

    from guide_cms.core.roles import ROLE_GROUPS, Role, group_label

    from .factories import make_user

    root = get_user_model().objects.create_superuser("root", "root@clinic.test", "a-long-password-1")
    client.force_login(root)
    reviewer = make_user(Role.REVIEWER, ("es",), username="reviewer_groups")
    group = Group.objects.get(name=ROLE_GROUPS[Role.REVIEWER])
    with translation.override(language):
        labels = {name: escape(group_label(name)) for name in ROLE_GROUPS.values()}
    pages = {
        "user": reverse("admin:auth_user_change", args=[reviewer.pk]),
        "groups": reverse("admin:auth_group_changelist"),
        "users' filter": reverse("admin:auth_user_changelist"),
        "group": reverse("admin:auth_group_change", args=[group.pk]),
    }
    for page, url in pages.items():
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        if page == "group":
            assert labels["Clinical reviewers"] in html
            english = [html[max(0, m.start() - 120):m.end() + 6] for m in re.finditer("Clinical reviewers", html)]
            assert len(english) == 1 and english[0].endswith('<bdi lang="en" dir="ltr">Clinical reviewers</bdi>'), english
            continue
        for name, label in labels.items():
            assert label in html, (page, name)
            assert [html[max(0, m.start() - 120):m.end() + 20] for m in re.finditer(name, html)] == [], (page, name)


@pytest.mark.parametrize("language", ["es", "ar"])
def test_block_kinds_and_the_glossary_columns_are_translated(language):
    from guide_cms.localization.admin import GlossaryTermAdmin
    from guide_cms.localization.units import block_kind_label

    with translation.override(language):
        kinds = {kind: block_kind_label(kind) for kind in ("title", "summary", "paragraph", "list item", "warning", "tip", "quote")}
        column = str(GlossaryTermAdmin.expected_form.short_description)
    assert [kind for kind, label in kinds.items() if label == kind] == []
    assert column != "expected form"


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_django_words_missing_from_its_catalogues_are_translated(language):
    from guide_cms.core.admin import DJANGO_WORDS

    with translation.override(language):
        assert [word for word in DJANGO_WORDS if translation.gettext(word) == word] == []
