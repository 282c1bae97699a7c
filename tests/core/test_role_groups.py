"""A role's group keeps its name and cannot be deleted (roles are read from group names: renaming one took the role
from every member, unaudited); every group change is audited."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from guide_cms.core import services
from guide_cms.core.models import AuditEvent
from guide_cms.core.permissions import forget_grants, has_role
from guide_cms.core.roles import ROLE_GROUPS, Role
from tests.factories import make_user


@pytest.fixture
def admin_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@clinic.test", "a-long-password-1")
    client.force_login(admin)
    return client, admin


def test_renaming_the_reviewers_group_in_the_admin_changes_nothing(admin_client):
    client, _admin = admin_client
    reviewer = make_user(Role.REVIEWER, ("en",))
    group = Group.objects.get(name=ROLE_GROUPS[Role.REVIEWER])
    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Readers", "permissions": []})
    assert response.status_code == 302
    assert Group.objects.get(pk=group.pk).name == ROLE_GROUPS[Role.REVIEWER]
    forget_grants(reviewer)
    assert has_role(reviewer, Role.REVIEWER)


def test_a_roles_group_cannot_be_deleted(admin_client):
    client, _admin = admin_client
    group = Group.objects.get(name=ROLE_GROUPS[Role.PUBLISHER])
    assert client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_the_service_refuses_to_rename_a_role_group_or_to_name_a_group_after_a_role(db):
    group = Group.objects.get(name=ROLE_GROUPS[Role.EDITOR])
    with pytest.raises(services.RoleGroupFixed):
        services.group_save(actor=None, group=group, name="Authors", permissions=[])
    with pytest.raises(services.RoleGroupFixed):
        services.group_save(actor=None, group=Group(), name=ROLE_GROUPS[Role.EDITOR], permissions=[])


def test_every_group_change_is_audited(admin_client):
    client, admin = admin_client
    assert client.post("/admin/auth/group/add/", {"name": "Pharmacy", "permissions": []}).status_code == 302
    group = Group.objects.get(name="Pharmacy")
    view = Permission.objects.get(codename="view_guide")
    assert client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Pharmacy team", "permissions": [view.pk]}).status_code == 302
    events = list(AuditEvent.objects.filter(action__startswith="group.").order_by("pk").values_list("action", "actor_id", "data"))
    assert events[0][:2] == ("group.create", admin.pk)
    assert events[1] == ("group.change", admin.pk, {"name": {"old": "Pharmacy", "new": "Pharmacy team"},
                                                    "permissions": {"old": [], "new": ["view_guide"]}})
