from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guide_cms.core import permissions
from guide_cms.core.admin import InvalidPostIsBadRequest

from . import services
from .models import GlossaryTerm, MemoryEntry


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(InvalidPostIsBadRequest, admin.ModelAdmin):
    """Clinical reviewers keep the glossary of their languages; everyone with a role reads it."""

    list_display = ("term", "language", "expected_form", "do_not_translate", "note")
    list_filter = ("language", "do_not_translate")
    search_fields = ("term", "approved")

    @admin.display(description=_("expected form"))
    def expected_form(self, term):
        return term.expected_form

    def _languages(self, request):
        return permissions.glossary_languages(request.user)

    # Writes go through the audited services.
    def save_model(self, request, obj, form, change):
        if change:
            values = {name: form.cleaned_data[name] for name in form.changed_data if name in services.GLOSSARY_FIELDS}
            services.glossary_term_save(user=request.user, term=obj, values=values)
        else:
            saved = services.glossary_term_save(user=request.user, values={name: form.cleaned_data[name] for name in services.GLOSSARY_FIELDS})
            obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request, obj):
        services.glossary_term_delete(user=request.user, term=obj)

    def delete_queryset(self, request, queryset):
        for term in queryset:
            services.glossary_term_delete(user=request.user, term=term)

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

    def get_queryset(self, request):
        # Signed text and its signers are history: each user reads the languages they may read, as elsewhere.
        return permissions.readable_history(request.user, super().get_queryset(request))

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
