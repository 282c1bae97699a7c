"""User administration with each user's signature profile and language assignments.

Every write goes through core.services, which audits it; this is glue.
"""
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from django import forms
from django.shortcuts import render
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit_display, credentials, permissions, second_factor, services
from .languages import UnknownLanguage, get_language
from .models import AuditEvent, LanguageAssignment, StaffProfile
from .roles import GROUP_ROLES, ROLE_GROUPS, Role, group_label
from .views import bad_request

User = get_user_model()

# Django's own words on the user page that its Arabic (and Vietnamese) catalogues lack: the project's catalogues,
# read first, translate them; named here so that extraction keeps them in the catalogues.
DJANGO_WORDS = (
    gettext_noop("Reset password"),
    gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password."),
)


class InvalidPostIsBadRequest:
    """Malformed writes answer 400 with the reason, like every refused write, never 500:
    a change form that comes back with errors, or an action on a selection that is not ids."""

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        if request.method == "POST":
            response.status_code = 400
        return response

    def response_action(self, request, queryset):
        pk = self.model._meta.pk
        try:
            for value in request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME):
                pk.to_python(value)
        except ValidationError:
            return bad_request(request, _("The selection is not a list of %(items)s.") % {"items": self.model._meta.verbose_name_plural})
        return super().response_action(request, queryset)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0


class LanguageAssignmentInline(admin.TabularInline):
    model = LanguageAssignment
    extra = 0


admin.site.unregister(User)
admin.site.unregister(Group)
# Authenticator apps are set up by their owners (second_factor) and removed, audited, on the account's password page:
# django-otp's own admin would let a superuser add or re-key someone's app outside the sealed trail.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


class AccountManagersOnly:
    """Only superusers manage accounts and role groups: a model permission such as
    auth.change_user would otherwise let a staff member make themself a superuser."""

    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    has_add_permission = has_module_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(Group)
class RoleGroupAdmin(AccountManagersOnly, GroupAdmin):
    """The role groups: their permissions are managed by superusers only, like accounts; a role's group keeps
    its name and cannot be deleted (roles are read from group names); every change is audited (core.services)."""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))  # the form's fields, then the read-only ones
        if obj is not None and obj.name in GROUP_ROLES:
            return ["role_group_name", *(name for name in fields if name not in ("name", "role_group_name"))]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return ("role_group_name",) if obj is not None and obj.name in GROUP_ROLES else ()

    @admin.display(description=Group._meta.get_field("name").verbose_name)  # Django's "name", in its catalogues
    def role_group_name(self, group):
        """A role's group by its name in the interface language, and the English name the database and scripts use."""
        stored = format_html('<bdi lang="en" dir="ltr">{}</bdi>', group.name)
        note = mark_safe(conditional_escape(_("Stored as %(name)s (scripts use this name).")) % {"name": stored})  # noqa: S308
        return format_html('{}<div class="help">{}</div>', group_label(group.name), note)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.name not in GROUP_ROLES)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletion would bypass the service
        return actions

    def save_model(self, request, obj, form, change):
        try:
            services.group_save(actor=request.user, group=obj, name=obj.name, permissions=form.cleaned_data.get("permissions", []))
        except services.RoleGroupFixed as exc:
            raise PermissionDenied(str(exc)) from None

    def save_related(self, request, form, formsets, change):
        pass  # the permissions were set with the group, by the service

    def delete_model(self, request, obj):
        try:
            services.group_delete(actor=request.user, group=obj)
        except services.RoleGroupFixed as exc:
            raise PermissionDenied(str(exc)) from None


