from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "guide_cms.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        # Publishing reacts to review (the safety withdrawal) and answers its questions: connected here, not in settings.
        from . import reactions

        reactions.connect()
