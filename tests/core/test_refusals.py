"""A refusal (403) tells the user why on a page of the admin's look, and is on record."""
import html

import pytest
from django.urls import reverse

from guide_cms.core.audit import verify_chain
from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide
from tests.factories import make_user
from tests.guides.admin_forms import post_data_from

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def test_a_forged_field_is_refused_with_its_reason_on_an_admin_page_and_audited(client, translator_es, guide):
    client.force_login(translator_es)
    url = reverse("admin:guides_guide_change", args=[guide.pk])
    data = post_data_from(client.get(url))
    data["title_en"] = "Hacked"

    response = client.post(url, data)

    assert response.status_code == 403
    page = text(response)
    assert "You may not change the field title_en." in page
    assert 'id="site-name"' in page and reverse("admin:logout") in page  # the admin's header and user tools
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"
    [event] = AuditEvent.objects.filter(action="access.refused")
    assert event.actor == translator_es
    assert event.data == {"user": translator_es.username, "method": "POST", "path": url, "reason": "You may not change the field title_en."}
    assert verify_chain()[1] == []


def test_a_refusal_without_a_stated_reason_still_explains_and_is_audited(client, translator_es):
    client.force_login(translator_es)

    response = client.get(reverse("admin:guides_guide_add"))

    assert response.status_code == 403
    assert "You do not have permission to do this." in text(response)
    assert AuditEvent.objects.get(action="access.refused").data["reason"] == "permission denied"


def test_signing_without_the_role_shows_why(client, guide, editor):
    from guide_cms.review.services import version_submit

    version = version_submit(guide=guide, language="en", user=editor)
    other_editor = make_user(Role.EDITOR)  # reads the English history, signs nothing
    client.force_login(other_editor)

    response = client.post(reverse("review:version", args=[version.pk]), {"decision": "approve", "password": "x", "content_hash": version.content_hash})

    assert response.status_code == 403
    assert "You are not a clinical reviewer for English." in text(response)
    assert AuditEvent.objects.get(action="access.refused").actor == other_editor


def test_the_refusal_page_speaks_the_users_language(client, translator_es, guide):
    client.force_login(translator_es)

    response = client.get(reverse("admin:guides_guide_add"), headers={"accept-language": "es"})

    assert response.status_code == 403
    assert 'lang="es"' in response.content.decode()
    assert "No tiene permiso para hacer esto." in text(response)


def test_a_request_for_an_unknown_host_is_a_400_page_not_a_crash(client):
    response = client.get("/admin/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
