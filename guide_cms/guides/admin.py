"""Admin for guides and sections: declarations, plus glue that calls the services.

Which language columns a user sees and may edit comes from
guide_cms.core.permissions; writes go through guide_cms.guides.services.
"""
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core import permissions
from guide_cms.core.admin import InvalidPostIsBadRequest
from guide_cms.core.languages import get_language

from . import services
from .models import Guide, Section
from .text_fields import FIELD_KINDS, FIELD_MAX_CHARS, GUIDE_TEXT_FIELDS, SECTION_TEXT_FIELDS, columns_for, split_column
from .text_rules import TextRefused, clean_text

GUIDE_SETTINGS = ("slug", "safety_critical", "review_interval_months")
SECTION_STRUCTURE = ("key", "position")
_MODEL_FIELDS = {f.name for model in (Guide, Section) for f in model._meta.get_fields()}


def _ordered_languages(codes):
    """Source first, then the configured order."""
    from guide_cms.core.languages import all_languages

    return [lang for lang in all_languages() if lang.code in codes]


def _text_columns(fields, user, guide):
    visible = permissions.visible_languages(user, guide)
    return [column for lang in _ordered_languages(visible) for column in columns_for(fields, lang)]


def _readonly_text_columns(fields, user, guide):
    editable = permissions.editable_languages(user, guide)
    return [c for c in _text_columns(fields, user, guide) if split_column(c, fields)[1].code not in editable]


def _localise_widget(formfield, column, fields):
    """Label 'Body (Arabic)' and give the widget the language's lang and dir."""
    parsed = split_column(column, fields)
    if formfield is None or parsed is None:
        return formfield
    name, lang = parsed
    model = Section if name == "body" else Guide
    formfield.label = f"{str(model._meta.get_field(name).verbose_name).capitalize()} ({lang.display_name})"
    formfield.widget.attrs.update({"lang": lang.bcp47, "dir": lang.direction})
    return formfield


def _clean_text_columns(form, fields) -> None:
    """Apply the text rules to every changed text column, as field errors the editor sees."""
    for column in form.changed_data:
        parsed = split_column(column, fields)
        if parsed is None or column not in form.cleaned_data:
            continue
        try:
            form.cleaned_data[column] = clean_text(
                form.cleaned_data[column], kind=FIELD_KINDS[parsed[0]], max_chars=FIELD_MAX_CHARS[parsed[0]]
            )
        except TextRefused as exc:
            form.add_error(column, exc)


class GuideForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        _clean_text_columns(self, GUIDE_TEXT_FIELDS)
        return cleaned


class SectionForm(forms.ModelForm):
    # The drafts' fingerprint when the page was loaded (see services.section_draft_fingerprint).
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Section
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        _clean_text_columns(self, SECTION_TEXT_FIELDS)
        section = self.instance
        if section.pk and self.has_changed() and cleaned.get("fingerprint"):
            current = Section.objects.select_related("guide").get(pk=section.pk)
            try:
                services.section_check_fingerprint(current, self.user, cleaned["fingerprint"])
            except services.ConcurrentEdit as exc:
                raise ValidationError(str(exc), code="concurrent_edit") from None
        return cleaned


