from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = "guide_cms"
admin.site.site_title = "guide_cms"
admin.site.index_title = _("Patient guides")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("guide_cms.review.urls")),
    path("admin/notifications/", include("guide_cms.notifications.urls")),
    path("admin/", admin.site.urls),
]
