from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guide_cms.core"
    label = "core"
    verbose_name = _("Roles and languages")
