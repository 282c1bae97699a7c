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
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core import permissions
from guide_cms.core.admin import InvalidPostIsBadRequest
from guide_cms.core.languages import get_language

from guide_cms.core.merge import Merge, rebase_token

from . import edits, services
from .edits import GUIDE_SETTINGS, SECTION_STRUCTURE
from .models import Guide, Section
from .text_fields import FIELD_KINDS, FIELD_MAX_CHARS, GUIDE_TEXT_FIELDS, SECTION_TEXT_FIELDS, columns_for, split_column
from .text_rules import TextRefused, clean_text

SECTION_FIELDS = ("key", *SECTION_STRUCTURE)
_MODEL_FIELDS = {f.name for model in (Guide, Section) for f in model._meta.get_fields()}


def _ordered_languages(codes):
    """Source first, then the configured order."""
    from guide_cms.core.languages import all_languages

    return [lang for lang in all_languages() if lang.code in codes]


def _text_columns(fields, user, guide):
    visible = permissions.visible_languages(user, guide)
    return [column for lang in _ordered_languages(visible) for column in columns_for(fields, lang)]


# A text column this user reads but cannot edit is shown by a display method of this name, which marks the text with
# its language and direction (Django's own read-only display would lay English out right to left in the Arabic admin).
SHOWN = "_shown"


def _all_text_columns(settings_fields, text_fields) -> list[str]:
    """settings_fields, then the text columns of text_fields in every configured language (a ModelForm's Meta.fields)."""
    from guide_cms.core.languages import all_languages

    return [*settings_fields, *(column for lang in all_languages() for column in columns_for(text_fields, lang))]


def _readonly_text_columns(fields, user, guide):
    editable = permissions.editable_languages(user, guide)
    return [c + SHOWN for c in _text_columns(fields, user, guide) if split_column(c, fields)[1].code not in editable]


def _text_columns_shown(fields, user, guide):
    """The text columns of the page, each read-only one by its display method's name."""
    readonly = set(_readonly_text_columns(fields, user, guide))
    return [c + SHOWN if c + SHOWN in readonly else c for c in _text_columns(fields, user, guide)]


def _split_shown(name, fields):
    return split_column(name.removesuffix(SHOWN), fields)


def _shown_column(column, fields):
    """The display method of a read-only text column: the text in its language and direction, lines kept."""
    from django.template.defaultfilters import linebreaksbr

    name, lang = split_column(column, fields)
    model = Section if name == "body" else Guide

    def show(self, obj):
        value = getattr(obj, column, None) or ""
        return format_html('<div lang="{}" dir="{}">{}</div>', lang.bcp47, lang.direction, linebreaksbr(value)) if value else "-"

    # Named when the page is drawn, in its language ("Título (árabe)"): the class is built once, in English.
    description = lazy(lambda: f"{str(model._meta.get_field(name).verbose_name).capitalize()} ({lang.display_name})", str)()
    return admin.display(description=description)(show)


def _add_shown_columns(cls, fields):
    from guide_cms.core.languages import all_languages

    for lang in all_languages():
        for column in columns_for(fields, lang):
            setattr(cls, column + SHOWN, _shown_column(column, fields))
    return cls


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


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value) if value not in (None, "") else _("(empty)")


def _merge_or_refuse(form, plan, scope: str) -> None:
    """Put a merge's conflicts on the form: each conflicting box shows their value beside the user's, kept as typed.

    The form's base moves to their value for those boxes only, so saving
    again keeps what the user then chooses; nothing of this save is written.
    """
    if not plan.conflicts:
        return
    form.data = form.data.copy()
    for conflict in plan.conflicts:
        if conflict.their_sentences:
            # The box now holds their text with every change of yours applied (yours kept where you both changed
            # the same sentences): saving it again reverts nothing else they saved.
            form.data[form.add_prefix(conflict.unit)] = conflict.resolved
            error = format_html(
                '{}<div class="gc-theirs" dir="auto">{}</div>{}',
                _("Someone else changed the same sentences after you opened the page. Their version of them:"),
                " … ".join(conflict.their_sentences),
                _("The box below now holds their saved text with all your changes in it, yours where you both changed "
                  "a sentence: check those sentences and save again."),
            )
        else:
            error = format_html(
                '{}<div class="gc-theirs" dir="auto">{}</div>',
                _("Someone else saved this after you opened the page. Their saved value:"), _shown(conflict.theirs),
            )
        form.add_error(conflict.unit, ValidationError(error, code="conflict"))
    form.add_error(None, ValidationError(plan.conflict_message(), code="conflict"))
    key = form.add_prefix("base")
    form.data[key] = rebase_token(form.data.get(key, ""), scope, {c.unit: c.theirs for c in plan.conflicts})


