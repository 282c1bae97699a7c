import pytest
from django.core.exceptions import PermissionDenied

from guide_cms.core import permissions
from guide_cms.core.models import LanguageAssignment
from guide_cms.core.roles import Role
from tests.factories import make_user


def test_editor_edits_only_the_source_language(editor, guide):
    assert permissions.editable_languages(editor, guide) == {"en"}


def test_translator_edits_only_assigned_languages_never_the_source(db, guide):
    translator = make_user(Role.TRANSLATOR, ("es", "en"))
    assert permissions.editable_languages(translator, guide) == {"es"}


def test_assignment_without_the_role_group_grants_nothing(db, guide):
    user = make_user(None)
    LanguageAssignment.objects.create(user=user, role=Role.TRANSLATOR, language="es")
    assert permissions.editable_languages(user, guide) == frozenset()
    assert not permissions.can_view_content(user)


def test_reviewer_and_publisher_edit_nothing(db, reviewer, guide):
    publisher = make_user(Role.PUBLISHER)
    assert permissions.editable_languages(reviewer, guide) == frozenset()
    assert permissions.editable_languages(publisher, guide) == frozenset()
    assert permissions.can_view_content(reviewer) and permissions.can_view_content(publisher)


def test_superuser_manages_accounts_but_edits_no_text(db, guide):
    admin = make_user(None, is_superuser=True)
    assert permissions.editable_languages(admin, guide) == frozenset()
    with pytest.raises(PermissionDenied):
        permissions.require_edit_language(admin, "en", guide)


def test_inactive_user_has_no_rights(db, guide):
    user = make_user(Role.EDITOR, is_active=False)
    assert permissions.editable_languages(user, guide) == frozenset()


def test_grants_are_loaded_once_per_user_object(db, translator_es, guide, django_assert_num_queries):
    permissions.forget_grants(translator_es)
    with django_assert_num_queries(2):
        for _ in range(5):
            permissions.editable_languages(translator_es, guide)
            permissions.visible_languages(translator_es, guide)
