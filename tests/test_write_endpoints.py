"""Every write endpoint answers malformed input with a 4xx and a reason, never a 500, and writes nothing.

The test client re-raises any exception a view lets escape, so a crash fails
here with its traceback.
"""
import base64

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import ROLE_GROUPS, Role
from guide_cms.guides.models import Guide, Section, Version
from guide_cms.localization.models import GlossaryTerm
from guide_cms.review.models import Signature
from guide_cms.review.services import version_submit
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="1.2"><file original="x" source-language="en" target-language="es" datatype="plaintext"><body>
<trans-unit id="dosing.body"><source>&lol3;</source><target>&lol3;</target></trans-unit></body></file></xliff>"""
UNKNOWN_LANGUAGE_XLIFF = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="baclofen" source-language="en" target-language="xx"
 datatype="plaintext"><body><trans-unit id="dosing.body"><source>Take 5 mg.</source><target>Tome 5 mg.</target></trans-unit></body></file></xliff>"""


@pytest.fixture
def people(db, editor, translator_es, reviewer):
    return {
        "editor": editor,
        "translator": translator_es,
        "reviewer": reviewer,
        "publisher": make_user(Role.PUBLISHER, username="pub"),
        "superuser": make_user(None, username="root", is_superuser=True),
    }


@pytest.fixture
def version(guide, editor):
    return version_submit(guide=guide, language="en", user=editor)


def upload(name, data):
    return {"file": SimpleUploadedFile(name, data)}


def management(prefix, total="0", initial="0"):
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial, f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


# (who, url(guide, version), POST data, expected status)
CASES = {
    "sign: nothing posted": ("reviewer", lambda g, v: reverse("review:version", args=[v.pk]), {}, 400),
    "sign: unknown decision": (
        "reviewer", lambda g, v: reverse("review:version", args=[v.pk]),
        {"decision": "maybe", "password": "x", "content_hash": "0" * 64}, 400,
    ),
    "sign: a version that does not exist": ("reviewer", lambda g, v: reverse("review:version", args=[10**9]), {"decision": "approve"}, 404),
    "submit: unknown language code": ("editor", lambda g, v: f"/admin/review/guides/{g.pk}/submit/xx/", {}, 404),
    "submit: language code with a path in it": ("editor", lambda g, v: f"/admin/review/guides/{g.pk}/submit/..%2Fen/", {}, 404),
    "submit: unknown change class": ("editor", lambda g, v: reverse("review:submit", args=[g.pk, "en"]), {"change_class": "nonsense"}, 400),
    "submit: a guide that does not exist": ("editor", lambda g, v: reverse("review:submit", args=[10**9, "en"]), {}, 404),
    "upload: no file": ("translator", lambda g, v: reverse("review:upload"), {}, 400),
    "upload: confirmation that is not base64": (
        "translator", lambda g, v: reverse("review:upload"), {"content": "%%% not base64 %%%", "filename": "x.xlf"}, 400,
    ),
    "upload: confirmation of binary garbage": (
        "translator", lambda g, v: reverse("review:upload"), {"content": base64.b64encode(b"\x00\x01\xff" * 50).decode()}, 400,
    ),
    "upload: empty file": ("translator", lambda g, v: reverse("review:upload"), upload("empty.po", b""), 400),
    "upload: entity expansion bomb": ("translator", lambda g, v: reverse("review:upload"), upload("bomb.xlf", BILLION_LAUGHS), 400),
    "upload: unknown target language": ("translator", lambda g, v: reverse("review:upload"), upload("xx.xlf", UNKNOWN_LANGUAGE_XLIFF), 400),
    "upload: not a translation file": ("translator", lambda g, v: reverse("review:upload"), upload("notes.txt", b"hello"), 400),
    "guide admin: review interval not a number": (
        "editor", lambda g, v: reverse("admin:guides_guide_change", args=[g.pk]),
        {"slug": "baclofen", "title_en": "Baclofen", "review_interval_months": "abc", **management("sections")}, 400,
    ),
    "guide admin: formset management data missing": (
        "editor", lambda g, v: reverse("admin:guides_guide_change", args=[g.pk]), {"slug": "baclofen", "review_interval_months": "12"}, 400,
    ),
    "guide admin: add with nothing": ("editor", lambda g, v: reverse("admin:guides_guide_add"), {}, 400),
    "guide admin: section position not a number": (
        "editor", lambda g, v: reverse("admin:guides_guide_add"),
        {"slug": "x", "title_en": "X", "review_interval_months": "12", **management("sections", "1"),
         "sections-0-key": "k", "sections-0-position": "first", "sections-0-title_en": "T", "sections-0-body_en": "B"}, 400,
    ),
    "glossary admin: empty term": (
        "reviewer", lambda g, v: reverse("admin:localization_glossaryterm_add"), {"language": "es", "term": "", "approved": ""}, 400,
    ),
    "glossary admin: language not configured": (
        "reviewer", lambda g, v: reverse("admin:localization_glossaryterm_add"), {"language": "xx", "term": "Diazepam", "do_not_translate": "on"}, 400,
    ),
    "user admin: add with nothing": ("superuser", lambda g, v: reverse("admin:auth_user_add"), {**management("staff_profile"), **management("language_assignments")}, 400),
    "user admin: passwords that differ": (
        "superuser", lambda g, v: reverse("admin:auth_user_password_change", args=[v.author_id]),
        {"usable_password": "true", "password1": "one long passphrase", "password2": "another long passphrase"}, 400,
    ),
    "user admin: assignment to an unknown language": (
        "superuser", lambda g, v: reverse("admin:auth_user_change", args=[v.author_id]),
        {"username": "editor_t", "is_active": "on", "is_staff": "on", **management("staff_profile"), **management("language_assignments", "1"),
         "language_assignments-0-role": "translator", "language_assignments-0-language": "xx"}, 400,
    ),
    "own password: nothing posted": ("reviewer", lambda g, v: reverse("admin:password_change"), {}, 400),
    "notification settings: unknown language and delivery": (
        "translator", lambda g, v: reverse("notifications:preferences"), {"delivery": "pigeon", "language": "xx"}, 400,
    ),
    "publish action: a selection that is not an id": (
        "publisher", lambda g, v: reverse("admin:guides_version_changelist"), {"action": "publish", "_selected_action": ["abc"]}, 400,
    ),
}


