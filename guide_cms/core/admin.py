"""User administration with each user's signature profile and language assignments."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import LanguageAssignment, StaffProfile

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
