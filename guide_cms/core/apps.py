from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "guide_cms.core"
    label = "core"
    verbose_name = _("Roles and languages")

    def ready(self):
        from django.contrib.auth.models import Group

        from .heap import keep_large_blocks_apart
        from .roles import group_label

        # Argon2's 19 MiB work area (and other large blocks) go back to the system when freed, in every process.
        keep_large_blocks_apart()

        # The admin prints a group wherever it shows one (the user page's role picker, the group list, the
        # users' filter, titles and breadcrumbs) with str(): a role's group in the reader's language there.
        # Only the display: Group.name, which scripts and the role checks read, stays English.
        Group.__str__ = lambda group: group_label(group.name)

        # django-axes and django-otp's TOTP plugin name no app (the admin shows "Axes" and "Otp_Totp", in every
        # language): their index headings and breadcrumbs, in the reader's language.
        from django.apps import apps

        for label, name in (("axes", _("Login throttle")), ("otp_totp", _("Authenticator apps"))):
            try:
                apps.get_app_config(label).verbose_name = name
            except LookupError:  # not installed (a settings module without the second factor, say)
                continue
