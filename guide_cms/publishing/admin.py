"""Publishing in the admin: a Publish action on approved versions with a confirmation
page, then one background job for the batch (publishing.jobs) and its page; publications read-only."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core import permissions
from guide_cms.core.admin import ReadOnlyAdmin
from guide_cms.core.languages import get_language
from guide_cms.guides.models import Version
from guide_cms.review.admin import VersionAdmin

from . import export
from .jobs import effective_state, enqueue_publish
from .models import Publication, PublishJob, PublishJobState
from .selectors import live_channels_by_version
from .services import publish_blockers, translations_left_outdated


class LiveChannelsChangeList(ChangeList):
    """Marks each listed version with the channels it is live on, in one query."""

    def get_results(self, request):
        super().get_results(request)
        live = live_channels_by_version([v.pk for v in self.result_list])
        for version in self.result_list:
            version.live_channels = live.get(version.pk, [])


class PublishingVersionAdmin(VersionAdmin):
    actions = ["publish"]

    def get_changelist(self, request, **kwargs):
        return LiveChannelsChangeList

    def get_list_display(self, request):
        names = list(super().get_list_display(request))
        names.insert(names.index("status") + 1, "live_on")
        return names

    @admin.display(description=gettext_lazy("live on"))
    def live_on(self, version):
        channels = getattr(version, "live_channels", None)
        if channels is None:  # a page that did not go through the list
            channels = live_channels_by_version([version.pk]).get(version.pk, [])
        if not channels:
            return "—"
        return format_html_join(" · ", '<span class="gc-live">{}</span>', ((label,) for label in channels))

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
        if request.POST.get("confirmed") == "yes":
            return self._enqueue(request, versions)
        live = {(p.guide_id, p.language, p.channel): p.version.number for p in Publication.objects.live().select_related("version")}
        blockers = {version.pk: publish_blockers(version) for version in versions}
        # A translation published in the same batch replaces its live version: that one is not left outdated.
        replaced_too = {(version.guide_id, version.language) for version in versions if not blockers[version.pk]}
        rows = []
        for version in versions:
            changes = [(export.get_channel(c).label, live.get((version.guide_id, version.language, c))) for c in export.channel_names()]
            left = [] if blockers[version.pk] else [
                item for item in translations_left_outdated(version) if (version.guide_id, item.language) not in replaced_too]
            rows.append({
                "version": version, "blockers": blockers[version.pk], "changes": changes,
                "left_outdated": [(get_language(item.language).display_name, item) for item in left],
            })
        publishable = sum(1 for row in rows if not row["blockers"])
        # Cancel returns to the list as it was (its filters and page).
        back = reverse("admin:guides_version_changelist") + (f"?{request.GET.urlencode()}" if request.GET else "")
        context = {**self.admin_site.each_context(request), "title": _("Publish versions"), "rows": rows, "publishable": publishable,
                   "back": back, "queryset": queryset, "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "publishing/confirm_publish.html", context)

    def _enqueue(self, request, versions):
        """One job for the whole batch, run in the background; its page shows how it goes (303: a reload
        of that page never posts again)."""
        job = enqueue_publish(versions, request.user)
        return HttpResponseRedirect(reverse("publishing:job", args=[job.pk]), status=303)


admin.site.unregister(Version)
admin.site.register(Version, PublishingVersionAdmin)


class ChannelFilter(admin.SimpleListFilter):
    """The configured channels by their names in the interface language ("folletos", not "handouts")."""

    title = gettext_lazy("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [(name, export.get_channel(name).label) for name in export.channel_names()]

    def queryset(self, request, queryset):
        return queryset.filter(channel=self.value()) if self.value() else queryset


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("guide_title", "language", "channel_label", "version_name", "is_live", "withdrawn_at", "published_by", "published_at")
    list_filter = ("is_live", ChannelFilter, "language")
    list_select_related = ("guide", "version__guide", "published_by")

    def get_queryset(self, request):
        return permissions.readable_history(request.user, super().get_queryset(request))

    def get_fields(self, request, obj=None):
        # The channel by its name in the interface language on the record's page too, as in the list.
        fields = [name for name in super().get_fields(request, obj) if name != "channel_label"]
        return ["channel_label" if name == "channel" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "channel_label"]

    @admin.display(description=gettext_lazy("guide"), ordering="guide")
    def guide_title(self, publication):
        return format_html("<bdi>{}</bdi>", publication.guide)

    @admin.display(description=gettext_lazy("channel"), ordering="channel")
    def channel_label(self, publication):
        try:
            return export.get_channel(publication.channel).label
        except export.ChannelError:  # a channel no longer configured
            return publication.channel

    @admin.display(description=gettext_lazy("version"), ordering="version")
    def version_name(self, publication):
        return format_html("<bdi>{}</bdi>", publication.version)


@admin.register(PublishJob)
class PublishJobAdmin(ReadOnlyAdmin):
    """The publish jobs, newest first, for publishers: each opens its page (publishing.views.publish_job)."""

    list_display = ("requested_at", "requested_by", "state_shown", "batch")
    list_select_related = ("requested_by",)

    def has_view_permission(self, request, obj=None):
        return permissions.can_publish(request.user)

    def has_module_permission(self, request):
        return permissions.can_publish(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            return super().change_view(request, object_id, form_url, extra_context)
        return HttpResponseRedirect(reverse("publishing:job", args=[object_id]))

    @admin.display(description=gettext_lazy("state"))
    def state_shown(self, job):
        return format_html('<a href="{}">{}</a>', reverse("publishing:job", args=[job.pk]),
                           PublishJobState(effective_state(job)).label)

    @admin.display(description=gettext_lazy("versions"))
    def batch(self, job):
        return format_html_join(" · ", "<bdi>{}</bdi>", ((item["label"],) for item in job.versions))
