"""The review queue, the review page with its sign-off form, and submission, as users meet them."""
import html

import pytest
from django.urls import reverse

from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import Role
from guide_cms.guides.models import Section, Version
from guide_cms.review.models import Signature
from guide_cms.review.services import version_submit
from tests.factories import PASSWORD, GuideFactory, SectionFactory, make_user

from .workflow_helpers import approved_source


@pytest.fixture
def spanish_version(guide, editor, translator_es, reviewer):
    Section.objects.filter(key="warnings").update(body_es="> [!WARNING]\n> No conduzca.", title_es="Advertencias")
    approved_source(guide, editor, make_user(Role.REVIEWER, ("en",)))
    return version_submit(guide=guide, language="es", user=translator_es)


def sign_post(client, version, **overrides):
    data = {"decision": "approve", "comment": "", "password": PASSWORD, "content_hash": version.content_hash}
    data.update(overrides)
    return client.post(reverse("review:version", args=[version.pk]), data)


def test_queue_lists_only_assigned_languages_oldest_first(client, db, editor):
    reviewer_es = make_user(Role.REVIEWER, ("es", "en"))
    guides = [GuideFactory(title_en=f"Guide {i}", title_es=f"Guía {i}", summary_es="Un resumen breve.") for i in range(2)]
    for guide in guides:
        SectionFactory(guide=guide, body_en="Take 5 mg.", title_es="T", body_es="Tome 5 mg.")
        approved_source(guide, editor)
        translator = make_user(Role.TRANSLATOR, ("es",))
        version_submit(guide=guide, language="es", user=translator)
    client.force_login(reviewer_es)
    rows = client.get(reverse("review:queue")).context["rows"]
    assert [row["version"].guide for row in rows] == guides
    assert all(row["version"].language == "es" for row in rows)

    client.force_login(make_user(Role.REVIEWER, ("ar",)))
    assert client.get(reverse("review:queue")).context["rows"] == []


