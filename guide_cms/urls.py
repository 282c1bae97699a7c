from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from guide_cms.core import views as core_views

admin.site.site_header = "guide_cms"
admin.site.site_title = "guide_cms"
admin.site.index_title = _("Patient guides")
# Lists with a column per language need the width: the index page and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False
admin.site.login_form = core_views.LoginForm
# "View site": the exported site, served here in the demo, at its configured address in production.
admin.site.site_url = "/site/" if settings.GUIDE_CMS_SERVE_SITE else settings.GUIDE_CMS_SITE_URL

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/review/", include("guide_cms.review.urls")),
    path("admin/notifications/", include("guide_cms.notifications.urls")),
    # A publish job's page and its state (publishing.jobs), before the admin's own publishing/ pages.
    path("admin/publishing/", include("guide_cms.publishing.urls")),
    # One's own password: the old one is checked through the login throttle,
    # and only a password its owner set can sign (before the admin's own view).
    path("admin/password_change/", admin.site.admin_view(core_views.password_change)),
    # Credentials are (re)set only by a one-time link to the owner's address (core.credentials).
    path("admin/password_reset/", core_views.OwnerPasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("admin/reset/<uidb64>/<token>/", core_views.OwnerPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("admin/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("admin/account/address/", admin.site.admin_view(core_views.address_confirm), name="address_confirm"),
    path("admin/account/second-factor/", admin.site.admin_view(core_views.second_factor_setup), name="second_factor"),
    path("admin/", admin.site.urls),
]

if settings.GUIDE_CMS_SERVE_SITE:
    from guide_cms.publishing.views import exported_site

    urlpatterns.append(re_path(r"^site/(?P<path>.*)$", exported_site, name="exported-site"))

# A refusal says why, in the admin's look, and is audited.
handler403 = "guide_cms.core.views.permission_denied"
