"""Only signed-off versions reach the channels; translations only while current."""
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import ChangeClass
from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import PublishRefused, publish_version
from guide_cms.review.services import version_submit



def test_publishing_an_approved_version_makes_it_live_and_is_audited(wf):
    version = wf.approve("en")
    result = wf.publish(version)
    assert result.replaced == {"site": None}
    live = Publication.objects.live().get()
    assert (live.version, live.channel, live.published_by) == (version, "site", wf.publisher)
    event = AuditEvent.objects.get(action="publication.publish")
    assert event.actor == wf.publisher and event.data["content_hash"] == version.content_hash


def test_a_version_in_review_cannot_be_published(wf):
    version = version_submit(guide=wf.guide, language="en", user=wf.editor)
    with pytest.raises(PublishRefused, match="only signed-off, approved versions"):
        wf.publish(version)
    assert not Publication.objects.exists()


def test_only_publishers_publish(wf):
    version = wf.approve("en")
    for user in (wf.editor, wf.reviewer, wf.translator_es):
        with pytest.raises(PermissionDenied):
            publish_version(version=version, user=user, channels=["site"])
    assert not Publication.objects.exists()


def test_an_earlier_approved_version_can_be_published_again(wf):
    first = wf.approve("en")
    wf.edit("dosing", "en", "Swallow 5 mg.")
    second = wf.approve("en", ChangeClass.EDITORIAL)
    wf.publish(second)
    result = wf.publish(first)
    assert result.replaced == {"site": second.number}
    assert Publication.objects.live().get().version == first
    assert Publication.objects.count() == 2
    # guide_status names the version patients read, not only the newest approved one.
    out = StringIO()
    call_command("guide_status", wf.guide.slug, stdout=out)
    assert f"approved v{second.number} · v{first.number} live" in out.getvalue()


def test_translation_of_an_outdated_source_is_refused_naming_the_sections(wf):
    wf.approve("en")
    spanish = wf.approve("es")
    wf.edit("dosing", "en", "Take 10 mg.")
    wf.approve("en", ChangeClass.CLINICAL)
    with pytest.raises(PublishRefused) as refused:
        wf.publish(spanish)
    assert refused.value.sections == ["dosing"]
    assert "Blocking sections: dosing" in str(refused.value)


def test_translation_stays_publishable_after_an_editorial_source_change(wf):
    wf.approve("en")
    spanish = wf.approve("es")
    wf.edit("dosing", "en", "Take 5 mg (five milligrams).")
    wf.approve("en", ChangeClass.EDITORIAL)
    wf.publish(spanish)
    assert Publication.objects.live().get().version == spanish


def test_safety_change_withdraws_live_translations(wf):
    wf.approve("en")
    spanish = wf.approve("es")
    wf.publish(spanish)
    wf.edit("warnings", "en", "> [!WARNING]\n> Do not drive or drink alcohol.")
    wf.approve("en", ChangeClass.SAFETY)
    live = Publication.objects.live().get(language="es")
    assert live.withdrawn_at is not None
    event = AuditEvent.objects.get(action="publication.withdraw")
    assert event.data["version"] == spanish.number