class AccountCreationForm(forms.ModelForm):
    """A new account: who it is and where its owner reads mail. No password: its owner sets one through the
    link sent to that address (core.credentials); an administrator never knows it."""

    class Meta:
        model = User
        fields = ("username", "email", "first_name", "last_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _lazy("The owner's own address: the link to set a password is sent there.")


@admin.register(User)
class UserAdmin(AccountManagersOnly, InvalidPostIsBadRequest, DjangoUserAdmin):
    inlines = [StaffProfileInline, LanguageAssignmentInline]
    list_display = ("username", "printed_name", "is_active", "roles", "languages")
    list_filter = ("groups", "is_active", "language_assignments__language")
    readonly_fields = ("last_login", "date_joined")
    add_form = AccountCreationForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "email", "first_name", "last_name")}),)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = services.account_create(
                actor=request.user, username=data["username"], password=None,
                email=data["email"], first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
                is_staff=True,  # every role works in the admin: an account that cannot log in there is no account
            )
            # The inline formsets were bound to obj; give it the new row's identity.
            obj.pk, obj.password, obj._state.adding = created.pk, created.password, False
            obj._send_password_link = True
            return
        values = {name: data[name] for name in services.ACCOUNT_FIELDS if name in form.changed_data}
        if values:
            services.account_update(actor=request.user, user=obj, values=values)

    def delete_model(self, request, obj):
        services.account_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(actor=request.user, user=user)

    def save_related(self, request, form, formsets, change):
        """Roles and language assignments through one audited service; the profile through another."""
        data, languages = form.cleaned_data, None
        for formset in formsets:
            if formset.model is LanguageAssignment:
                languages = [
                    (f.cleaned_data["role"], f.cleaned_data["language"])
                    for f in formset.forms
                    if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("role")
                ]
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change=change)
        services.account_set_roles(
            actor=request.user, user=form.instance, groups=data.get("groups"), permissions=data.get("user_permissions"), languages=languages
        )
        if getattr(form.instance, "_send_password_link", False):
            self._send_link(request, form.instance, new_account=True)

    def _send_link(self, request, user, new_account: bool = False) -> bool:
        try:
            address = credentials.send_password_link(actor=request.user, user=user, request=request, new_account=new_account)
        except credentials.CredentialRefused as exc:
            messages.error(request, str(exc))
            return False
        messages.success(request, _("A one-time link to set a password was sent to %(address)s. Only its owner can use it.") % {
            "address": address})
        return True

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffProfile:
            super().save_formset(request, form, formset, change)
            return
        for profile_form in formset.forms:
            data = getattr(profile_form, "cleaned_data", None)
            if data and profile_form.has_changed():
                services.staff_profile_update(
                    actor=request.user, user=form.instance, printed_name=data["printed_name"], credentials=data.get("credentials") or ""
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def user_change_password(self, request, id, form_url=""):
        """Another user's password: never typed here. Send its owner a one-time link, or disable password login."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if user.pk == request.user.pk:
            return HttpResponseRedirect(reverse("admin:password_change"))
        if request.method == "POST":
            if "unset-password" in request.POST:
                services.account_set_password(actor=request.user, user=user, password=None)
                messages.success(request, _("Password-based authentication was disabled."))
            elif "remove-second-factor" in request.POST:
                second_factor.remove(actor=request.user, user=user)
                messages.success(request, _("The authenticator app of %(user)s was removed: they set up a new one themself.") % {
                    "user": user.get_username()})
            elif "send-link" in request.POST:
                if not self._send_link(request, user):
                    return HttpResponseRedirect(request.path)
            else:
                return bad_request(request, _("Nothing was asked for."))
            return HttpResponseRedirect(reverse(f"{self.admin_site.name}:auth_user_change", args=[user.pk]))
        context = {**self.admin_site.each_context(request), "title": _("Password of %(user)s") % {"user": user.get_username()},
                   "account": user, "hold": credentials.address_hold(user), "opts": self.opts,
                   "has_second_factor": second_factor.confirmed_device(user) is not None}
        return render(request, "core/password_link.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile").prefetch_related("groups", "language_assignments")

    @admin.display(description=_lazy("printed name"))
    def printed_name(self, user):
        profile = getattr(user, "staff_profile", None)
        return format_html("<bdi>{}</bdi>", profile.printed_name) if profile else ""

    @admin.display(description=_lazy("roles"))
    def roles(self, user):
        names = {role_group: str(role.label) for role, role_group in ROLE_GROUPS.items()}
        return ", ".join(sorted(names.get(g.name, g.name) for g in user.groups.all()))

    @admin.display(description=_lazy("languages"))
    def languages(self, user):
        rows = []
        for a in user.language_assignments.all():
            try:
                name = get_language(a.language).display_name
            except UnknownLanguage:
                name = a.language
            rows.append(f"{name} ({Role(a.role).label})")
        return ", ".join(rows)


class ReadOnlyAdmin(InvalidPostIsBadRequest, admin.ModelAdmin):
    """For records nobody edits here, superusers included (history, signatures)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_content(request.user)

    def has_module_permission(self, request):
        return permissions.can_view_content(request.user)


def _scope_guide_id(scope: str) -> int | None:
    parts = (scope or "").split(":")
    return int(parts[1]) if len(parts) >= 2 and parts[0] == "guide" and parts[1].isdigit() else None


def _scope_language(scope: str) -> str:
    parts = (scope or "").split(":")
    if parts[0] == "guide" and len(parts) == 3:
        return parts[2]
    if parts[0] == "glossary" and len(parts) == 2:
        return parts[1]
    return ""


class AuditActionFilter(admin.SimpleListFilter):
    title = _lazy("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        return sorted(((a, audit_display.action_label(a)) for a in actions), key=lambda item: item[1].casefold())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditGuideFilter(admin.SimpleListFilter):
    title = _lazy("guide")
    parameter_name = "guide"

    def lookups(self, request, model_admin):
        registered = audit_display.scope_model("guide")
        if registered is None:
            return []
        model, ordering = registered
        return [(str(g.pk), str(g)) for g in model.objects.order_by(ordering)]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        scope = f"guide:{self.value()}"
        return queryset.filter(Q(scope=scope) | Q(scope__startswith=f"{scope}:"))


class AuditUserFilter(admin.SimpleListFilter):
    title = _lazy("user")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        labels = model_admin.get_queryset(request).order_by().values_list("actor_label", flat=True).distinct()
        names = {label: audit_display.actor_name(label) for label in labels}
        return [(label, names[label]) for label in sorted(labels, key=lambda label: names[label].casefold())]

    def queryset(self, request, queryset):
        return queryset.filter(actor_label=self.value()) if self.value() else queryset


class AuditChangeList(ChangeList):
    """Loads the guides the listed events are about, in one query."""

    def get_results(self, request):
        super().get_results(request)
        ids = {_scope_guide_id(event.scope) for event in self.result_list} - {None}
        registered = audit_display.scope_model("guide")
        guides = registered[0].objects.in_bulk(ids) if ids and registered else {}
        links = permissions.can_manage_accounts(request.user)
        for event in self.result_list:
            event.guide = guides.get(_scope_guide_id(event.scope))
            event.link_actor = links


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "who", "what", "about", "summary")
    list_display_links = ("created_at",)
    list_filter = (AuditActionFilter, AuditGuideFilter, AuditUserFilter, ("created_at", admin.DateFieldListFilter))
    date_hierarchy = "created_at"
    search_fields = ("actor_label", "action", "object_id", "scope")
    readonly_fields = ("created_at", "who", "what", "about", "changes", "object_type", "object_id", "scope", "data", "prev_hash", "hash")
    fields = readonly_fields

    def get_queryset(self, request):
        return permissions.readable_audit_events(request.user, super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    @admin.display(description=_lazy("who"), ordering="actor_label")
    def who(self, event):
        # The name, not a link: the account page is for account managers only, and a link others follow is a 403.
        if event.actor_id and getattr(event, "link_actor", False):
            return format_html('<a href="{}"><bdi>{}</bdi></a>', reverse("admin:auth_user_change", args=[event.actor_id]), event.actor_label)
        return format_html("<bdi>{}</bdi>", audit_display.actor_name(event.actor_label, event.actor_id))

    @admin.display(description=_lazy("what"), ordering="action")
    def what(self, event):
        return audit_display.action_label(event.action, event.data)

    @admin.display(description=_lazy("about"))
    def about(self, event):
        guide = getattr(event, "guide", None)
        guide_id = _scope_guide_id(event.scope)
        registered = audit_display.scope_model("guide")
        if guide is None and guide_id is not None and not hasattr(event, "guide") and registered:
            guide = registered[0].objects.filter(pk=guide_id).first()
        code = _scope_language(event.scope)
        language = ""
        if code:
            try:
                language = get_language(code).display_name
            except UnknownLanguage:
                language = code
        if guide is not None:
            return format_html("<bdi>{}</bdi>{}", guide, f" · {language}" if language else "")
        if event.scope.startswith("glossary:"):
            return _("glossary") + (f" · {language}" if language else "")
        if isinstance(event.data, dict) and event.data.get("user"):
            return format_html("<bdi>{}</bdi>", event.data["user"])
        return "—"

    @admin.display(description=_lazy("changes"))
    def summary(self, event):
        # Field names, or a reason or comment as typed (often in another direction than the page): isolated.
        text = audit_display.change_summary(event)
        return format_html("<bdi>{}</bdi>", text) if text else ""

    @admin.display(description=_lazy("old and new values"))
    def changes(self, event):
        return audit_display.changes_html(event) or "—"

    def get_object(self, request, object_id, from_field=None):
        event = super().get_object(request, object_id, from_field)
        if event is not None:
            event.link_actor = permissions.can_manage_accounts(request.user)
        return event
