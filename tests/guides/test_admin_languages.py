"""Who sees and edits which language in the guide admin; forged POSTs are refused."""
import pytest
from django.urls import reverse

from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide, Section
from tests.factories import make_user

from .admin_forms import post_data_from


def change_url(guide):
    return reverse("admin:guides_guide_change", args=[guide.pk])


def open_change_page(client, user, guide):
    client.force_login(user)
    response = client.get(change_url(guide))
    assert response.status_code == 200
    return response


def editable_inline_fields(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return set(formset.forms[0].fields) - {"id", "guide", "DELETE", "base"}


def test_editor_edits_english_and_sees_no_other_language(client, editor, guide):
    response = open_change_page(client, editor, guide)
    assert editable_inline_fields(response) == {"key", "position", "title_en", "body_en"}
    assert set(response.context["adminform"].form.fields) - {"base"} == {"slug", "safety_critical", "review_interval_months", "title_en", "summary_en"}
    assert b"Tome 5 mg." not in response.content


def test_spanish_translator_sees_english_read_only_beside_spanish(client, translator_es, guide):
    response = open_change_page(client, translator_es, guide)
    assert editable_inline_fields(response) == {"title_es", "body_es"}
    html = response.content.decode()
    assert "Take 5 mg." in html  # the English source, shown read-only
    assert 'name="sections-0-body_en"' not in html
    assert 'name="sections-0-body_es"' in html
    assert "body_ar" not in html and "body_zh_hans" not in html


def test_arabic_fields_are_right_to_left(client, db, guide):
    translator_ar = make_user(Role.TRANSLATOR, ("ar",))
    html = open_change_page(client, translator_ar, guide).content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html


def test_translator_saves_spanish_only(client, translator_es, guide):
    data = post_data_from(open_change_page(client, translator_es, guide))
    data["sections-0-body_es"] = "Tome 5 mg por la mañana."
    response = client.post(change_url(guide), data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    section = Section.objects.get(key="dosing")
    assert (section.body_en, section.body_es) == ("Take 5 mg.", "Tome 5 mg por la mañana.")


@pytest.mark.parametrize("field", ["sections-0-body_en", "sections-0-body_ar", "title_en", "slug", "sections-0-position"])
def test_forged_post_from_translator_is_refused(client, translator_es, guide, field):
    data = post_data_from(open_change_page(client, translator_es, guide))
    data[field] = "99"
    data["sections-0-body_es"] = "Tome 50 mg."
    response = client.post(change_url(guide), data)
    assert response.status_code == 403
    section = Section.objects.get(key="dosing")
    assert (section.body_en, section.body_es, section.position) == ("Take 5 mg.", "Tome 5 mg.", 1)
    assert Guide.objects.get(pk=guide.pk).slug == "baclofen"


@pytest.mark.parametrize("field", ["sections-0-body_es", "title_es", "summary_vi"])
def test_forged_post_from_editor_into_a_translation_is_refused(client, editor, guide, field):
    data = post_data_from(open_change_page(client, editor, guide))
    data[field] = "Tome 50 mg."
    assert client.post(change_url(guide), data).status_code == 403
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."


def test_translator_cannot_delete_sections(client, translator_es, guide):
    data = post_data_from(open_change_page(client, translator_es, guide))
    data["sections-0-DELETE"] = "on"
    assert client.post(change_url(guide), data).status_code == 403
    assert guide.sections.count() == 2


def test_reviewer_reads_but_cannot_change(client, reviewer, guide):
    response = open_change_page(client, reviewer, guide)
    assert not response.context["has_change_permission"]
    data = {"title_en": "Hacked", "sections-0-body_en": "Take 50 mg."}
    assert client.post(change_url(guide), data).status_code == 403
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"


def test_edit_of_text_changed_meanwhile_is_refused_and_keeps_the_other_text(client, translator_es, guide):
    data = post_data_from(open_change_page(client, translator_es, guide))
    Section.objects.filter(key="dosing").update(body_es="Tome 5 mg (revisado por otra persona).")
    data["sections-0-body_es"] = "Tome 5 mg por la mañana."
    response = client.post(change_url(guide), data)
    assert response.status_code == 400
    assert "Someone else saved section &#x27;dosing&#x27;, text (Spanish)" in response.content.decode()
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg (revisado por otra persona)."


def test_editor_and_translator_editing_different_languages_do_not_conflict(client, editor, translator_es, guide):
    data = post_data_from(open_change_page(client, translator_es, guide))
    Section.objects.filter(key="dosing").update(body_en="Take 5 mg at night.")
    data["sections-0-body_es"] = "Tome 5 mg por la noche."
    assert client.post(change_url(guide), data).status_code == 302
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg por la noche."


def test_editor_adds_a_guide_with_a_section(client, editor):
    client.force_login(editor)
    data = {
        "slug": "diazepam", "title_en": "Diazepam", "summary_en": "", "review_interval_months": "12",
        "sections-TOTAL_FORMS": "1", "sections-INITIAL_FORMS": "0", "sections-MIN_NUM_FORMS": "0", "sections-MAX_NUM_FORMS": "1000",
        "sections-0-key": "dosing", "sections-0-position": "1", "sections-0-title_en": "Dosing", "sections-0-body_en": "Take 2 mg.",
        "_save": "Save",
    }
    response = client.post(reverse("admin:guides_guide_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    guide = Guide.objects.get(slug="diazepam")
    assert [(s.key, s.body_en) for s in guide.sections.all()] == [("dosing", "Take 2 mg.")]


def test_translator_cannot_add_guides(client, translator_es):
    client.force_login(translator_es)
    assert client.get(reverse("admin:guides_guide_add")).status_code == 403


def test_review_interval_over_three_years_is_refused(client, editor, guide):
    data = post_data_from(open_change_page(client, editor, guide))
    data["review_interval_months"] = "37"
    response = client.post(change_url(guide), data)
    assert response.status_code == 400
    assert Guide.objects.get(pk=guide.pk).review_interval_months == 12


def test_guide_list_flags_overdue_reviews(client, editor, guide):
    import datetime

    Guide.objects.filter(pk=guide.pk).update(last_approved_on=datetime.date(2020, 1, 1))
    client.force_login(editor)
    assert "review overdue" in client.get(reverse("admin:guides_guide_changelist")).content.decode()


def test_editor_deletes_a_draft_guide_but_not_one_with_history(client, editor, guide):
    from guide_cms.core.models import AuditEvent
    from guide_cms.review.services import version_submit
    from tests.factories import GuideFactory

    draft = GuideFactory()
    client.force_login(editor)
    assert client.post(reverse("admin:guides_guide_delete", args=[draft.pk]), {"post": "yes"}).status_code == 302
    assert not Guide.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="guide.delete").exists()
    Section.objects.filter(key="warnings").update(body_en="> [!WARNING]\n> Do not drive.")
    version_submit(guide=guide, language="en", user=editor)
    assert client.post(reverse("admin:guides_guide_delete", args=[guide.pk]), {"post": "yes"}).status_code == 403
    assert Guide.objects.filter(pk=guide.pk).exists()


def test_translator_sees_each_sections_state_in_their_language(client, translator_es, guide):
    html = open_change_page(client, translator_es, guide).content.decode()
    assert "Spanish: <strong>translated</strong>" in html and "Spanish: <strong>empty</strong>" in html
    assert "Arabic:" not in html
