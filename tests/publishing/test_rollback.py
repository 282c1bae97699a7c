"""A rollback is a decision with a signature: source text that an approved clinical or safety change replaced is
never re-published by one publisher; putting it back is a new version, reviewed under the rules in force."""
import html

import pytest
from django.urls import reverse

from guide_cms.guides.models import ChangeClass, Section, Version
from guide_cms.publishing.models import Publication
from guide_cms.publishing.services import PublishRefused, publish_blockers


@pytest.fixture
def english_v2_live(workflow, export_dir):
    wf = workflow
    wf.v1 = wf.approve("en")
    wf.publish(wf.v1)
    return wf


@pytest.mark.parametrize("change_class", [ChangeClass.SAFETY, ChangeClass.CLINICAL])
def test_an_older_source_version_a_clinical_or_safety_change_replaced_cannot_be_published_again(english_v2_live, client, change_class):
    wf = english_v2_live
    wf.edit("dosing", "en", "Take 5 mg. Never more than 10 mg a day.")
    v2 = wf.approve("en", change_class)
    wf.publish(v2)
    blockers = publish_blockers(Version.objects.get(pk=wf.v1.pk))
    assert blockers is not None and f"an approved {ChangeClass(change_class).label} change" in blockers[0]
    assert blockers[1] == ["dosing"]
    with pytest.raises(PublishRefused, match="would undo that change without a signature"):
        wf.publish(Version.objects.get(pk=wf.v1.pk))
    assert Publication.objects.live().get(guide=wf.guide, language="en").version_id == v2.pk
    # The confirmation page refuses it in words.
    client.force_login(wf.publisher)
    page = html.unescape(client.post(reverse("admin:guides_version_changelist"),
                                     {"action": "publish", "_selected_action": [wf.v1.pk]}).content.decode())
    assert "Refused" in page and "Version 1 was replaced by version 2" in page


def test_putting_the_old_text_back_is_a_new_version_to_review(english_v2_live):
    wf = english_v2_live
    wf.edit("dosing", "en", "Take 10 mg.")
    v2 = wf.approve("en", ChangeClass.CLINICAL)
    wf.publish(v2)
    wf.edit("dosing", "en", wf.v1.snapshot["sections"][0]["body"])  # the old text, copied back into the drafts
    v3 = wf.approve("en", ChangeClass.CLINICAL)
    assert v3.snapshot["sections"] == wf.v1.snapshot["sections"] and v3.number == 3
    wf.publish(v3)
    assert Publication.objects.live().get(guide=wf.guide, language="en").version_id == v3.pk


def test_an_editorial_change_can_be_rolled_back_and_the_confirmation_says_what_is_undone(english_v2_live, client):
    wf = english_v2_live
    body = Section.objects.get(guide=wf.guide, key="dosing").body_en
    wf.edit("dosing", "en", body + " Read the leaflet.")
    v2 = wf.approve("en", ChangeClass.EDITORIAL)
    wf.publish(v2)
    assert publish_blockers(Version.objects.get(pk=wf.v1.pk)) is None
    client.force_login(wf.publisher)
    page = html.unescape(client.post(reverse("admin:guides_version_changelist"),
                                     {"action": "publish", "_selected_action": [wf.v1.pk]}).content.decode())
    assert "v2 is taken down and the older v1 put back: every change approved after v1 is undone on this channel" in page
