from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalizationConfig(AppConfig):
    name = "guide_cms.localization"
    label = "localization"
    verbose_name = _("Translation")

    def ready(self):
        from django.core.checks import register

        from django.db.models.signals import post_delete

        from .memory import memory_deleted
        from .models import MemoryEntry
        from .system_checks import check_fact_words

        register(check_fact_words)
        # A deleted pair must leave the fuzzy indexes of every process (memory.fuzzy_index).
        post_delete.connect(memory_deleted, sender=MemoryEntry, dispatch_uid="memory_deleted")
