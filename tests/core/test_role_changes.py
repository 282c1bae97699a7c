"""Role changes are audited, whether made in the admin or by the demo loader."""
from django.contrib.auth.models import Group
from django.urls import reverse

from guide_cms.core.models import AuditEvent, LanguageAssignment
from guide_cms.core.roles import ROLE_GROUPS, Role
from tests.factories import make_user


def test_admin_change_of_groups_and_languages_is_audited(client, db):
    admin = make_user(None, is_superuser=True, username="root")
    user = make_user(None, username="newcomer")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": "newcomer", "is_active": "on", "is_staff": "on",
        "groups": [Group.objects.get(name=ROLE_GROUPS[Role.TRANSLATOR]).pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": "",
        "staff_profile-TOTAL_FORMS": "1", "staff_profile-INITIAL_FORMS": "1", "staff_profile-MIN_NUM_FORMS": "0", "staff_profile-MAX_NUM_FORMS": "1",
        "staff_profile-0-id": user.staff_profile.pk, "staff_profile-0-user": user.pk,
        "staff_profile-0-printed_name": "Ana Pérez", "staff_profile-0-credentials": "",
        "language_assignments-TOTAL_FORMS": "1", "language_assignments-INITIAL_FORMS": "0",
        "language_assignments-MIN_NUM_FORMS": "0", "language_assignments-MAX_NUM_FORMS": "1000",
        "language_assignments-0-role": "translator", "language_assignments-0-language": "es",
        "_save": "Save",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert LanguageAssignment.objects.filter(user=user, language="es").exists()
    event = AuditEvent.objects.get(action="roles.change")
    assert event.actor == admin and event.object_id == str(user.pk)
    assert event.data == {
        "user": "newcomer",
        "old": {"groups": [], "permissions": [], "languages": []},
        "new": {"groups": ["Translators"], "permissions": [], "languages": ["translator:es"]},
    }


def test_saving_a_user_without_role_changes_adds_no_event(client, db):
    from guide_cms.core.services import record_role_change, role_summary

    user = make_user(Role.EDITOR)
    before = AuditEvent.objects.filter(action="roles.change").count()
    assert not record_role_change(actor=None, user=user, before=role_summary(user))
    assert AuditEvent.objects.filter(action="roles.change").count() == before
