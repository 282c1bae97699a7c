"""The translator's dashboard and CAT-tool file exchange. Glue over
localization.selectors/services; the rules live there."""
import base64

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core.languages import UnknownLanguage, get_language
from guide_cms.core.permissions import assigned_languages, visible_languages
from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide
from guide_cms.localization.exchange import FORMATS, ExchangeError, read_exchange_file
from guide_cms.localization.selectors import translation_overviews
from guide_cms.localization.services import ImportRefused, translation_export, translation_import

from .selectors import guide_statuses
from .views import _context

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLIFF (1.2 or 2.0) or PO file"))


@staff_member_required
def dashboard(request):
    languages = sorted(assigned_languages(request.user, Role.TRANSLATOR))
    guides = list(Guide.objects.order_by("slug"))
    statuses = guide_statuses(guides)
    blocks = []
    for code in languages:
        lang = get_language(code)
        rows = [(o, statuses[o.guide.pk][code]) for o in translation_overviews(guides, code)]
        blocks.append({"language": lang, "rows": rows})
    return render(request, "review/translator_dashboard.html", _context(request, title=_("Translation dashboard"), blocks=blocks, upload_form=UploadForm()))


def _guide_language(request, slug, language):
    guide = get_object_or_404(Guide, slug=slug)
    try:
        lang = get_language(language)
    except UnknownLanguage:
        raise Http404 from None
    if lang.code not in visible_languages(request.user, guide):
        raise PermissionDenied
    return guide, lang


@staff_member_required
def download(request, slug, language, fmt):
    guide, lang = _guide_language(request, slug, language)
    if fmt not in FORMATS:
        raise Http404
    try:
        data, name = translation_export(guide=guide, language=lang.code, fmt=fmt, user=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("review:translate")
    content_type = FORMATS[fmt][2]
    response = HttpResponse(data, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_member_required
def upload(request):
    """Upload a file: first a preview of what would change (dry run), then apply on confirmation."""
    if request.method != "POST":
        return redirect("review:translate")
    if "content" in request.POST:
        data, filename, dry_run = base64.b64decode(request.POST["content"]), request.POST.get("filename", "upload"), False
    else:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose an XLIFF or PO file to upload."))
            return redirect("review:translate")
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_UPLOAD_BYTES:
            messages.error(request, _("%(file)s is larger than 5 MB; that is not a guide's translation file.") % {"file": upload_file.name})
            return redirect("review:translate")
        data, filename, dry_run = upload_file.read(), upload_file.name, True
    try:
        document = read_exchange_file(data, filename)
        report = translation_import(document=document, user=request.user, filename=filename, dry_run=dry_run)
    except (ExchangeError, ImportRefused, PermissionDenied) as exc:
        messages.error(request, _("Refused, nothing imported: %(error)s") % {"error": exc})
        return redirect("review:translate")
    if not dry_run:
        messages.success(request, _("Imported %(count)d change(s) from %(file)s.") % {"count": len(report.applied), "file": filename})
        return redirect("review:translate")
    context = _context(
        request, title=_("Preview of %(file)s") % {"file": filename}, report=report, filename=filename,
        content=base64.b64encode(data).decode(), language=get_language(report.language),
    )
    return render(request, "review/import_preview.html", context)


@staff_member_required
def segments(request, slug, language):
    """The sentence-by-sentence editor: the source, the translation (or the memory's), its state and the memory's matches."""
    from guide_cms.localization.services import SegmentsRefused, segment_editor_rows, segments_edit

    guide, lang = _guide_language(request, slug, language)
    editable = lang.code != guide.source_language and lang.code in assigned_languages(request.user, Role.TRANSLATOR)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        values = {key[len("target-"):]: value for key, value in request.POST.items() if key.startswith("target-")}
        reviewed = {key[len("reviewed-"):] for key in request.POST if key.startswith("reviewed-")}
        try:
            changed = segments_edit(guide=guide, language=lang.code, user=request.user, values=values, reviewed=reviewed)
        except SegmentsRefused as exc:
            errors = exc.problems
        else:
            messages.success(request, _("Saved: %(count)d text(s) changed.") % {"count": len(changed)})
            return redirect("review:segments", slug=guide.slug, language=lang.code)
    rows = segment_editor_rows(guide=guide, language=lang.code, user=request.user)
    context = _context(
        request, title=_("%(guide)s: %(language)s, sentence by sentence") % {"guide": guide, "language": lang.display_name},
        guide=guide, language=lang, source_language=get_language(guide.source_language), rows=rows, errors=errors, editable=editable,
    )
    return render(request, "review/segments.html", context, status=400 if errors else 200)
