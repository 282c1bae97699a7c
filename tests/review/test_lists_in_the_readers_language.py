"""Admin lists in the reader's language: meanings, channel names, changed fields, names isolated from the page's direction."""
from django.urls import reverse

from guide_cms.core.models import StaffProfile
from guide_cms.guides.models import Section
from guide_cms.guides.services import section_update_drafts


def _get(client, user, url, language):
    client.force_login(user)
    return client.get(url, headers={"accept-language": language}).content.decode()


def test_arabic_signatures_list_gives_the_meaning_in_arabic_and_isolates_the_signers_name(client, wf):
    StaffProfile.objects.filter(user=wf.reviewer).update(printed_name="Dr Amal Nasser", credentials="MD, Neurology")
    wf.reviewer.staff_profile.refresh_from_db()
    wf.approve("en")
    html = _get(client, wf.reviewer, reverse("admin:review_signature_changelist"), "ar")
    assert "<bdi>Dr Amal Nasser, MD, Neurology</bdi>" in html
    assert "دقيق سريريًا ومعتمد للنشر" in html
    assert "clinically accurate" not in html
    assert "<bdi>\u2068Baclofen\u2069 (الإنجليزية، الإصدار 1)</bdi>" in html


def test_spanish_publications_list_names_channels_in_spanish(client, wf):
    wf.publish(wf.approve("en"), channels=("site", "handouts"))
    html = _get(client, wf.publisher, reverse("admin:publishing_publication_changelist"), "es")
    assert "folletos" in html and "sitio web" in html
    assert ">handouts<" not in html and ">site<" not in html
    assert "Baclofen (inglés, v1)" in html


def test_audit_list_names_the_changed_field_and_its_language(client, wf, admin_user):
    section = Section.objects.get(guide=wf.guide, key="dosing")
    section_update_drafts(section=section, user=wf.translator_es, values={"body_es": "Tome 10 mg."})
    html = _get(client, admin_user, reverse("admin:core_auditevent_changelist"), "es")
    assert "texto (español)" in html and "body_es" not in html


def test_arabic_review_page_lists_signatures_with_their_meaning_in_arabic(client, wf):
    version = wf.approve("en")
    html = _get(client, wf.reviewer, reverse("review:version", args=[version.pk]), "ar")
    assert "“دقيق سريريًا ومعتمد للنشر”" in html and "clinically accurate" not in html


def test_a_comment_in_the_audit_list_is_isolated_from_the_pages_direction(client, wf, admin_user):
    from guide_cms.review.services import version_sign, version_submit
    from tests.factories import PASSWORD

    version = version_submit(guide=wf.guide, language="en", user=wf.editor)
    version_sign(version=version, signer=wf.reviewer, password=PASSWORD, decision="request_changes", comment="Check the dose (5 mg).")
    html = _get(client, admin_user, reverse("admin:core_auditevent_changelist"), "ar")
    assert "<bdi>Check the dose (5 mg).</bdi>" in html
