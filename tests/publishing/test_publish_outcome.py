"""Publishing writes the publication and the channel files as one outcome; what cannot print is refused first."""
import pytest

from guide_cms.core.models import AuditEvent
from guide_cms.publishing.channels import fonts
from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import PublishRefused, publish_blockers
from tests.publishing.publishing_helpers import BOTH, edit, files
from tests.publishing.test_submission_checks import channel_templates  # noqa: F401 - a fixture

GRIN = "\U0001f600"  # drawn by DejaVu Sans only, of the handout fonts


@pytest.fixture
def published(workflow, export_dir):
    """English and Spanish v1 live on both channels; the Spanish dose line has an emoji only DejaVu Sans draws."""
    wf = workflow
    wf.publish(wf.approve("en"), channels=BOTH)
    edit(wf.guide, "dosing", body_es=f"Tome 5 mg. {GRIN}")
    wf.spanish = wf.approve("es")
    wf.publish(wf.spanish, channels=BOTH)
    return wf


def test_publishing_writes_the_files_with_the_rows(published, export_dir):
    assert b"Tome 5 mg." in files(export_dir, "site")["es/baclofen/index.html"]
    assert "es/baclofen.pdf" in files(export_dir, "handouts")
    assert Publication.objects.live().filter(language="es").count() == 2


def test_a_version_that_cannot_print_is_refused_before_anything_is_recorded(published, export_dir, monkeypatch):
    wf = published
    edit(wf.guide, "dosing", body_es=f"Tome 5 mg por la noche. {GRIN}")
    newer = wf.approve("es")
    # The Spanish fonts change: DejaVu Sans, the only one with the emoji, is no longer one of them.
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "es", ("Noto Sans",))
    before = {channel: files(export_dir, channel) for channel in BOTH}
    events = AuditEvent.objects.count()
    with pytest.raises(PublishRefused) as refused:
        wf.publish(newer, channels=BOTH)
    message = str(refused.value)
    assert "U+1F600" in message and "Spanish handout font" in message and "Section 'dosing'" in message and "“Dosis”" in message
    assert refused.value.sections == ["dosing"]
    assert Publication.objects.live().get(language="es", channel="site").version == wf.spanish
    assert not Publication.objects.filter(version=newer).exists()
    assert AuditEvent.objects.count() == events
    assert {channel: files(export_dir, channel) for channel in BOTH} == before


def test_the_confirmation_page_shows_the_refusal_before_the_publisher_confirms(published, client, monkeypatch):
    from django.urls import reverse

    wf = published
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "es", ("Noto Sans",))
    assert "U+1F600" in publish_blockers(wf.spanish)[0]
    client.force_login(wf.publisher)
    response = client.post(reverse("admin:guides_version_changelist"), {"action": "publish", "_selected_action": [wf.spanish.pk]})
    page = response.content.decode()
    assert "Refused" in page and "U+1F600" in page and "dosing" in page


def test_a_version_whose_render_loses_text_is_refused_and_the_previous_files_stay(published, export_dir, channel_templates):  # noqa: F811
    wf = published
    edit(wf.guide, "dosing", body_en="Take 5 mg at night with a glass of water.")
    newer = wf.approve("en", "clinical")
    # A style change, after the version was signed, that hides the warning box in handouts.
    channel_templates.edit("handout.css", lambda css: css + "\n.callout { display: none; }\n")
    before = {channel: files(export_dir, channel) for channel in BOTH}
    releases = sorted(p.name for p in export_dir.glob(".*-*"))
    with pytest.raises(PublishRefused) as refused:
        wf.publish(newer, channels=BOTH)
    message = str(refused.value)
    assert message.startswith("Nothing was published: handouts cannot render this version:")
    assert "section 'warnings': Line 1, warning callout: it is not shown as a callout in the handout." in message
    assert not Publication.objects.filter(version=newer).exists()
    # The site was rendered fine, but it is not swapped in alone: both channels or neither.
    assert {channel: files(export_dir, channel) for channel in BOTH} == before
    assert sorted(p.name for p in export_dir.glob(".*-*")) == releases  # the staged releases were removed


def test_the_publish_guide_command_says_what_to_fix(published, monkeypatch):
    from tests.publishing.publishing_helpers import command

    edit(published.guide, "dosing", body_es=f"Tome 5 mg cada noche. {GRIN}")
    published.approve("es")
    monkeypatch.setitem(fonts.HANDOUT_FONTS, "es", ("Noto Sans",))
    code, output = command("publish_guide", "baclofen", "es", "--user", published.publisher.username)
    assert code == 1
    assert "Refused: It cannot be printed:" in output and "U+1F600" in output
    assert Publication.objects.live().get(language="es", channel="handouts").version == published.spanish
