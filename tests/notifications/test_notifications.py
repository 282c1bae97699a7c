"""Nobody has to poll: reviewers, translators, publishers and authors are told by email, in their language."""
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from guide_cms.core.roles import Role
from guide_cms.notifications.models import Delivery, Notification, NotificationPreference
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user


def prefer(user, delivery=Delivery.IMMEDIATE, language="en", email=True):
    if email:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    NotificationPreference.objects.update_or_create(user=user, defaults={"delivery": delivery, "language": language})
    return user


@pytest.fixture
def people(guide, editor, translator_es, django_capture_on_commit_callbacks):
    reviewer_es = prefer(make_user(Role.REVIEWER, ("en", "es"), username="rev_es"), language="es")
    reviewer_ar = prefer(make_user(Role.REVIEWER, ("ar",), username="rev_ar"))
    publisher = prefer(make_user(Role.PUBLISHER, username="pub"), language="vi")
    prefer(editor)
    prefer(translator_es, language="es")
    return reviewer_es, reviewer_ar, publisher


def sent_to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def test_a_submitted_version_is_emailed_to_the_reviewers_of_its_language_in_their_language(guide, editor, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version_submit(guide=guide, language="en", user=editor)
    [message] = sent_to("rev_es")
    assert message.subject == "Revisión pendiente: Baclofen, inglés versión 1"
    assert f"/admin/review/versions/{guide.versions.get().pk}/" in message.body
    assert not sent_to("rev_ar")  # not their language
    assert not sent_to(editor.username)  # authors never review their own text


def test_a_digest_reader_gets_one_email_a_day_from_the_command(guide, editor, people, django_capture_on_commit_callbacks):
    reviewer_es, _ar, _pub = people
    prefer(reviewer_es, Delivery.DIGEST, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        version_submit(guide=guide, language="en", user=editor)
    assert not sent_to("rev_es")
    assert Notification.objects.filter(recipient=reviewer_es, sent_at__isnull=True).count() == 1

    call_command("send_notifications", "--digest", stdout=io.StringIO())

    [digest] = sent_to("rev_es")
    assert "Revisión pendiente: Baclofen" in digest.body
    assert not Notification.objects.filter(recipient=reviewer_es, sent_at__isnull=True).exists()


def test_changes_requested_reach_the_author_with_the_comment(guide, editor, people, django_capture_on_commit_callbacks):
    reviewer_es, _ar, _pub = people
    version = version_submit(guide=guide, language="en", user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        version_sign(version=version, signer=reviewer_es, password=PASSWORD, decision="request_changes", comment="Say 5 mg twice.")
    [message] = sent_to(editor.username)
    assert message.subject.startswith("Changes requested: Baclofen, English version 1")
    assert "Say 5 mg twice." in message.body


def test_a_clinical_source_change_tells_translators_and_an_approval_tells_publishers(approved_workflow, people, django_capture_on_commit_callbacks):
    wf = approved_workflow
    _es, _ar, publisher = people
    mail.outbox.clear()
    wf.edit("dosing", "en", "Take 5 mg at night.")
    version = version_submit(guide=wf.guide, language="en", user=wf.editor, change_class="clinical")
    with django_capture_on_commit_callbacks(execute=True):
        version_sign(version=version, signer=wf.reviewer, password=PASSWORD, decision="approve", change_class_confirmed="clinical")
    [outdated] = sent_to(wf.translator_es.username)
    assert outdated.subject == "Traducción desactualizada: Baclofen en español"
    assert "/admin/review/translate/" in outdated.body
    [ready] = sent_to(publisher.username)
    assert ready.subject.startswith("Đã phê duyệt")  # Vietnamese, the publisher's language


def test_a_translator_whose_language_is_not_started_is_not_told_it_is_outdated(approved_workflow, people, django_capture_on_commit_callbacks):
    wf = approved_workflow
    translator_ar = prefer(make_user(Role.TRANSLATOR, ("ar",), username="tr_ar"), language="ar")  # no Arabic text yet
    mail.outbox.clear()
    wf.edit("dosing", "en", "Take 5 mg at night.")
    version = version_submit(guide=wf.guide, language="en", user=wf.editor, change_class="clinical")
    with django_capture_on_commit_callbacks(execute=True):
        version_sign(version=version, signer=wf.reviewer, password=PASSWORD, decision="approve", change_class_confirmed="clinical")
    assert sent_to(translator_ar.username) == []
    assert len(sent_to(wf.translator_es.username)) == 1  # Spanish has text: it is outdated


def test_nothing_is_told_of_an_event_that_was_rolled_back(guide, editor, people):
    with pytest.raises(RuntimeError), transaction.atomic():
        version_submit(guide=guide, language="en", user=editor)
        raise RuntimeError("the submission failed later on")
    assert not Notification.objects.exists() and not mail.outbox


def test_each_person_chooses_how_to_be_told(client, people):
    reviewer_es, _ar, _pub = people
    client.force_login(reviewer_es)
    response = client.post("/admin/notifications/", {"delivery": "digest", "language": "ar"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=reviewer_es)
    assert (preference.delivery, preference.language) == ("digest", "ar")
    assert client.post("/admin/notifications/", {"delivery": "sometimes", "language": "ar"}).status_code == 400


def test_an_address_that_fails_keeps_the_notification_for_a_retry(guide, editor, people, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    with django_capture_on_commit_callbacks(execute=True):
        version_submit(guide=guide, language="en", user=editor)
    assert Notification.objects.filter(sent_at__isnull=True).exists()