class SectionInline(admin.StackedInline):
    model = Section
    form = SectionForm
    extra = 0
    ordering = ("position", "id")

    def get_fields(self, request, obj=None):
        structure = list(SECTION_STRUCTURE)
        return [*structure, *_text_columns(SECTION_TEXT_FIELDS, request.user, obj), "fingerprint"]

    def get_readonly_fields(self, request, obj=None):
        readonly = _readonly_text_columns(SECTION_TEXT_FIELDS, request.user, obj)
        if not permissions.can_manage_guides(request.user):
            readonly = [*SECTION_STRUCTURE, *readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        """One fieldset per language, side by side: the source beside each translation."""
        fields = self.get_fields(request, obj)
        columns = {split_column(f, SECTION_TEXT_FIELDS)[1].code: [] for f in fields if split_column(f, SECTION_TEXT_FIELDS)}
        rest = []
        for name in fields:
            parsed = split_column(name, SECTION_TEXT_FIELDS)
            (columns[parsed[1].code] if parsed else rest).append(name)
        fieldsets = [(None, {"fields": rest})]
        for code, names in columns.items():
            lang = get_language(code)
            is_source = code == (obj.source_language if obj else lang.code) and lang.is_source
            label = f"{lang.display_name} ({_('source')})" if is_source else lang.display_name
            fieldsets.append((label, {"fields": names, "classes": ["gc-language"]}))
        return fieldsets

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        user = request.user

        class UserSectionForm(formset.form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.user = user
                if self.instance.pk and "key" in self.fields:
                    # Translation files and versions refer to the key: fixed once created.
                    self.fields["key"].disabled = True
                if self.instance.pk and "fingerprint" in self.fields:
                    self.fields["fingerprint"].initial = services.section_draft_fingerprint(self.instance, user)

        formset.form = UserSectionForm
        return formset

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _localise_widget(super().formfield_for_dbfield(db_field, request, **kwargs), db_field.name, SECTION_TEXT_FIELDS)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_content(request.user)

    def has_change_permission(self, request, obj=None):
        return bool(permissions.editable_languages(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return permissions.can_manage_guides(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_manage_guides(request.user)


@admin.register(Guide)
class GuideAdmin(InvalidPostIsBadRequest, admin.ModelAdmin):
    class Media:
        css = {"all": ["guides/admin.css"]}

    form = GuideForm
    inlines = [SectionInline]
    list_display = ("__str__", "slug", "safety_critical", "review_interval_months", "last_approved_on", "next_review_due")
    list_filter = ("safety_critical",)
    search_fields = ("slug", "title_en")

    @property
    def list_per_page(self):
        """Rows a page (settings.GUIDE_CMS_PAGE_SIZE): the list computes states for the rows shown only."""
        return settings.GUIDE_CMS_PAGE_SIZE

    @admin.display(description=gettext_lazy("next review due"))
    def next_review_due(self, obj):
        due = obj.next_review_due
        if due is not None and due < timezone.localdate():
            return format_html('<strong class="gc-overdue">{} — {}</strong>', date_format(due), _("review overdue"))
        return due

    def get_fields(self, request, obj=None):
        return [*GUIDE_SETTINGS, *_text_columns(GUIDE_TEXT_FIELDS, request.user, obj), "last_approved_on"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*_readonly_text_columns(GUIDE_TEXT_FIELDS, request.user, obj), "last_approved_on"]
        if not permissions.can_manage_guides(request.user):
            readonly = [*GUIDE_SETTINGS, *readonly]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _localise_widget(super().formfield_for_dbfield(db_field, request, **kwargs), db_field.name, GUIDE_TEXT_FIELDS)

    # Permissions: one place decides (guide_cms.core.permissions).
    def has_module_permission(self, request):
        return permissions.can_view_content(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_content(request.user)

    def has_change_permission(self, request, obj=None):
        return bool(permissions.editable_languages(request.user, obj))

    def has_add_permission(self, request):
        return permissions.can_manage_guides(request.user)

    def has_delete_permission(self, request, obj=None):
        # A guide with versions keeps its history: only drafts may be deleted.
        return permissions.can_manage_guides(request.user) and (obj is None or not obj.versions.exists())

    def delete_model(self, request, obj):
        services.guide_delete(guide=obj, user=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletion would bypass the service
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, object_id) if object_id else None
            self._refuse_fields_not_editable(request, obj)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ConcurrentEdit as exc:
            # Lost the race after the form's own check: the transaction rolled back.
            self.message_user(request, str(exc), messages.ERROR)
            return self.response_post_save_change(request, None) if object_id else self.response_post_save_add(request, None)

    def _refuse_fields_not_editable(self, request, obj):
        """A POST naming a field this user cannot edit is forged: refuse it whole."""
        user = request.user
        allowed = set(self.get_fields(request, obj)) - set(self.get_readonly_fields(request, obj))
        inline = SectionInline(Guide, self.admin_site)
        allowed_inline = set(inline.get_fields(request, obj)) - set(inline.get_readonly_fields(request, obj))
        for key in request.POST:
            is_inline = key.startswith("sections-")
            name = key.rsplit("-", 1)[-1] if is_inline else key
            if name not in _MODEL_FIELDS or name in {"id", "guide"}:
                continue
            if name not in (allowed_inline if is_inline else allowed):
                raise PermissionDenied(_("You may not change the field %(field)s.") % {"field": name})
        if any(k.startswith("sections-") and k.endswith("-DELETE") for k in request.POST) and not permissions.can_manage_guides(user):
            raise PermissionDenied(_("Only editors may remove sections."))

    def save_model(self, request, obj, form, change):
        user = request.user
        data = form.cleaned_data
        text = {c: data[c] or "" for c in form.changed_data if split_column(c, GUIDE_TEXT_FIELDS)}
        if not change:
            source = get_language(obj.source_language)
            created = services.guide_create(
                user=user,
                slug=data["slug"],
                title=data.get(source.field("title")) or "",
                summary=data.get(source.field("summary")) or "",
                safety_critical=data.get("safety_critical", False),
                review_interval_months=data.get("review_interval_months", 12),
            )
            # The inline formsets were bound to obj; give it the new row's identity.
            obj.pk, obj._state.adding = created.pk, False
            return
        settings_changed = {f: data[f] for f in GUIDE_SETTINGS if f in form.changed_data}
        if settings_changed:
            services.guide_update_settings(guide=obj, user=user, **settings_changed)
        if text:
            services.guide_update_drafts(guide=obj, user=user, values=text)

    def save_formset(self, request, form, formset, change):
        user, guide = request.user, form.instance
        for section_form in formset.forms:
            section = section_form.instance
            data = getattr(section_form, "cleaned_data", {})
            if not data:
                continue
            if data.get("DELETE"):
                if section.pk:
                    services.section_delete(section=section, user=user)
                continue
            if section.pk is None:
                if section_form.has_changed():
                    source = get_language(guide.source_language)
                    services.section_create(
                        guide=guide,
                        user=user,
                        key=data["key"],
                        position=data.get("position"),
                        title=data.get(source.field("title")) or "",
                        body=data.get(source.field("body")) or "",
                    )
                continue
            if "position" in section_form.changed_data:
                services.section_move(section=section, user=user, position=data["position"])
            text = {c: data[c] or "" for c in section_form.changed_data if split_column(c, SECTION_TEXT_FIELDS)}
            if text:
                services.section_update_drafts(
                    section=section, user=user, values=text, expected_fingerprint=data.get("fingerprint") or None
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
