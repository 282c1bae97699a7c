"""Review in the admin: per-language states on the guide list, versions and
signatures read-only. Writes go through review.services (see views.py)."""
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core import permissions
from guide_cms.core.admin import ReadOnlyAdmin
from guide_cms.core.languages import all_languages
from guide_cms.core.languages import get_language
from guide_cms.guides.admin import GuideAdmin, SectionInline
from guide_cms.localization.selectors import translation_overviews
from guide_cms.guides.models import ChangeClass, Guide, Version

from .models import Signature
from .selectors import guide_statuses


def _state_html(status, guide, user, files=False):
    html = format_html('<span class="gc-state">{}</span>', status.label)
    if status.live_number:
        html += format_html('<br><span class="gc-state-live">{}</span>', _("v%(number)d is live") % {"number": status.live_number})
    for problem in status.export_problems:
        html += format_html('<br><strong class="gc-export-problem" role="status">{} {}</strong>', _("Not on the channels as published:"), problem)
    if status.changed_since_submitted:
        html += format_html('<br><span class="gc-state-changed">{}</span>', _("changed since submitted"))
    if status.has_something_to_submit and permissions.can_edit_language(user, status.language, guide):
        html += format_html(' <a href="{}">{}</a>', reverse("review:submit", args=[guide.pk, status.language]), _("submit"))
    if files and status.language != guide.source_language:
        links = [(reverse("review:download", args=[guide.slug, status.language, fmt]), label)
                 for fmt, label in (("xliff", "XLIFF 1.2"), ("xliff2", "XLIFF 2.0"), ("po", "PO"))]
        links.append((reverse("review:segments", args=[guide.slug, status.language]), _("sentence by sentence")))
        html += format_html(" · {}", format_html_join(" · ", '<a href="{}">{}</a>', links))
    return html


def _language_column(lang):
    def column(guide):
        return _state_html(guide.language_statuses[lang.code], guide, guide.viewer)

    column.short_description = lazy(lambda: lang.display_name, str)()
    column.__name__ = f"state_{lang.field_suffix}"
    return column


class StatusChangeList(ChangeList):
    """Adds each guide's per-language states to the page, in three queries."""

    def get_results(self, request):
        super().get_results(request)
        statuses = self.model_admin.statuses(self.result_list)
        for guide in self.result_list:
            guide.language_statuses, guide.viewer = statuses[guide.pk], request.user


class SectionWithStatesInline(SectionInline):
    """Sections with each visible translation's state: empty, translated, changed, outdated."""

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "translation_states"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "translation_states"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        states = getattr(obj, "section_states", {})

        class StatesForm(formset.form):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.instance.translation_states = {code: per.get(self.instance.key) for code, per in states.items()}

        formset.form = StatesForm
        return formset

    @admin.display(description=gettext_lazy("translations"))
    def translation_states(self, section):
        """Each visible translation's state; for an outdated one, what changed in the source since it was translated."""
        html = mark_safe("")  # noqa: S308 - empty; everything added is format_html
        for code, overview in getattr(section, "translation_states", {}).items():
            if not overview:
                continue
            lang, source_language = get_language(code), get_language(section.guide.source_language)
            source = (source_language.bcp47, source_language.direction)  # the diff is of the source: its language, not the page's
            html += format_html('<div class="gc-section-state gc-section-{}">{}: <strong>{}</strong></div>', overview.state, lang.display_name, overview.state.label)
            if overview.stale_segments:
                pairs = [(seg.id, *source, seg.source_diff_html, lang.bcp47, lang.direction, seg.translation) for seg in overview.stale_segments]
            elif overview.source_diff_html:
                pairs = [(section.key, *source, overview.source_diff_html, lang.bcp47, lang.direction, overview.body)]
            else:
                continue
            html += format_html(
                '<div class="gc-source-diff"><p>{}</p>{}</div>',
                _("What changed in the source since the %(language)s translation:") % {"language": lang.display_name},
                format_html_join(
                    "", '<div class="gc-pair"><div><code>{}</code><div class="gc-text" lang="{}" dir="{}">{}</div></div>'
                    '<div lang="{}" dir="{}"><div class="gc-text">{}</div></div></div>', pairs,
                ),
            )
        return html or "—"


