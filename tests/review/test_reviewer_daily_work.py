"""The reviewer's day, as the review queue and the review page show it (issue 12)."""
import datetime
import html as html_module
import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Guide, Section, VersionStatus
from guide_cms.review.models import Decision, Meaning, Signature
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user

from .workflow_helpers import approve, approved_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def critical_version(guide, editor):
    Guide.objects.filter(pk=guide.pk).update(safety_critical=True)
    return version_submit(guide=guide, language="en", user=editor)


@pytest.fixture
def spanish(guide, editor, translator_es):
    Section.objects.filter(key="warnings").update(body_es="> [!WARNING]\n> No conduzca.", title_es="Advertencias")
    approved_source(guide, editor, make_user(Role.REVIEWER, ("en",)))
    return version_submit(guide=guide, language="es", user=translator_es)


def page(client, version):
    return client.get(reverse("review:version", args=[version.pk]))


def sign_post(client, version, **overrides):
    data = {"decision": "approve", "comment": "", "password": PASSWORD, "content_hash": version.content_hash}
    data.update(overrides)
    return client.post(reverse("review:version", args=[version.pk]), data)


def test_a_wrong_password_is_said_at_the_top_of_the_page_and_the_password_field_has_the_focus(client, reviewer, critical_version):
    client.force_login(reviewer)
    response = sign_post(client, critical_version, password="not it")
    html = response.content.decode()

    assert response.status_code == 400
    top = html.index('class="errornote gc-top-error"')
    assert top < html.index("Quality checks") if "Quality checks" in html else top < html.index('id="sign-off"')
    assert "Your signature was not recorded." in html[top:top + 400] and "Wrong password" in html[top:top + 600]
    assert 'href="#sign-off"' in html[top:top + 800]
    # The form posts back to its own anchor, and the password is focused to type again.
    assert 'action="#sign-off"' in html
    assert re.search(r'<input[^>]*name="password"[^>]*autofocus', html)


