"""Publishing in the admin: live states on the guide list, a Publish action
on approved versions with a confirmation page, publications read-only."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core import permissions
from guide_cms.guides.models import Version
from guide_cms.core.admin import ReadOnlyAdmin
from guide_cms.review.admin import VersionAdmin

from . import export
from .channels.base import ChannelError
from .entries import ExportRefused
from .models import Publication
from .services import PublishRefused, export_channels, publish_blockers, publish_version


class PublishingVersionAdmin(VersionAdmin):
    actions = ["publish"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not permissions.can_publish(request.user):
            actions.pop("publish", None)
        return actions

    @admin.action(description=gettext_lazy("Publish the selected approved versions"))
    def publish(self, request, queryset):
        if not permissions.can_publish(request.user):
            raise PermissionDenied
        versions = list(queryset.select_related("guide", "source_version").order_by("guide__slug", "language", "number"))
        live = {(p.guide_id, p.language, p.channel): p.version.number for p in Publication.objects.live().select_related("version")}
        rows = []
        for version in versions:
            blockers = publish_blockers(version)
            changes = [(c, live.get((version.guide_id, version.language, c))) for c in export.channel_names()]
            rows.append({"version": version, "blockers": blockers, "changes": changes})
        if request.POST.get("confirmed") != "yes":
            context = {**self.admin_site.each_context(request), "title": _("Publish versions"), "rows": rows,
                       "queryset": queryset, "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
            return TemplateResponse(request, "publishing/confirm_publish.html", context)
        published = []
        for row in rows:
            try:
                publish_version(version=row["version"], user=request.user)
                published.append(row["version"])
            except PublishRefused as exc:
                self.message_user(request, f"{row['version']}: {exc}", messages.ERROR)
        if published:
            try:
                export_channels(user=request.user)
            except (ChannelError, ExportRefused) as exc:
                self.message_user(request, _("Published, but the export failed and the previous files were kept: %(error)s") % {"error": exc}, messages.ERROR)
                return None
            self.message_user(request, _("Published and exported: %(versions)s.") % {"versions": ", ".join(map(str, published))}, messages.SUCCESS)
        return None


admin.site.unregister(Version)
admin.site.register(Version, PublishingVersionAdmin)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("guide", "language", "channel", "version", "is_live", "withdrawn_at", "published_by", "published_at")
    list_filter = ("is_live", "channel", "language")
    list_select_related = ("guide", "version__guide", "published_by")

    def get_queryset(self, request):
        return permissions.readable_history(request.user, super().get_queryset(request))