class GuideForm(forms.ModelForm):
    # The revisions of the page's units when it was loaded (guides.edits): a save merges onto them.
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    merge = None

    class Meta:
        model = Guide
        # What the page edits (GuideAdmin.get_fields narrows it per user): the settings and every language's text columns.
        fields = _all_text_columns(GUIDE_SETTINGS, GUIDE_TEXT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["base"].initial = edits.guide_base(self.instance, self.units())

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug and (problem := services.address_problem(slug, self.instance if self.instance.pk else None)):
            raise ValidationError(problem, code="address_taken")
        return slug

    def units(self) -> list[str]:
        """The editable fields this page shows that a save merges (settings and text columns)."""
        return [n for n in self.fields if (n in GUIDE_SETTINGS or split_column(n, GUIDE_TEXT_FIELDS)) and not self.fields[n].disabled]

    def clean(self):
        cleaned = super().clean()
        _clean_text_columns(self, GUIDE_TEXT_FIELDS)
        if self.instance.pk:
            locked = edits.lock_guide(self.instance)
            self.instance._merge_locked = True  # the sections' formset reads under this lock
            values = {unit: cleaned[unit] for unit in self.units() if unit in cleaned}
            try:
                self.merge = edits.merge_guide(locked=locked, token=cleaned.get("base"), values=values)
            except edits.BaseRevisionError as exc:
                raise ValidationError(str(exc), code="base_revision") from None
            _merge_or_refuse(self, self.merge, edits.guide_scope_token(locked))
        return cleaned


class SectionForm(forms.ModelForm):
    # The revisions of this section's units when the page was loaded (guides.edits).
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    merge = None

    class Meta:
        model = Section
        # What the inline edits (SectionInline.get_fields narrows it per user): key, position and every language's text columns.
        fields = _all_text_columns(SECTION_FIELDS, SECTION_TEXT_FIELDS)

    def units(self) -> list[str]:
        return [n for n in self.fields if (n in SECTION_STRUCTURE or split_column(n, SECTION_TEXT_FIELDS)) and not self.fields[n].disabled]

    def clean(self):
        cleaned = super().clean()
        _clean_text_columns(self, SECTION_TEXT_FIELDS)
        return cleaned


class _PostedSection(forms.ModelChoiceField):
    """The hidden id of a section form, looked up in the formset's one read of the guide's sections.

    Django's own field asks the database once per form (a save's queries
    would grow with the sections); a section removed meanwhile is named.
    """

    def __init__(self, *args, sections: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.sections[int(value)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                _("Someone else removed this section after you opened the page; your changes to it were not saved."), code="removed"
            ) from None


def _refuse_taken_keys(added, keys: set[str]) -> None:
    """An error on each added section form whose key is in keys or on an earlier added form."""
    for form in added:  # a key taken meanwhile by someone else's new section, or twice on this page
        key = form.cleaned_data.get("key")
        if key in keys:
            form.add_error("key", _("A section with the key '%(key)s' exists already (someone may have added it after you "
                                    "opened the page): choose another key.") % {"key": key})
        keys.add(key)


class SectionFormSet(forms.BaseInlineFormSet):
    """Merges every section form of the page onto the sections as stored, read once under the guide's lock."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sections someone removed after the page was loaded: their forms are dropped (a save of the rest goes on);
        # what this user typed into one is refused in clean(), shown in the message.
        self.removed_meanwhile: list[tuple[str, list[str]]] = []
        if self.is_bound and self.instance.pk:
            self._drop_removed_sections()

    def _drop_removed_sections(self) -> None:
        prefix, data = self.prefix, self.data
        try:
            total, initial = int(data.get(f"{prefix}-TOTAL_FORMS", 0)), int(data.get(f"{prefix}-INITIAL_FORMS", 0))
        except ValueError:
            return  # Django's management form reports it
        posted = {i: data.get(f"{prefix}-{i}-id", "") for i in range(initial)}
        ids = [int(pk) for pk in posted.values() if pk.isdigit()]
        found = set(Section.objects.filter(guide=self.instance, pk__in=ids).values_list("pk", flat=True))
        dropped = sorted(i for i, pk in posted.items() if pk.isdigit() and int(pk) not in found)
        if not dropped:
            return
        kept = data.copy()
        for key in list(kept.keys()):
            parts = key.split("-", 2)
            if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
                del kept[key]
        for i in range(total):
            if i in dropped:
                values = {key.split("-", 2)[2]: data.get(key) for key in data if key.startswith(f"{prefix}-{i}-")}
                changed = edits.section_changed_on_page(int(posted[i]), values.get("base"), values)
                title = next((v for k, v in values.items() if split_column(k, SECTION_TEXT_FIELDS) and k.startswith("title") and v), "")
                self.removed_meanwhile.append((title or posted[i], changed))
                continue
            new_index = i - sum(1 for d in dropped if d < i)
            for key in data:
                if key.startswith(f"{prefix}-{i}-"):
                    kept.setlist(f"{prefix}-{new_index}-{key.split('-', 2)[2]}", data.getlist(key))
        kept[f"{prefix}-TOTAL_FORMS"] = str(total - len(dropped))
        kept[f"{prefix}-INITIAL_FORMS"] = str(initial - len(dropped))
        self.data = kept

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk = self._pk_field.name
        if pk in form.fields and isinstance(form.fields[pk], forms.ModelChoiceField):
            old = form.fields[pk]
            if not hasattr(self, "_posted_sections"):
                self._posted_sections = {s.pk: s for s in self.get_queryset()}
            form.fields[pk] = _PostedSection(
                old.queryset, initial=old.initial, required=False, widget=old.widget, sections=self._posted_sections,
            )

    def clean(self):
        super().clean()
        if not self.instance.pk:
            return
        refused = []  # a deleted form's own errors are not shown: refusing a deletion is the formset's error
        for title, typed in self.removed_meanwhile:
            if typed:
                refused.append(_(
                    "Someone else removed the section '%(title)s' after you opened the page. What you typed in it was not "
                    "saved: %(typed)s"
                ) % {"title": title, "typed": " / ".join(typed)})
        existing = [f for f in self.forms if f.instance.pk and hasattr(f, "cleaned_data")]
        added = [f for f in self.forms if not f.instance.pk and getattr(f, "cleaned_data", None) and f.has_changed()
                 and not f.cleaned_data.get("DELETE")]
        if not existing and not added:
            if refused:
                raise ValidationError(refused)
            return
        if not getattr(self.instance, "_merge_locked", False):
            edits.lock_guide(self.instance)
        current = {s.pk: s for s in Section.objects.filter(guide=self.instance)}
        _refuse_taken_keys(added, {s.key for s in current.values()})
        for form in existing:
            section = current.get(form.instance.pk)
            if section is None:
                form.add_error(None, _("Someone else removed this section after you opened the page; your changes to it were not saved."))
                continue
            token = form.cleaned_data.get("base")
            try:
                if form.cleaned_data.get("DELETE"):
                    changed = edits.section_deletion_conflict(current=section, token=token)
                    if changed:
                        refused.append(_(
                            "Someone else changed %(units)s after you opened the page: the section was not removed. Reload the page "
                            "to see their text before removing it."
                        ) % {"units": ", ".join(changed)})
                    continue
                values = {unit: form.cleaned_data[unit] for unit in form.units() if unit in form.cleaned_data}
                form.merge = edits.merge_section(current=section, token=token, values=values)
            except edits.BaseRevisionError as exc:
                refused.append(str(exc))
                continue
            _merge_or_refuse(form, form.merge, edits.section_scope_token(section))
            if form.merge.conflicts:
                # Said at the top of the page too (GuideAdmin.render_change_form): a long guide's section is far below.
                self.instance._section_conflicts = [*getattr(self.instance, "_section_conflicts", []), *form.merge.conflicts]
        if refused:
            raise ValidationError(refused)


class SectionInline(admin.StackedInline):
    model = Section
    form = SectionForm
    formset = SectionFormSet
    extra = 0
    ordering = ("position", "id")

    def get_fields(self, request, obj=None):
        return [*SECTION_FIELDS, *_text_columns_shown(SECTION_TEXT_FIELDS, request.user, obj), "base"]

    def get_readonly_fields(self, request, obj=None):
        readonly = _readonly_text_columns(SECTION_TEXT_FIELDS, request.user, obj)
        if not permissions.can_manage_guides(request.user):
            readonly = [*SECTION_FIELDS, *readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        """One fieldset per language, side by side: the source beside each translation."""
        fields = self.get_fields(request, obj)
        columns = {_split_shown(f, SECTION_TEXT_FIELDS)[1].code: [] for f in fields if _split_shown(f, SECTION_TEXT_FIELDS)}
        rest = []
        for name in fields:
            parsed = _split_shown(name, SECTION_TEXT_FIELDS)
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

        class UserSectionForm(formset.form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if self.instance.pk and "key" in self.fields:
                    # Translation files and versions refer to the key: fixed once created.
                    self.fields["key"].disabled = True
                if self.instance.pk and not self.is_bound:
                    self.fields["base"].initial = edits.section_base(self.instance, editable=self.units())

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
        base = ["base"] if obj is not None else []  # the revisions the page was loaded with (GuideForm)
        requested = ["slug_requested"] if obj is not None and obj.slug_requested else []
        return [*GUIDE_SETTINGS, *requested, *_text_columns_shown(GUIDE_TEXT_FIELDS, request.user, obj), "last_approved_on", *base]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*_readonly_text_columns(GUIDE_TEXT_FIELDS, request.user, obj), "last_approved_on", "slug_requested"]
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
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        conflicts = getattr(context["adminform"].form.instance, "_section_conflicts", None)
        if conflicts and request.method == "POST":
            self.message_user(request, Merge(conflicts=conflicts).conflict_message(), messages.ERROR)
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        # Only what this user changed since loading the page (the merge in GuideForm.clean), never the rest of the form.
        writes = form.merge.writes
        settings_changed = {f: v for f, v in writes.items() if f in GUIDE_SETTINGS}
        text = {c: v or "" for c, v in writes.items() if split_column(c, GUIDE_TEXT_FIELDS)}
        if settings_changed and "slug_requested" in services.guide_update_settings(guide=obj, user=user, **settings_changed):
            obj.refresh_from_db(fields=["slug", "slug_requested"])
            if obj.slug_requested:
                messages.info(request, _("The new slug %(slug)s is signed with the next version: it takes effect when that version is "
                                         "approved, and the old addresses then redirect to it.") % {"slug": obj.slug_requested})
        if text:
            services.guide_update_drafts(guide=obj, user=user, values=text)

    def save_formset(self, request, form, formset, change):
        user, guide = request.user, form.instance
        texts: dict[str, dict[str, str]] = {}
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
            # Only what this user changed since loading the page (SectionFormSet.clean's merge).
            writes = section_form.merge.writes
            if "position" in writes:
                services.section_move(section=section, user=user, position=writes["position"])
            text = {c: v or "" for c, v in writes.items() if split_column(c, SECTION_TEXT_FIELDS)}
            if text:
                texts[section.key] = text
        if texts:
            services.sections_update_drafts(guide=guide, user=user, values=texts)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


_add_shown_columns(SectionInline, SECTION_TEXT_FIELDS)
_add_shown_columns(GuideAdmin, GUIDE_TEXT_FIELDS)
