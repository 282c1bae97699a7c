"""The translator's pages sentence by sentence: dashboard, editor with memory matches, import preview."""

from guide_cms.guides.models import Section
from guide_cms.localization.drafts import translation_draft

from tests.review.segment_editor_fixtures import BODY_ES, URL, save


def test_the_dashboard_shows_only_the_changed_sentence_as_outdated(changed, client):
    html = client.get("/admin/review/translate/").content.decode()
    assert "Source changes in dosing.body.1.3 since your translation" in html
    assert '<ins class="diff-ins">for 8 hours </ins>' in html or '<ins class="diff-ins">for 8 hours</ins>' in html
    assert "dosing.body.1.1 since" not in html and "1 outdated" in html


def test_the_editor_prefills_from_memory_and_marks_it(changed, client):
    html = client.get(URL).content.decode()
    assert '>No conduzca después.</textarea>' in html  # the old translation, offered as a fuzzy match
    assert "fuzzy match" in html and "signed by" in html
    assert '>Tome &lt;1&gt;5 mg&lt;/1&gt; por la noche.</textarea>' in html


def test_saving_the_editor_stores_states_and_writes_the_markdown(changed, client):
    response = save(client, {
        "target-dosing.body.1.3": "No conduzca durante 8 horas después.",
        "target-dosing.body.1.1": "Tome <1>5 mg</1> por la noche.",
    })
    assert response.status_code == 302
    body = Section.objects.get(key="dosing").body_es
    assert body == "Tome *5 mg* por la noche. Lea [el prospecto](https://example.org/leaflet) antes. No conduzca durante 8 horas después."
    draft = translation_draft(changed.guide, "es")
    assert draft.item("dosing.body.1.3").state == "translated" and not draft.stale


def test_an_untouched_fuzzy_prefill_must_be_ticked_reviewed(changed, client):
    save(client, {"target-dosing.body.1.3": "No conduzca después."})
    assert translation_draft(changed.guide, "es").item("dosing.body.1.3").state == "fuzzy"
    html = client.get("/admin/review/translate/").content.decode()
    assert "1 to review" in html
    save(client, {"target-dosing.body.1.3": "No conduzca después.", "reviewed-dosing.body.1.3": "on"})
    assert translation_draft(changed.guide, "es").item("dosing.body.1.3").state == "translated"


def test_the_editor_refuses_a_lost_placeholder_naming_the_sentence(changed, client):
    response = save(client, {"target-dosing.body.1.2": "Lea el prospecto antes."})
    assert response.status_code == 400
    assert "dosing.body.1.2" in response.content.decode() and "&lt;2&gt; of the source is missing" in response.content.decode()
    assert Section.objects.get(key="dosing").body_es == BODY_ES


def test_another_languages_translator_cannot_open_or_save(changed, client):
    from guide_cms.core.roles import Role
    from tests.factories import make_user

    client.force_login(make_user(Role.TRANSLATOR, ("ar",)))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"target-dosing.body.1.3": "x"}).status_code == 403


def test_the_reviewer_sees_which_sentences_came_from_memory(changed, client):
    from guide_cms.guides.models import Version
    from guide_cms.review.services import version_submit

    save(client, {"target-dosing.body.1.3": "No conduzca durante 8 horas después.",
                      "target-dosing.body.1.1": "Tome <1>5 mg</1> por la noche."})
    version = version_submit(guide=changed.guide, language="es", user=changed.translator_es)
    assert version.segment_states["dosing.body.1.1"]["state"] == "memory"
    assert version.segment_states["dosing.body.1.3"]["state"] == "translated"
    client.force_login(changed.reviewer)
    html = client.get(f"/admin/review/versions/{Version.objects.get(pk=version.pk).pk}/").content.decode()
    assert "Text from the translation memory" in html
    assert "Tome 5 mg por la noche." in html and "baclofen v1, signed by" in html
    # What changed comes first; the memory's rows follow, folded (found on the tour: 4,500 px down a long page).
    assert html.index("Changes since approved version") < html.index("Text from the translation memory")
    assert '<details class="gc-memory">' in html


def test_the_editor_refuses_a_direction_override_naming_the_sentence(changed, client):
    response = save(client, {"target-dosing.body.1.3": "No conduzca durante \u202e8\u202c horas."})
    assert response.status_code == 400 and "dosing.body.1.3" in response.content.decode()
    assert Section.objects.get(key="dosing").body_es == BODY_ES


def test_the_submit_page_lists_the_sentences_still_to_review(changed, client):
    save(client, {"target-dosing.body.1.3": "No conduzca después."})  # the fuzzy match left as it is
    html = client.get(f"/admin/review/guides/{changed.guide.pk}/submit/es/").content.decode()
    assert "Segment dosing.body.1.3 is a fuzzy memory match" in html


def test_the_review_page_diffs_the_guides_title_and_summary_too(workflow, client):
    from guide_cms.guides.models import Guide
    from guide_cms.review.services import version_submit

    workflow.approve("en")
    first = workflow.approve("es")
    Guide.objects.filter(pk=workflow.guide.pk).update(summary_es="Un resumen más breve.")
    version = version_submit(guide=workflow.guide, language="es", user=workflow.translator_es)
    assert first.number == 1
    client.force_login(workflow.reviewer)
    html = client.get(f"/admin/review/versions/{version.pk}/").content.decode()
    assert '<ins class="diff-ins">más </ins>' in html or '<ins class="diff-ins">más</ins>' in html


def test_in_an_arabic_editor_the_english_source_keeps_its_own_direction(workflow, client):
    """Found by a newcomer: the source sentence inherited the page's right-to-left direction, so its
    full stop printed at the start (".When conservative measures…")."""
    from tests.factories import make_user
    from guide_cms.core.roles import Role

    workflow.approve("en")
    translator_ar = make_user(Role.TRANSLATOR, ("ar",), username="translator_ar_t")
    client.force_login(translator_ar)

    html = client.get("/admin/review/translate/baclofen/ar/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert '<td lang="en" dir="ltr">Take 5 mg.' in html
    assert 'lang="ar" dir="rtl">' in html


def test_memory_matches_say_what_kind_of_match_they_are_not_101_percent(changed, client):
    html = client.get(URL).content.decode()
    assert "in-context match (this very sentence, signed in this guide and text): baclofen v1, signed by" in html
    assert "101%" not in html
