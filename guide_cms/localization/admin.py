from django.contrib import admin

from guide_cms.core import permissions
from guide_cms.core.roles import Role

from .models import GlossaryTerm, MemoryEntry


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
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


@admin.register(MemoryEntry)
class MemoryEntryAdmin(admin.ModelAdmin):
    """The translation memory, read-only: pairs come from signed versions (or import_memory), never from the admin."""

    list_display = ("source_text", "language", "target", "guide_slug", "context", "version_number", "signers", "signed", "imported_from")
    list_filter = ("language", "signed")
    search_fields = ("source_text", "target", "guide_slug")

    def has_module_permission(self, request):
        return permissions.can_view_content(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_content(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
