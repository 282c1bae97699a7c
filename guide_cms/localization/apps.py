from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalizationConfig(AppConfig):
    name = "guide_cms.localization"
    label = "localization"
    verbose_name = _("Translation")

    def ready(self):
        from django.core.checks import register

        from .system_checks import check_fact_words

        register(check_fact_words)
