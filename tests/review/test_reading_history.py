"""Least privilege for reading: translators and reviewers see the versions, signatures,
publications and audit events of their own languages only; publishers and superusers
see all (core.permissions.history_languages)."""
import html

import pytest
from django.urls import reverse

from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import Role
from guide_cms.guides.models import Version
from guide_cms.review.models import Signature
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(approved_workflow):
    """English v1 approved; Spanish v1 approved and published; an account change on record."""
    wf = approved_workflow
    spanish = wf.approve("es")
    wf.publish(spanish)
    from guide_cms.core.services import account_update

    account_update(actor=None, user=wf.publisher, values={"first_name": "Chris"})
    return wf


def changelist(client, user, model):
    client.force_login(user)
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].queryset)


def languages_of(objects):
    return {getattr(o, "language", None) or o.version.language for o in objects}


def test_a_translator_sees_only_their_languages_versions_signatures_and_publications(client, history):
    assert languages_of(changelist(client, history.translator_es, "guides_version")) == {"es"}
    assert languages_of(changelist(client, history.translator_es, "review_signature")) == {"es"}
    assert languages_of(changelist(client, history.translator_es, "publishing_publication")) == {"es"}


def test_a_translator_cannot_open_another_languages_version_signature_or_review_page(client, history):
    english = Version.objects.get(language="en")
    client.force_login(history.translator_es)

    for url in (
        reverse("admin:guides_version_change", args=[english.pk]),
        reverse("admin:review_signature_change", args=[english.signatures.get().pk]),
    ):
        response = client.get(url, follow=True)
        assert english.content_hash not in response.content.decode()

    response = client.get(reverse("review:version", args=[english.pk]))
    assert response.status_code == 403
    assert "You may not read the English versions" in html.unescape(response.content.decode())
    assert english.content_hash not in response.content.decode()


def test_a_translator_sees_only_their_languages_audit_events(client, history):
    events = changelist(client, history.translator_es, "core_auditevent")

    assert events and {e.scope.rsplit(":", 1)[-1] for e in events} == {"es"}
    assert not any(e.action.startswith("account.") for e in events)


def test_a_reviewer_sees_the_languages_they_review(client, history):
    arabic_reviewer = make_user(Role.REVIEWER, ("ar",))
    bilingual = make_user(Role.REVIEWER, ("en", "es"))

    assert changelist(client, arabic_reviewer, "guides_version") == []
    assert changelist(client, arabic_reviewer, "core_auditevent") == []
    assert languages_of(changelist(client, bilingual, "guides_version")) == {"en", "es"}
    client.force_login(bilingual)
    assert client.get(reverse("review:version", args=[Version.objects.get(language="en").pk])).status_code == 200


def test_an_editor_sees_the_source_languages_history(client, history):
    assert languages_of(changelist(client, history.editor, "guides_version")) == {"en"}


def test_publishers_and_superusers_see_everything(client, history):
    superuser = make_user(None, username="root", is_superuser=True)
    every_event = AuditEvent.objects.count()

    for user in (history.publisher, superuser):
        assert languages_of(changelist(client, user, "guides_version")) == {"en", "es"}
        assert len(changelist(client, user, "review_signature")) == Signature.objects.count()
        assert len(changelist(client, user, "core_auditevent")) == every_event
