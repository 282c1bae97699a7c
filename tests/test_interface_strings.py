"""Every string the interface shows is in each catalogue, with the language's plural forms and words."""
import re
import shutil
from html import unescape
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


# --- strings of the third-party apps and of Django's admin, and values the interface shows ----------------------------

# Strings that are the same word in the language (Spanish "No"), or a placeholder with nothing to translate.
SAME_IN_LANGUAGE = {
    "es": {"No", "Error:", "hash"},
    "vi": {"Email"},
}
PLACEHOLDERS_ONLY = re.compile(r"^(?:%\(\w+\)s|\s)*$")


def untranslated(msgids, language):
    """The msgids (a string, or (singular, plural)) that the interface shows in English in `language`: every
    catalogue Django reads counts, the project's first, then the apps' and Django's own."""
    left, same = [], SAME_IN_LANGUAGE.get(language, set())
    with translation.override(language):
        for msgid in msgids:
            if isinstance(msgid, tuple):
                singular, plural = msgid
                # One count for each plural form the languages use (Arabic has six: 0, 1, 2, 3–10, 11–99, 100…).
                if any(translation.ngettext(singular, plural, n) in (singular, plural) for n in (0, 1, 2, 3, 11, 100)):
                    left.append(singular)
            elif translation.gettext(msgid) == msgid and msgid not in same and not PLACEHOLDERS_ONLY.match(msgid):
                left.append(msgid)
    return sorted(left)


def msgids_of(po_path):
    with open(po_path, "rb") as po:
        return [m.id for m in read_po(po) if m.id and not m.context]


def third_party_apps():
    """The installed apps that are neither Django's nor the project's: their admin pages, forms and messages (the
    login throttle's lockout, the authenticator app's) are pages a user meets."""
    from django.apps import apps

    return [app for app in apps.get_app_configs() if not app.name.startswith(("django.", "guide_cms"))]


@pytest.fixture(scope="module")
def third_party_strings(tmp_path_factory):
    """Every string the installed third-party apps mark for translation, extracted as makemessages does."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    copy = tmp_path_factory.mktemp("third-party")

    def leave_out(folder, names):
        # Their own catalogues and tests, and apps nested in an installed one but not installed (django-otp's plugins).
        return [name for name in names if name in ("locale", "tests", "migrations") or (Path(folder, name, "apps.py").exists())]

    for app in third_party_apps():
        shutil.copytree(app.path, copy / app.label, ignore=leave_out)
    (copy / "locale").mkdir()
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "PYTHONPATH": str(ROOT)}
    extract = EXTRACT.replace('xgettext_options + ["--keyword=_lazy"]', "xgettext_options")
    # -P: the copies (named as the apps' packages) must not stand in for the installed apps.
    subprocess.run([sys.executable, "-P", "-c", extract], cwd=copy, env=env, check=True, timeout=300)
    return msgids_of(copy / "locale" / "es" / "LC_MESSAGES" / "django.po")


def test_the_third_party_apps_are_the_ones_users_meet(third_party_strings):
    assert {app.name for app in third_party_apps()} >= {"axes", "django_otp", "django_otp.plugins.otp_totp", "modeltranslation"}
    assert len(third_party_strings) > 40
    assert "Account locked: too many login attempts. Please try again later." in third_party_strings  # axes' lockout
    assert "Please enter your OTP token." in third_party_strings  # django-otp's form


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_every_string_of_the_third_party_apps_is_translated(third_party_strings, language):
    """django-axes (its lockout message, its admin of access attempts), django-otp and django-modeltranslation:
    their own catalogues lack most interface languages; the project's translate what they lack
    (guide_cms/core/third_party_words.py keeps the words in the catalogues)."""
    assert untranslated(third_party_strings, language) == []


@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_every_string_of_djangos_admin_and_accounts_is_translated(language):
    """Django's admin and auth strings (its English catalogues list them all) in every interface language: Django's
    Vietnamese and Chinese catalogues lag behind its releases (the theme switch, "Skip to main content")."""
    import django

    django_root = Path(django.__file__).resolve().parent
    msgids = [
        msgid
        for app in ("contrib/admin", "contrib/auth")
        for msgid in msgids_of(django_root / app / "locale" / "en" / "LC_MESSAGES" / "django.po")
    ]
    assert len(msgids) > 250
    assert untranslated(msgids, language) == []


@pytest.fixture
def superuser_client(client, db):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@clinic.test", "a-long-password-1")
    client.force_login(root)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_audit_trail_names_actions_the_system_and_recorded_values_in_the_interface_language(superuser_client, language):
    """The audit admin shows no action code ("roles.change"), no "system" and no raw record of roles: what the
    trail stores stays as stored, the page says it in the reader's language."""
    from django.urls import reverse

    from guide_cms.core import audit_display
    from guide_cms.core.models import AuditEvent
    from guide_cms.core.roles import Role, group_label

    from .factories import make_user

    make_user(Role.REVIEWER, ("es",), username="reviewer_audit")
    event = AuditEvent.objects.get(action="roles.change", data__user="reviewer_audit")
    assert (event.actor_label, event.actor_id) == ("system", None)
    pages = [reverse("admin:core_auditevent_changelist"), reverse("admin:core_auditevent_change", args=[event.pk])]
    for url in pages:
        html = superuser_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        shown = " ".join(page_texts(html))
        assert "roles.change" not in shown, url
        assert not re.search(r"\bsystem\b", shown), url
    with translation.override(language):
        label = audit_display.action_label("roles.change")
        title = str(event)
        changes = str(audit_display.changes_html(event))
        reviewers = group_label("Clinical reviewers")
    assert label in title and "roles.change" not in title
    assert reviewers in changes and "{'groups'" not in changes and "reviewer:es" not in changes


@pytest.mark.django_db
@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_guide_page_names_each_language_column_in_the_interface_language(superuser_client, approved_workflow, language):
    """The read-only text columns ("Title (Arabic)") are named when the page is drawn, not when the admin is built."""
    from django.urls import reverse

    from guide_cms.core.languages import get_language

    html = superuser_client.get(reverse("admin:guides_guide_change", args=[approved_workflow.guide.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = html.content.decode()
    with translation.override(language):
        arabic = get_language("ar").display_name
    assert "(Arabic)" not in html and f"({arabic})" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", INTERFACE_LANGUAGES)
def test_the_admins_search_box_is_labelled_in_the_interface_language(superuser_client, language):
    from django.urls import reverse

    html = superuser_client.get(reverse("admin:auth_user_changelist"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    with translation.override(language):
        search = translation.gettext("Search")
    assert search != "Search" and f'alt="{search}"' in html and 'alt="Search"' not in html


def page_texts(html):
    """Each text and alt, title or aria-label of a page, whitespace collapsed; scripts, styles and icons left out."""
    html = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", html)
    attributes = re.findall(r'\b(?:alt|title|aria-label)="([^"]*)"', html)
    texts = re.split(r"<[^>]+>", html)
    return {" ".join(unescape(text).split()) for text in [*texts, *attributes] if text.strip()}
