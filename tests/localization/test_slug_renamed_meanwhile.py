"""A slug renamed while a translator works: the sentence editor page opened before still saves, and a CAT file
exported before still imports (found by a tester: a bare 404, and "a guide that does not exist here")."""
from guide_cms.guides.models import Section
from guide_cms.guides.services import guide_update_settings
from guide_cms.localization.exchange import read_exchange_file
from guide_cms.localization.services import translation_export, translation_import


def test_an_editor_page_and_a_file_from_before_a_slug_change_still_reach_their_guide(approved_workflow, client):
    wf = approved_workflow
    client.force_login(wf.translator_es)
    old_url = "/admin/review/translate/baclofen/es/"
    page = client.get(old_url)
    data, name = translation_export(guide=wf.guide, language="es", fmt="xliff", user=wf.translator_es)
    guide_update_settings(guide=wf.guide, user=wf.editor, slug="baclofen-tablets")
    wf.approve("en", change_class="editorial")  # the new slug takes effect with the version that carries it
    wf.guide.refresh_from_db()
    assert wf.guide.slug == "baclofen-tablets"

    boxes = {f"target-{row.item.id}": row.value for row in page.context["rows"]}
    boxes["target-warnings.body.1.1"] = "No conduzca ni maneje máquinas."
    response = client.post(old_url, {"base": page.context["base"], **boxes})
    assert response.status_code == 302 and response["Location"].endswith("/baclofen-tablets/es/")
    assert Section.objects.get(key="warnings").body_es == "> [!WARNING]\n> No conduzca ni maneje máquinas."

    edited = data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua.")
    report = translation_import(document=read_exchange_file(edited, name), user=wf.translator_es, filename=name)
    assert report.applied_ids == ["dosing.body.1.1"] and report.guide.slug == "baclofen-tablets"
    assert client.get("/admin/review/translate/never-a-guide/es/").status_code == 404