class ReviewGuideAdmin(GuideAdmin):
    inlines = [SectionWithStatesInline]

    def statuses(self, guides):
        return guide_statuses(guides)
    def get_changelist(self, request, **kwargs):
        return StatusChangeList

    def get_list_display(self, request):
        return ["guide_title", "safety_critical", "next_review_due", *(_language_column(lang) for lang in all_languages())]

    def get_list_display_links(self, request, list_display):
        return ["guide_title"]

    @admin.display(description=gettext_lazy("guide"), ordering="slug")
    def guide_title(self, guide):
        # The title is in the source language: isolated, so an Arabic page keeps its punctuation in place.
        return format_html('<bdi lang="{}">{}</bdi>', get_language(guide.source_language).bcp47, guide)

    def get_object(self, request, object_id, from_field=None):
        guide = super().get_object(request, object_id, from_field)
        if guide is not None:
            guide.viewer = request.user
            # Each section's state per translation, computed once for the page.
            targets = [c for c in sorted(permissions.visible_languages(request.user, guide)) if c != guide.source_language]
            guide.section_states = {
                code: {s.key: s for s in translation_overviews([guide], code)[0].sections} for code in targets
            }
        return guide

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return ["review_status", *fields] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        return ["review_status", *super().get_readonly_fields(request, obj)]

    @admin.display(description=gettext_lazy("review state"))
    def review_status(self, guide):
        statuses = self.statuses([guide])[guide.pk]
        user = guide.viewer
        rows = [
            (lang.display_name, _state_html(statuses[lang.code], guide, user, files=True))
            for lang in all_languages()
            if lang.code in permissions.visible_languages(user, guide)
        ]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    class Media:
        css = {"all": ["review/review.css"]}


admin.site.unregister(Guide)
admin.site.register(Guide, ReviewGuideAdmin)


def signer_html(signature):
    """The printed name and credentials, isolated: "Dr Amal Nasser, MD, Neurology" keeps its order in an Arabic page."""
    if signature.credentials:
        return format_html("<bdi>{}, {}</bdi>", signature.printed_name, signature.credentials)
    return format_html("<bdi>{}</bdi>", signature.printed_name)


def meaning_shown(signature):
    """The meaning in the reader's language (the record keeps the English words shown at signing)."""
    return signature.meaning_shown


class SignatureInline(admin.TabularInline):
    model = Signature
    fields = ("signer_name", "decision", "meaning_shown", "signed_at", "comment", "seal")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("printed name"))
    def signer_name(self, signature):
        return signer_html(signature)

    @admin.display(description=gettext_lazy("meaning"))
    def meaning_shown(self, signature):
        return meaning_shown(signature)

    def has_change_permission(self, request, obj=None):
        return False


CHANGE_CLASS_SHORT = {
    ChangeClass.EDITORIAL: gettext_lazy("editorial"),
    ChangeClass.CLINICAL: gettext_lazy("clinical"),
    ChangeClass.SAFETY: gettext_lazy("safety"),
}


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = ("guide_title", "language", "number_label", "status", "change", "author_label", "created_at", "review_link")
    list_display_links = ("guide_title",)
    list_filter = ("status", "language", "change_class")
    list_select_related = ("guide",)
    search_fields = ("guide__slug", "content_hash")
    fields = ("guide", "language", "number", "status", "change_class", "author_label", "created_at", "source_version", "content_hash", "decided_at", "review_link")
    readonly_fields = fields
    inlines = [SignatureInline]

    def get_queryset(self, request):
        return permissions.readable_history(request.user, super().get_queryset(request))

    @admin.display(description=gettext_lazy("guide"), ordering="guide__slug")
    def guide_title(self, version):
        return format_html('<bdi lang="{}">{}</bdi>', get_language(version.guide.source_language).bcp47, version.guide)

    @admin.display(description=gettext_lazy("version"), ordering="number")
    def number_label(self, version):
        return f"v{version.number}"

    @admin.display(description=gettext_lazy("change class"), ordering="change_class")
    def change(self, version):
        return CHANGE_CLASS_SHORT.get(version.change_class, "—")

    @admin.display(description=gettext_lazy("review"))
    def review_link(self, version):
        return format_html('<a href="{}">{}</a>', reverse("review:version", args=[version.pk]), _("open"))


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ("version_name", "signer_name", "decision", "meaning_shown", "signed_at")
    list_filter = ("decision", "meaning")
    list_select_related = ("version__guide", "version__source_version")
    readonly_fields = [f.name for f in Signature._meta.fields]

    def get_queryset(self, request):
        return permissions.readable_history(request.user, super().get_queryset(request), "version__language")

    @admin.display(description=gettext_lazy("version"), ordering="version")
    def version_name(self, signature):
        # The guide's title is in its source language: isolated from the interface's direction.
        return format_html("<bdi>{}</bdi>", signature.version)

    @admin.display(description=gettext_lazy("printed name"), ordering="printed_name")
    def signer_name(self, signature):
        return signer_html(signature)

    @admin.display(description=gettext_lazy("meaning"), ordering="meaning")
    def meaning_shown(self, signature):
        return meaning_shown(signature)
