"""Publishing in the admin: a Publish action on approved versions with a confirmation
page, a progress page while it runs, publications read-only."""
import logging

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guide_cms.core import permissions
from guide_cms.core.admin import ReadOnlyAdmin
from guide_cms.core.languages import get_language
from guide_cms.guides.models import Version
from guide_cms.review.admin import VersionAdmin

from . import export
from .models import Publication
from .selectors import live_channels_by_version
from .services import PublishRefused, publish_blockers, publish_version, translations_left_outdated

logger = logging.getLogger("guide_cms.publishing")
PROGRESS_MARK, SUMMARY_MARK = "<!-- progress -->", "<!-- summary -->"


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
            return self._publish_with_progress(request, versions)
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

    def _publish_with_progress(self, request, versions):
        """A page that shows each publication as it is done (each renders one guide), never a silent wait."""
        user = request.user
        context = {**self.admin_site.each_context(request), "title": _("Publishing"), "total": len(versions), "opts": self.model._meta}
        page = render_to_string("publishing/publish_progress.html", context, request)
        head, _mark, rest = page.partition(PROGRESS_MARK)
        middle, _mark, tail = rest.partition(SUMMARY_MARK)
        back = reverse("admin:guides_version_changelist")

        def lines():
            yield head
            done = refused = 0
            for number, version in enumerate(versions, start=1):
                yield format_html(
                    '<li><span class="gc-step">{}</span> ',
                    _("%(number)d of %(total)d: %(version)s…") % {"version": version, "number": number, "total": len(versions)},
                ) + " " * 1024  # past the browsers' first-paint buffer
                try:
                    result = publish_version(version=version, user=user)
                except (PublishRefused, PermissionDenied) as exc:
                    refused += 1
                    yield format_html('<strong class="gc-refused">{}</strong> {}</li>\n', _("refused, nothing recorded:"), str(exc))
                    continue
                except OSError as exc:  # the export folder: full, read-only, not allowed; rolled back, files untouched
                    logger.exception("Publishing %s failed", version.code)
                    refused += 1
                    yield format_html('<strong class="gc-refused">{}</strong> {}</li>\n', _(
                        "failed, nothing recorded: the export folder could not be written. Tell whoever runs guide_cms:"
                    ), f"{exc.strerror or exc}: {exc.filename or ''}")
                    continue
                except Exception:  # noqa: BLE001 - the page must say so; the transaction was rolled back
                    logger.exception("Publishing %s failed", version.code)
                    refused += 1
                    yield format_html('<strong class="gc-refused">{}</strong></li>\n', _("failed, nothing recorded; see the server log."))
                    continue
                done += 1
                figures = "; ".join(
                    _("%(channel)s: %(rendered)d rendered, %(reused)d reused") % {
                        "channel": export.get_channel(r.channel).label, "rendered": len(r.rendered), "reused": len(r.reused)}
                    for r in result.reports
                )
                yield format_html('<strong class="gc-done">{}</strong> ({})', _("published and exported"), figures)
                if result.failures:
                    yield format_html(
                        '<ul class="gc-failures">{}</ul>',
                        format_html_join("", "<li>{}</li>", ((f,) for f in result.failures)),
                    )
                yield "</li>\n"
            summary = ngettext("%(done)d version published", "%(done)d versions published", done) % {"done": done}
            if refused:
                summary += ", " + ngettext("%(refused)d refused", "%(refused)d refused", refused) % {"refused": refused}
            yield middle
            yield format_html('<p role="status"><strong>{}.</strong> <a href="{}">{}</a></p>', summary, back, _("Back to the versions"))
            yield tail

        response = StreamingHttpResponse(lines(), content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # proxies pass each line on at once
        return response


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