def snapshot_of_writes():
    """What a malformed request must leave untouched (the refusal's own audit event aside)."""
    return (
        list(Guide.objects.values_list("slug", "safety_critical", "review_interval_months")),
        list(Section.objects.order_by("pk").values_list("key", "position", "body_en", "body_es")),
        Version.objects.count(), Signature.objects.count(), GlossaryTerm.objects.count(),
        list(Group.objects.filter(name__in=ROLE_GROUPS.values()).values_list("name", "user__username")),
        AuditEvent.objects.exclude(action__in=["access.refused", "signature.failed"]).count(),
    )


@pytest.mark.parametrize("case", CASES)
def test_malformed_input_is_answered_with_a_4xx_and_writes_nothing(client, guide, version, people, case):
    who, url, data, expected = CASES[case]
    client.force_login(people[who])
    before = snapshot_of_writes()

    response = client.post(url(guide, version), data)

    assert response.status_code == expected, response.content.decode()[:2000]
    assert snapshot_of_writes() == before


@pytest.mark.parametrize("path", ["/admin/review/translate/baclofen/xx.xliff", "/admin/review/translate/baclofen/EN.po", "/admin/review/guides/1/submit/zz/"])
def test_unknown_language_codes_in_urls_are_404(client, guide, translator_es, path):
    client.force_login(translator_es)

    assert client.get(path).status_code == 404


def test_a_download_in_an_unknown_format_is_refused_with_a_message(client, guide, translator_es):
    client.force_login(translator_es)

    response = client.get(reverse("review:download", args=[guide.slug, "es", "docx"]), follow=True)

    assert response.status_code == 200 and "Unknown format" in response.content.decode()


def test_a_malformed_upload_says_what_to_do(client, guide, translator_es):
    client.force_login(translator_es)

    response = client.post(reverse("review:upload"), {"content": "not base64!", "filename": "es.xlf"})

    assert response.status_code == 400
    assert "not valid base64" in response.content.decode()
    assert "Upload the file again" in response.content.decode()


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "/admin/guides/version/", {"language": "\x00"}),
        ("get", "/admin/core/auditevent/", {"q": "\x00"}),
        ("get", "/admin/review/translate/ba%00/es.po", {}),
        ("post", "/admin/review/translate/upload/", {"content": "", "filename": "\x00"}),
    ],
)
def test_a_nul_character_anywhere_in_a_request_is_a_400(client, guide, people, method, path, data):
    client.force_login(people["superuser"])

    response = getattr(client, method)(path, data)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()
