from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from guide_cms.core import views as core_views

admin.site.site_header = "guide_cms"
admin.site.site_title = "guide_cms"
admin.site.index_title = _("Patient guides")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("guide_cms.review.urls")),
    path("admin/notifications/", include("guide_cms.notifications.urls")),
    # One's own password: the old one is checked through the login throttle,
    # and only a password its owner set can sign (before the admin's own view).
    path("admin/password_change/", admin.site.admin_view(core_views.password_change)),
    path("admin/", admin.site.urls),
]

# A refusal says why, in the admin's look, and is audited.
handler403 = "guide_cms.core.views.permission_denied"
