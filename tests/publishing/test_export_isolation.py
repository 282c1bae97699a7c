"""One entry that cannot be rendered never blocks the others; the problem is visible where people look."""
import json

import pytest

from guide_cms.publishing.channels import fonts
from guide_cms.publishing.services import export_channels
from tests.publishing.publishing_helpers import BOTH, approve, command, edit, files, pdf_text, second_guide
from tests.publishing.test_submission_checks import channel_templates  # noqa: F401 - a fixture

GRIN = "\U0001f600"  # drawn by DejaVu Sans only, of the handout fonts


@pytest.fixture
def two_guides(workflow, export_dir):
    """baclofen and diazepam, English and Spanish v1 live on both channels; baclofen's Spanish has an emoji."""
    wf = workflow
    edit(wf.guide, "dosing", body_es=f"Tome 5 mg. {GRIN}")
    wf.publish(wf.approve("en"), channels=BOTH)
    wf.publish(wf.approve("es"), channels=BOTH)
    wf.other = second_guide(wf)
    wf.publish(approve(wf, wf.other, "en"), channels=BOTH)
    wf.publish(approve(wf, wf.other, "es"), channels=BOTH)
    return wf


@pytest.fixture
def spanish_font_change(monkeypatch):
    """The Spanish handout fonts change (DejaVu Sans, the only one with the emoji, is dropped)."""
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "es", ("Noto Sans",))


def test_a_font_change_that_breaks_one_handout_leaves_every_other_file_current(two_guides, export_dir, spanish_font_change):
    wf = two_guides
    before = files(export_dir, "handouts")
    site_before = files(export_dir, "site")

    (report,) = export_channels(channels=["handouts"])  # after the change, every Spanish handout is printed again

    assert [failure.entry for failure in report.failures] == ["es/baclofen"]
    failure = report.failures[0].describe("handouts")
    assert "es/baclofen v1 could not be exported (its previous files (v1) were kept)" in failure and "U+1F600" in failure
    assert report.rendered == ["es/diazepam"]
    after = files(export_dir, "handouts")
    assert after["es/baclofen.pdf"] == before["es/baclofen.pdf"]  # the previous handout, whole
    assert after["es/diazepam.pdf"] != before["es/diazepam.pdf"]  # printed with the new fonts
    assert json.loads(after["manifest.json"])["failures"]["es/baclofen"]["kept_version"] == 1
    assert files(export_dir, "site") == site_before  # the other channel untouched

    # And the next publication of another guide goes through, on both channels.
    edit(wf.other, "dosing", body_es="Tome 2 mg por la noche, con agua.")
    result = wf.publish(approve(wf, wf.other, "es"), channels=BOTH)
    latest = files(export_dir, "handouts")
    assert "Tome 2 mg por la noche, con agua." in pdf_text(latest["es/diazepam.pdf"])
    assert "Tome 2 mg por la noche, con agua." in files(export_dir, "site")["es/diazepam/index.html"].decode()
    assert latest["es/baclofen.pdf"] == before["es/baclofen.pdf"]
    assert json.loads(latest["manifest.json"])["failures"]["es/baclofen"]["kept_version"] == 1  # still known
    assert result.failures == []  # publishing renders only its own guide


def test_export_channels_exports_the_rest_and_names_the_guide_and_language(two_guides, export_dir, spanish_font_change):
    code, output = command("export_channels")
    assert code == 1
    assert "FAILED handouts: es/baclofen v1 could not be exported (its previous files (v1) were kept)" in output
    assert "U+1F600" in output
    assert "site: unchanged" in output  # the other channel is untouched
    assert "handouts: updated" in output  # es/diazepam printed again with the new fonts
    assert "es/baclofen" not in output.split("FAILED")[0].split("handouts:")[1].split("rendered")[0]


def test_the_failure_shows_in_guide_status_verify_integrity_and_the_guide_list(two_guides, export_dir, spanish_font_change, client):
    export_channels()
    code, status = command("guide_status")
    assert code == 0
    line = next(line for line in status.splitlines() if line.startswith("baclofen"))
    assert "published v1 !" in line
    assert "! baclofen [es] handouts: v1 is live, but the last export could not render v1 (its files of v1 are still served)" in status
    assert "diazepam [es]" not in status.split("! live")[1]

    code, verify = command("verify_integrity")
    assert code == 1
    assert "publication handouts: baclofen [es]: v1 is live, but the last export could not render v1" in verify
    assert "diazepam" not in verify

    client.force_login(two_guides.editor)
    page = client.get("/admin/guides/guide/").content.decode()
    assert "Not on the channels as published:" in page and "could not render v1" in page


