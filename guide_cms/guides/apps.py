from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guide_cms.guides"
    label = "guides"
    verbose_name = _("Guides")

    def ready(self):
        from guide_cms.core.audit_display import register_scope_model

        from .models import Guide

        # The audit pages (core's admin) name the guide a "guide:<pk>…" scope is about, and filter by it.
        register_scope_model("guide", Guide, ordering="slug")
