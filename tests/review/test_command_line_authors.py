"""Text a command wrote acting as an account (--user) is marked as from the command line, in the trail and on the
review page: whoever ran it on the server need not be the person named."""
import html
from io import StringIO

from django.core.management import call_command

from guide_cms.core.models import AuditEvent
from guide_cms.localization.services import translation_export
from guide_cms.review.services import version_submit


def test_an_import_run_as_a_translator_from_the_shell_is_shown_on_the_review_page(approved_workflow, client, tmp_path):
    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="po", user=wf.translator_es)
    path = tmp_path / name
    path.write_bytes(data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua."))
    call_command("import_translation", str(path), user=wf.translator_es.username, stdout=StringIO())

    edit = AuditEvent.objects.filter(action="draft.edit").latest("pk")
    assert edit.actor_id == wf.translator_es.pk
    assert edit.actor_label == f"{wf.translator_es.username} (command line: import_translation)"

    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    client.force_login(wf.reviewer)
    page = html.unescape(client.get(f"/admin/review/versions/{version.pk}/").content.decode())
    assert "Text of this version was written from the command line" in page
    assert f"<bdi>{wf.translator_es.username} (command line: import_translation)</bdi>: body_es" in page


def test_text_written_in_the_admin_is_not_marked(approved_workflow, client):
    wf = approved_workflow
    wf.edit("dosing", "es", "Tome 5 mg con agua.")
    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    client.force_login(wf.reviewer)
    assert "written from the command line" not in client.get(f"/admin/review/versions/{version.pk}/").content.decode()