def test_once_the_fonts_are_fixed_the_next_export_clears_the_problem(two_guides, export_dir, monkeypatch):
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "es", ("Noto Sans",))
    export_channels()
    assert command("verify_integrity")[0] == 1
    monkeypatch.undo()
    (report,) = export_channels(channels=["handouts"])
    # The kept handout is exactly what the restored fonts print: reused, not a failure any more.
    assert report.failures == [] and "es/baclofen" in report.reused and report.rendered == ["es/diazepam"]
    assert command("verify_integrity")[0] == 0


def test_a_withdrawal_notice_that_cannot_be_rendered_never_keeps_the_withdrawn_translation(
    two_guides, export_dir, channel_templates  # noqa: F811
):
    from guide_cms.guides.models import ChangeClass

    wf = two_guides
    # A template change that breaks only withdrawal notices, then a safety change withdraws the Spanish text.
    channel_templates.edit("site/withdrawn.html", lambda t: t.replace("{% block main %}", "{% block main %}{% url 'nowhere' %}"))
    edit(wf.guide, "warnings", body_en="> [!WARNING]\n> Do not drive or drink alcohol.")
    wf.approve("en", ChangeClass.SAFETY)
    (report,) = export_channels(channels=["site"])
    assert [failure.entry for failure in report.failures] == ["es/baclofen"]
    assert report.failures[0].kept_version is None
    site = files(export_dir, "site")
    assert "es/baclofen/index.html" not in site  # never the withdrawn text
    assert "es/diazepam/index.html" in site



@pytest.fixture
def without_submission_trial():
    """As before this release: no trial render at submission (publishing's reaction disconnected, then put back)."""
    from guide_cms.publishing import reactions
    from guide_cms.review.signals import submission_checks

    assert submission_checks.disconnect(dispatch_uid="guide_cms.publishing.submission-checks")
    yield
    submission_checks.connect(reactions._submission_checks, dispatch_uid="guide_cms.publishing.submission-checks")

def test_text_signed_before_the_limits_is_refused_at_once_naming_the_section_and_the_rest_is_exported(
    two_guides, export_dir, settings, without_submission_trial
):
    import time

    from guide_cms.publishing.models import Publication
    from guide_cms.publishing.services import PublishRefused

    wf = two_guides
    edit(wf.guide, "dosing", body_es="*" * 800 + "Tome 5 mg." + "*" * 800)  # 1.6 KB that makes WeasyPrint recurse
    legacy = wf.approve("es")
    started = time.monotonic()
    with pytest.raises(PublishRefused, match="section 'dosing': Line 1: emphasis, bold text, links and code nested 400 levels"):
        wf.publish(legacy, channels=BOTH)
    # Already live (published before this release, as publishing did then): the export names it and carries on.
    from django.db import transaction
    from django.utils import timezone

    from guide_cms.core.audit import audit_append
    from guide_cms.guides.services import draft_scope

    with transaction.atomic():
        for channel in BOTH:
            Publication.objects.filter(guide=wf.guide, language="es", channel=channel, is_live=True).update(is_live=False)
            Publication.objects.create(
                guide=wf.guide, language="es", channel=channel, version=legacy, published_by=wf.publisher, published_at=timezone.now()
            )
        audit_append(
            actor=wf.publisher, action="publication.publish", obj=legacy, scope=draft_scope(wf.guide, "es"),
            data={"version": legacy.number, "content_hash": legacy.content_hash, "channels": list(BOTH), "replaced": {}},
        )
    reports = {r.channel: r for r in export_channels()}
    assert time.monotonic() - started < 30
    for channel in BOTH:
        assert [f.entry for f in reports[channel].failures] == ["es/baclofen"]
        assert "nested 400 levels" in reports[channel].failures[0].message
    assert "Tome 2 mg por la noche." in pdf_text(files(export_dir, "handouts")["es/diazepam.pdf"])


def test_a_channel_that_cannot_be_exported_at_all_keeps_its_output_and_the_others_are_exported(
    two_guides, export_dir, channel_templates  # noqa: F811
):
    site_before = files(export_dir, "site")
    # A template change that breaks the site's index page (every handout is printed again: the templates changed).
    channel_templates.edit("site/index.html", lambda t: t.replace("{% block main %}", "{% block main %}{% url 'nowhere' %}"))
    code, output = command("export_channels")
    assert code == 1
    assert "site: FAILED, its previous output was kept: its shared files (index, sitemap…) cannot be rendered" in output
    assert "handouts: updated; 4 rendered" in output
    assert files(export_dir, "site") == site_before
