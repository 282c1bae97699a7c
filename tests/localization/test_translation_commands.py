from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guide_cms.guides.models import Section


@pytest.fixture
def wf(approved_workflow):
    return approved_workflow


def test_check_translation_prints_findings_and_fails_on_errors(wf):
    out = StringIO()
    call_command("check_translation", "baclofen", "es", stdout=out)
    assert "0 error(s)" in out.getvalue()
    Section.objects.filter(key="dosing").update(body_es="Tome 50 mg.")
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_translation", "baclofen", "es", stdout=out)
    assert error.value.returncode == 1
    assert "dosing.body\terror\tnumbers-mismatch" in out.getvalue()


def test_export_then_import_from_the_command_line(wf, tmp_path):
    path = tmp_path / "es.po"
    call_command("export_translation", "baclofen", "es", "--format", "po", "-o", str(path), stdout=StringIO())
    path.write_text(path.read_text("utf-8").replace('msgstr "Tome 5 mg."', 'msgstr "Tome 5 mg hoy."'), "utf-8")
    out = StringIO()
    call_command("import_translation", str(path), "--user", wf.translator_es.username, "--dry-run", stdout=out)
    assert "Would apply 1 segment(s)" in out.getvalue() and "Dry run" in out.getvalue()
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg."
    call_command("import_translation", str(path), "--user", wf.translator_es.username, stdout=StringIO())
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg hoy."


def test_malformed_file_is_refused_naming_the_file(wf, tmp_path):
    path = tmp_path / "broken.xlf"
    path.write_text('<?xml version="1.0"?><xliff version="1.2"><file', "utf-8")
    with pytest.raises(CommandError, match="broken.xlf"):
        call_command("import_translation", str(path), "--user", wf.translator_es.username)


def test_translation_dashboard_shows_outdated_sections_with_the_source_diff(client, wf):
    from guide_cms.guides.models import ChangeClass

    wf.approve("es")
    wf.edit("dosing", "en", "Take 10 mg.")
    wf.approve("en", ChangeClass.CLINICAL)
    client.force_login(wf.translator_es)
    html = client.get("/admin/review/translate/").content.decode()
    assert "outdated" in html
    assert '<del class="diff-del">5</del><ins class="diff-ins">10</ins>' in html
    assert "Tome 5 mg." in html  # the current translation, kept as the starting point
    response = client.get("/admin/review/translate/baclofen/es.xliff")
    assert response.status_code == 200 and b"trans-unit" in response.content
    assert client.get("/admin/review/translate/baclofen/ar.xliff").status_code == 403


def test_dashboard_shows_the_reviewers_change_request(client, wf):
    from guide_cms.review.services import version_sign, version_submit
    from tests.factories import PASSWORD

    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    version_sign(version=version, signer=wf.reviewer, password=PASSWORD, decision="request_changes", comment="Use 'comprimido', not 'pastilla'.")
    client.force_login(wf.translator_es)
    html = client.get("/admin/review/translate/").content.decode()
    assert "comprimido" in html and "changes requested" in html