def test_every_moment_on_the_review_page_is_in_the_readers_calendar_form_with_its_time_zone(client, reviewer, critical_version):
    """CLDR's long form through Babel: Django's Arabic format put the month first and the time zone nowhere."""
    from babel.dates import format_datetime

    approve(critical_version, reviewer)
    client.force_login(reviewer)
    html = html_module.unescape(client.get(reverse("review:version", args=[critical_version.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode())
    signed = critical_version.signatures.get()
    expected = format_datetime(signed.signed_at, "long", tzinfo=datetime.UTC, locale="ar")
    assert "التوقيت العالمي" in expected
    approved = re.search(r'class="gc-approved"[^>]*>([^<]*)', html).group(1)
    signatures = re.search(r"<li><bdi>[^<]*</bdi>([^<]*)", html).group(1)
    assert expected in approved and expected in signatures
    assert format_datetime(critical_version.created_at, "long", tzinfo=datetime.UTC, locale="ar") in html  # submitted


def test_after_approving_the_reviewer_sees_their_approval_not_the_sign_form(client, reviewer, critical_version):
    approve(critical_version, reviewer)
    client.force_login(reviewer)
    html = page(client, critical_version).content.decode()

    when = re.search(r"You approved this version on ([^<\n]*)", html).group(1).strip()
    assert when.endswith(" UTC.") and not when.endswith("..")  # "… 4:30:00 PM UTC.": one period, and the time zone
    assert "It needs 1 more approval from another reviewer." in html
    assert "1 of 2 approvals" in html
    # Only a request for changes is left to them, folded away.
    assert re.search(r'<details>\s*<summary>Request changes after all</summary>', html)
    assert 'value="request_changes"' in html and 'value="approve"' not in html


def test_after_approving_the_reviewer_may_still_request_changes_with_the_meaning_that_says_so(client, reviewer, critical_version):
    approve(critical_version, reviewer)
    client.force_login(reviewer)
    response = sign_post(client, critical_version, decision="request_changes", comment="Name the maximum daily dose.")

    assert response.status_code == 302
    signature = Signature.objects.get(decision=Decision.REQUEST_CHANGES)
    assert signature.meaning == Meaning.CHANGES_REQUESTED
    assert signature.meaning_text == "changes requested, not approved for publication"
    critical_version.refresh_from_db()
    assert critical_version.status == VersionStatus.CHANGES_REQUESTED


def test_a_request_for_changes_on_a_translation_never_carries_the_approval_meaning(reviewer, spanish):
    signature = version_sign(version=spanish, signer=reviewer, password=PASSWORD, decision="request_changes", comment="Revise.")

    assert signature.meaning == Meaning.CHANGES_REQUESTED
    assert "faithful" not in signature.meaning_text


def test_the_fixed_list_of_meanings_has_one_for_requesting_changes_and_no_placeholder():
    labels = dict(Meaning.choices)
    assert set(labels) == {"clinically_accurate", "faithful_translation", "changes_requested"}
    assert not any("%(" in str(label) for label in labels.values())


@pytest.mark.parametrize("language", ["en", "es", "ar", "zh-hans", "vi"])
def test_the_signatures_filter_names_each_meaning_without_a_raw_placeholder(client, language, reviewer, critical_version):
    admin = make_user(is_superuser=True, username="admin_filter")
    client.force_login(admin)
    html = client.get(reverse("admin:review_signature_changelist"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert "%(number)s" not in html and "%(" not in html


def test_the_queue_shows_approvals_of_those_needed(client, reviewer, second_reviewer, critical_version):
    approve(critical_version, reviewer)
    client.force_login(second_reviewer)
    html = client.get(reverse("review:queue")).content.decode()

    assert "1 of 2 approvals" in html
    client.force_login(reviewer)
    html = client.get(reverse("review:queue")).content.decode()
    assert "1 of 2 approvals" in html and "you approved" in html


def test_the_queue_says_how_long_in_the_languages_plural_forms(client, reviewer, critical_version):
    from guide_cms.guides.models import Version
    from tests.tamper import as_table_owner

    with as_table_owner():  # a version is frozen on PostgreSQL: only its owner role may age it
        Version.objects.filter(pk=critical_version.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=2, seconds=5))
    client.force_login(reviewer)

    html = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert "دقيقتان" in html and "2 دقيقتين" not in html


def test_a_locked_signer_is_told_before_typing_a_password(client, reviewer, critical_version):
    client.force_login(reviewer)
    for _ in range(5):
        sign_post(client, critical_version, password="wrong")
    assert AccessAttempt.objects.exists()

    html = page(client, critical_version).content.decode()

    assert "Too many wrong passwords" in html
    assert 'name="password"' not in html


def test_unchanged_sections_are_collapsed_and_rendered_changed_ones_are_a_diff(client, guide, editor, reviewer, second_reviewer):
    approve(version_submit(guide=guide, language="en", user=editor), reviewer)
    section = Section.objects.get(key="dosing")
    from guide_cms.guides.services import section_update_drafts

    section_update_drafts(section=section, user=editor, values={"body_en": "Take 10 mg."})
    v2 = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)
    client.force_login(second_reviewer)

    html = page(client, v2).content.decode()

    unchanged = re.search(r'<details class="gc-section gc-unchanged">.*?</details>', html, re.S).group(0)
    assert "Warnings" in unchanged and "unchanged" in unchanged
    assert '<aside class="callout callout-warning"' in unchanged or 'callout-warning' in unchanged
    assert "[!WARNING]" not in unchanged
    assert '<del class="diff-del">5</del><ins class="diff-ins">10</ins>' in html


def test_a_translation_of_an_outdated_source_warns_the_reviewer_before_signing(client, guide, editor, reviewer, second_reviewer, spanish):
    from guide_cms.guides.services import section_update_drafts

    section_update_drafts(section=Section.objects.get(key="dosing"), user=editor, values={"body_en": "Take 10 mg."})
    newer = version_submit(guide=guide, language="en", user=editor, change_class=ChangeClass.CLINICAL)
    version_sign(version=newer, signer=second_reviewer, password=PASSWORD, decision="approve", change_class_confirmed=ChangeClass.CLINICAL)
    client.force_login(reviewer)

    html = page(client, spanish).content.decode()

    assert "This translation is of an outdated source text." in html
    assert "source version 2" in html and "clinical" in html
    assert html.index("This translation is of an outdated source text.") < html.index("Quality checks" if "Quality checks" in html else "Sign-off")


def test_versions_are_named_with_the_guides_title_and_the_languages_name(client, reviewer, spanish):
    from django.utils import translation

    assert str(spanish) == "Baclofen (Spanish, v1)"
    with translation.override("es"):
        assert str(spanish) == "Baclofen (español, v1)"
    client.force_login(reviewer)
    html = page(client, spanish).content.decode()
    assert "baclofen [es]" not in html
