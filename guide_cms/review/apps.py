from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "guide_cms.review"
    label = "review"
    verbose_name = _("Clinical review")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system check
