from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from guide_cms.core import permissions
from guide_cms.core.languages import get_language, in_language
from guide_cms.core.admin import InvalidPostIsBadRequest

from . import services
from .models import GlossaryTerm, MemoryEntry


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(InvalidPostIsBadRequest, admin.ModelAdmin):
    """Clinical reviewers keep the glossary of their languages; everyone with a role reads it."""

    list_display = ("source_term", "language", "expected_form", "do_not_translate", "note_text")
    list_filter = ("language", "do_not_translate")
    search_fields = ("term", "approved")

    # Each text in its own language and direction: an English term keeps its full stop at its end in the Arabic admin.
    @admin.display(description=GlossaryTerm._meta.get_field("term").verbose_name, ordering="term")
    def source_term(self, term):
        return in_language(term.term, settings.SOURCE_LANGUAGE)

    @admin.display(description=_("expected form"))
    def expected_form(self, term):
        return in_language(term.expected_form, settings.SOURCE_LANGUAGE if term.do_not_translate else term.language)

    @admin.display(description=GlossaryTerm._meta.get_field("note").verbose_name)
    def note_text(self, term):
        return in_language(term.note, None)  # typed in any language

    @admin.display(description=GlossaryTerm._meta.get_field("approved").verbose_name)
    def approved_text(self, term):
        return in_language(term.approved, term.language) if term.approved else "-"

    def get_fields(self, request, obj=None):
        # Read-only (a term of a language this user does not keep): each text in its language and direction.
        fields = list(super().get_fields(request, obj))
        if obj is None or self.has_change_permission(request, obj):
            return fields
        shown = {"term": "source_term", "approved": "approved_text", "note": "note_text"}
        return list(dict.fromkeys(shown.get(name, name) for name in fields))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            readonly += ["source_term", "approved_text", "note_text"]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in ("term", "approved", "note"):
            # The term is source text; the approved form and the note may be in either direction.
            source = get_language(settings.SOURCE_LANGUAGE)
            formfield.widget.attrs.update({"lang": source.bcp47, "dir": source.direction} if db_field.name == "term" else {"dir": "auto"})
        return formfield

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

    list_display = ("source_column", "language", "target_column", "guide_slug", "context", "version_number", "signers", "signed", "imported_from")
    list_filter = ("language", "signed")
    search_fields = ("source_text", "target", "guide_slug")

    @admin.display(description=MemoryEntry._meta.get_field("source_text").verbose_name, ordering="source_text")
    def source_column(self, entry):
        return in_language(entry.source_text, entry.source_language)

    @admin.display(description=MemoryEntry._meta.get_field("target").verbose_name, ordering="target")
    def target_column(self, entry):
        return in_language(entry.target, entry.language)

    @admin.display(description=MemoryEntry._meta.get_field("source").verbose_name)
    def source_segment(self, entry):
        return in_language(entry.source, entry.source_language)

    def get_fields(self, request, obj=None):
        shown = {"source": "source_segment", "source_text": "source_column", "target": "target_column"}
        return list(dict.fromkeys(shown.get(name, name) for name in super().get_fields(request, obj)))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "source_segment", "source_column", "target_column"]

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
