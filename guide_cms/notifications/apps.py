from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "guide_cms.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from guide_cms.core.signals import audit_events_appended

        from .services import on_audit_events

        audit_events_appended.connect(on_audit_events, dispatch_uid="guide_cms.notifications")