def test_queue_query_count_does_not_grow_with_guides(client, db, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reviewer_es = make_user(Role.REVIEWER, ("es", "en"))
    translator = make_user(Role.TRANSLATOR, ("es",))
    client.force_login(reviewer_es)

    def add_guides(n):
        for _ in range(n):
            guide = GuideFactory(title_en="Baclofen", title_es="Baclofeno", summary_es="Un resumen breve.")
            SectionFactory(guide=guide, body_en="Take 5 mg.", title_es="T", body_es="Tome 5 mg.")
            approved_source(guide, editor)
            version_submit(guide=guide, language="es", user=translator)

    add_guides(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("review:queue"))
    add_guides(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("review:queue"))
    assert len(response.context["rows"]) == 10
    assert len(many) == len(few)


def test_review_page_shows_diff_and_source_side_by_side(client, reviewer, spanish_version):
    client.force_login(reviewer)
    response = client.get(reverse("review:version", args=[spanish_version.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Take 5 mg." in html and "Tome 5 mg." in html  # source beside translation
    assert 'class="gc-rendered"' in html and "&gt; [!" not in html  # first version: the text as rendered, nothing to compare
    assert 'name="password"' in html


def test_reviewer_signs_with_password_on_the_page(client, reviewer, spanish_version):
    client.force_login(reviewer)
    response = sign_post(client, spanish_version)
    assert response.status_code == 302
    signature = Signature.objects.get(version=spanish_version)
    assert signature.signer == reviewer and signature.meaning_text == "faithful translation of source version 1"
    spanish_version.refresh_from_db()
    assert spanish_version.status == "approved"


def test_signing_without_or_with_wrong_password_is_refused(client, reviewer, spanish_version):
    client.force_login(reviewer)
    assert sign_post(client, spanish_version, password="").status_code == 400
    response = sign_post(client, spanish_version, password="not my password")
    assert response.status_code == 400
    assert "Wrong password" in response.content.decode()
    assert not Signature.objects.filter(version__language="es").exists()
    assert AuditEvent.objects.filter(action="signature.failed", actor=reviewer).count() == 1


def test_forged_sign_by_the_translator_who_wrote_it_is_refused(client, translator_es, spanish_version):
    translator_es.groups.add(make_user(Role.REVIEWER).groups.get())  # now also a reviewer...
    from guide_cms.core.models import LanguageAssignment

    LanguageAssignment.objects.create(user=translator_es, role=Role.REVIEWER, language="es")
    client.force_login(translator_es)
    assert sign_post(client, spanish_version).status_code == 403
    assert not Signature.objects.filter(version__language="es").exists()


def test_forged_sign_in_an_unassigned_language_is_refused(client, db, spanish_version):
    client.force_login(make_user(Role.REVIEWER, ("ar",)))
    assert sign_post(client, spanish_version).status_code == 403
    assert not Signature.objects.filter(version__language="es").exists()


def test_request_changes_needs_a_comment(client, reviewer, spanish_version):
    client.force_login(reviewer)
    response = sign_post(client, spanish_version, decision="request_changes")
    assert response.status_code == 400 and "comment is required" in response.content.decode()
    assert sign_post(client, spanish_version, decision="request_changes", comment="Dose in section 2?").status_code == 302
    spanish_version.refresh_from_db()
    assert spanish_version.status == "changes_requested"


def test_signing_a_version_whose_text_changed_is_refused(client, reviewer, translator_es, spanish_version):
    client.force_login(reviewer)
    stale_hash = spanish_version.content_hash
    Section.objects.filter(key="dosing").update(body_es="Tome 5 mg con agua.")
    newer = version_submit(guide=spanish_version.guide, language="es", user=translator_es)
    # The old page posts the old version: it is superseded now.
    assert sign_post(client, spanish_version, content_hash=stale_hash).status_code == 403
    # Posting the old hash against the new version is refused too.
    response = sign_post(client, newer, content_hash=stale_hash)
    assert response.status_code == 400 and "not this version" in response.content.decode()
    assert not Signature.objects.filter(version__language="es").exists()


def test_translator_submits_from_the_submit_page(client, guide, editor, translator_es):
    Section.objects.filter(key="warnings").update(body_es="> [!WARNING]\n> No conduzca.", title_es="Advertencias")
    approved_source(guide, editor)
    client.force_login(translator_es)
    url = reverse("review:submit", args=[guide.pk, "es"])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302
    assert Version.objects.get(language="es").author == translator_es


def test_submit_page_names_the_empty_section(client, guide, editor, translator_es):
    approved_source(guide, editor)
    client.force_login(translator_es)
    response = client.post(reverse("review:submit", args=[guide.pk, "es"]), {})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Section 'warnings', text [empty]" in page
    assert not Version.objects.filter(language="es").exists()


def test_translator_cannot_submit_another_language(client, guide, translator_es):
    client.force_login(translator_es)
    assert client.post(reverse("review:submit", args=[guide.pk, "en"]), {}).status_code == 403
    assert client.post(reverse("review:submit", args=[guide.pk, "ar"]), {}).status_code == 403
    assert not Version.objects.exists()


def test_guide_list_shows_states_per_language(client, guide, editor, translator_es):
    client.force_login(editor)
    html = client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert "draft" in html and "not started" in html
    approved_source(guide, editor)
    html = client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert "approved (v1)" in html


def test_guide_list_query_count_is_the_same_for_5_and_50_guides(client, db, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            guide = GuideFactory()
            SectionFactory(guide=guide)
            SectionFactory(guide=guide, body_es="Tome 5 mg.")

    client.force_login(editor)
    url = reverse("admin:guides_guide_changelist") + "?all="
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.context["cl"].result_count == 50
    assert len(fifty) == len(five)


def test_review_page_shows_the_text_as_patients_will_see_it(client, reviewer, spanish_version):
    client.force_login(reviewer)
    html = client.get(reverse("review:version", args=[spanish_version.pk])).content.decode()
    assert '<aside class="callout callout-warning" role="note"' in html
    assert "As patients will see it" in html


def test_a_new_source_version_asks_its_change_class_on_the_submit_page(client, guide, editor):
    approved_source(guide, editor)
    Section.objects.filter(key="dosing").update(body_en="Take 5 mg at night.")
    client.force_login(editor)
    url = reverse("review:submit", args=[guide.pk, "en"])
    assert 'name="change_class"' in client.get(url).content.decode()
    response = client.post(url, {"change_class": ""})
    assert response.status_code == 400 and "editorial, clinical or safety" in response.content.decode()
    assert client.post(url, {"change_class": "clinical"}).status_code == 302
    assert Version.objects.get(language="en", number=2).change_class == "clinical"


def test_review_page_shows_the_facts_read_on_each_side_sentence_by_sentence(client, reviewer, spanish_version):
    client.force_login(reviewer)
    page = client.get(reverse("review:version", args=[spanish_version.pk])).content.decode()
    assert "What the patient is told, sentence by sentence" in page
    facts = page.split('class="gc-segments gc-facts"', 1)[1].split("</table>", 1)[0]
    # The warning's prohibition, as read in English and in Spanish, in one row.
    row = next(r for r in facts.split("<tr")[1:] if "No conduzca" in r)
    assert "prohibition or negation" in row and "“<bdi>No</bdi>”" in row
    assert "gc-fact-error" not in facts
    # In the reviewer's language.
    page = client.get(reverse("review:version", args=[spanish_version.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Lo que se indica al paciente, oración por oración" in page and "prohibición o negación" in page