def test_dashboard_query_count_does_not_grow_with_guides(client, wf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import GuideFactory, SectionFactory

    client.force_login(wf.translator_es)
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/review/translate/")
    for _ in range(10):
        SectionFactory(guide=GuideFactory(), body_es="Tome 5 mg.")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/admin/review/translate/")
    assert response.content.decode().count("<tr>") > 10
    assert len(many) <= len(few)  # one fewer when no text needs reading (the first page built its segments)


def test_guide_page_offers_the_translation_files(client, wf):
    client.force_login(wf.translator_es)
    html = client.get(f"/admin/guides/guide/{wf.guide.pk}/change/").content.decode()
    assert "/admin/review/translate/baclofen/es.xliff" in html and "/admin/review/translate/baclofen/es.po" in html


def test_the_states_read_the_publications_of_the_languages_shown_only(wf, settings, tmp_path):
    from guide_cms.guides.models import Version
    from guide_cms.publishing.selectors import export_problems, live_versions

    settings.GUIDE_CMS_EXPORT_DIR = tmp_path / "exports"
    wf.publish(Version.objects.get(guide=wf.guide, language="en", status="approved"))
    wf.publish(wf.approve("es"))
    both = {(wf.guide.pk, "en"), (wf.guide.pk, "es")}
    assert set(live_versions([wf.guide.pk])) == both
    assert set(live_versions([wf.guide.pk], ["es"])) == {(wf.guide.pk, "es")}
    # Against an export folder that has nothing: every live publication is reported, of the languages asked for.
    empty = tmp_path / "elsewhere"
    assert {p.language for p in export_problems([wf.guide.pk], output_dir=empty)} == {"en", "es"}
    assert {p.language for p in export_problems([wf.guide.pk], output_dir=empty, languages=["es"])} == {"es"}
    # Entries no publication accounts for are found over every language only.
    with pytest.raises(ValueError, match="every language"):
        export_problems(output_dir=empty, languages=["es"])


def test_a_page_of_overviews_reads_the_sources_texts_only_where_it_shows_or_builds_from_them(wf):
    from guide_cms.guides.models import ChangeClass
    from guide_cms.localization import selectors
    from guide_cms.localization.selectors import translation_overviews

    wf.approve("es")
    selectors._SEGMENTS.clear()  # as in a process that has not shown this guide yet
    (first,) = translation_overviews([wf.guide], "es")  # its segments are built from the source texts, then kept
    assert "snapshot" not in first.source_version.get_deferred_fields()
    (again,) = translation_overviews([wf.guide], "es")
    # The translation's text is read for its sections' states; the sources' are not needed again.
    assert "snapshot" not in again.latest_version.get_deferred_fields()
    assert "snapshot" in again.source_version.get_deferred_fields()
    assert [s.id for s in again.segments] == [s.id for s in first.segments]
    # Outdated by a clinical change: both sources' texts are read, for the diff the translator is shown.
    wf.edit("dosing", "en", "Take 10 mg.")
    wf.approve("en", ChangeClass.CLINICAL)
    translation_overviews([wf.guide], "es")
    (outdated,) = translation_overviews([wf.guide], "es")
    dosing = next(s for s in outdated.sections if s.key == "dosing")
    assert "snapshot" not in outdated.source_version.get_deferred_fields()
    assert "<del" in dosing.source_diff_html or dosing.stale_segments


def test_a_page_shown_before_does_not_read_the_stored_segments_again(wf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guide_cms.localization import selectors
    from guide_cms.localization.models import SegmentDraft
    from guide_cms.localization.selectors import translation_overviews
    from guide_cms.localization.services import segment_editor_page, segments_edit

    wf.approve("es")
    page = segment_editor_page(guide=wf.guide, language="es", user=wf.translator_es)
    segments_edit(guide=wf.guide, language="es", user=wf.translator_es, values={"dosing.body.1.1": "Tome 5 mg al acostarse."}, base=page.base)
    assert SegmentDraft.objects.filter(guide=wf.guide, language="es").exists()
    selectors._SEGMENTS.clear()
    with CaptureQueriesContext(connection) as first:
        (built,) = translation_overviews([wf.guide], "es")
    with CaptureQueriesContext(connection) as again:
        (shown,) = translation_overviews([wf.guide], "es")
    reads_segments = lambda queries: [q["sql"] for q in queries if '"segments"' in q["sql"]]  # noqa: E731
    # Built once from the stored segments (the largest text a draft has); shown again from the segments kept.
    assert reads_segments(first.captured_queries) and not reads_segments(again.captured_queries)
    assert [(s.id, s.state, s.target) for s in shown.segments] == [(s.id, s.state, s.target) for s in built.segments]
    assert len(again.captured_queries) < len(first.captured_queries) <= 6
