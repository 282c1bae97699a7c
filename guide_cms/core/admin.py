"""User administration with each user's signature profile and language assignments.

Every write goes through core.services, which audits it; this is glue.
"""
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import permissions, services
from .models import AuditEvent, LanguageAssignment, StaffProfile
from .views import bad_request

User = get_user_model()


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


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The role groups: their permissions are managed by superusers only, like accounts."""

    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    has_add_permission = has_module_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


@admin.register(User)
class UserAdmin(InvalidPostIsBadRequest, DjangoUserAdmin):
    inlines = [StaffProfileInline, LanguageAssignmentInline]
    list_display = ("username", "printed_name", "is_active", "roles", "languages")
    list_filter = ("groups", "is_active", "language_assignments__language")
    readonly_fields = ("last_login", "date_joined")

    # Only superusers manage accounts: a model permission such as auth.change_user
    # would otherwise let a staff member make themself a superuser.
    def has_module_permission(self, request):
        return permissions.can_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_manage_accounts(request.user)

    has_add_permission = has_module_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            password = data.get("password1") if data.get("set_usable_password", True) else None
            created = services.account_create(actor=request.user, username=data["username"], password=password or None)
            # The inline formsets were bound to obj; give it the new row's identity.
            obj.pk, obj.password, obj._state.adding = created.pk, created.password, False
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not StaffProfile:
            return super().save_formset(request, form, formset, change)
        for profile_form in formset.forms:
            data = getattr(profile_form, "cleaned_data", None)
            if data and profile_form.has_changed():
                services.staff_profile_update(
                    actor=request.user, user=form.instance, printed_name=data["printed_name"], credentials=data.get("credentials") or ""
                )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def user_change_password(self, request, id, form_url=""):
        """Set another user's password (through the audited service); Django renders the form."""
        if request.method == "POST":
            user = self.get_object(request, unquote(id))
            if user is None:
                raise Http404
            if not self.has_change_permission(request, user):
                raise PermissionDenied
            form = self.change_password_form(user, request.POST)
            if form.is_valid() and (form.cleaned_data["set_usable_password"] or "unset-password" in request.POST):
                password = form.cleaned_data["password1"] if form.cleaned_data["set_usable_password"] else None
                services.account_set_password(actor=request.user, user=user, password=password)
                self.log_change(request, user, self.construct_change_message(request, form, None))
                if password is None:
                    messages.success(request, _("Password-based authentication was disabled."))
                elif user.pk == request.user.pk:
                    messages.success(request, _("Password changed successfully."))
                else:
                    messages.success(
                        request,
                        _("Password set. %(user)s cannot sign until they have changed it themself.") % {"user": user.get_username()},
                    )
                if user.pk == request.user.pk:
                    update_session_auth_hash(request, user)
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:auth_user_change", args=[user.pk]))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 200:
            response.status_code = 400  # the form came back with errors
        return response

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_profile").prefetch_related("groups", "language_assignments")

    @admin.display(description="printed name")
    def printed_name(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.printed_name if profile else ""

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(sorted(g.name for g in user.groups.all()))

    @admin.display(description="languages")
    def languages(self, user):
        return ", ".join(f"{a.language} ({a.role})" for a in user.language_assignments.all())


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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "object_type", "object_id", "scope")
    list_filter = ("action",)
    search_fields = ("actor_label", "action", "object_id", "scope")
    readonly_fields = ("created_at", "actor", "actor_label", "action", "object_type", "object_id", "scope", "data", "prev_hash", "hash")
    fields = readonly_fields

    def get_queryset(self, request):
        return permissions.readable_audit_events(request.user, super().get_queryset(request))
