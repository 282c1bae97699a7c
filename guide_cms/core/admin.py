"""User administration with each user's signature profile and language assignments."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from . import permissions
from .models import AuditEvent, LanguageAssignment, StaffProfile
from .services import record_role_change, role_summary

User = get_user_model()


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0


class LanguageAssignmentInline(admin.TabularInline):
    model = LanguageAssignment
    extra = 0


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [StaffProfileInline, LanguageAssignmentInline]
    list_display = ("username", "printed_name", "is_active", "roles", "languages")
    list_filter = ("groups", "is_active", "language_assignments__language")

    def save_related(self, request, form, formsets, change):
        """Record every change of a user's roles or language assignments."""
        user = form.instance
        before = role_summary(user) if change else {"groups": [], "languages": []}
        super().save_related(request, form, formsets, change)
        record_role_change(actor=request.user, user=user, before=before)

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


class ReadOnlyAdmin(admin.ModelAdmin):
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
