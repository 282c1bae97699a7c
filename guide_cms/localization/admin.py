from django.contrib import admin

from guide_cms.core import permissions
from guide_cms.core.admin import InvalidPostIsBadRequest
from guide_cms.core.roles import Role

from .models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(InvalidPostIsBadRequest, admin.ModelAdmin):
    """Clinical reviewers keep the glossary of their languages; everyone with a role reads it."""

    list_display = ("term", "language", "expected_form", "do_not_translate", "note")
    list_filter = ("language", "do_not_translate")
    search_fields = ("term", "approved")

    def _languages(self, request):
        return permissions.assigned_languages(request.user, Role.REVIEWER)

    def has_module_permission(self, request):
        return permissions.can_view_content(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_content(request.user)

    def has_add_permission(self, request):
        return bool(self._languages(request))

    def has_change_permission(self, request, obj=None):
        languages = self._languages(request)
        return bool(languages) and (obj is None or obj.language in languages)

    has_delete_permission = has_change_permission

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "language":
            languages = self._languages(request)
            kwargs["choices"] = [(c, n) for c, n in db_field.choices if c in languages]
        return super().formfield_for_choice_field(db_field, request, **kwargs)
