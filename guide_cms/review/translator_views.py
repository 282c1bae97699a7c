"""The translator's dashboard and CAT-tool file exchange. Glue over
localization.selectors/services; the rules live there."""
import base64
import binascii

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guide_cms.core.languages import UnknownLanguage, get_language
from guide_cms.core.permissions import assigned_languages, visible_languages
from guide_cms.core.roles import Role
from guide_cms.guides.models import Guide, sections_by_guide
from guide_cms.guides.records import guide_by_slug
from guide_cms.localization.exchange import FORMATS, ExchangeError, read_exchange_file
from guide_cms.localization.selectors import translation_overviews
from guide_cms.localization.services import ImportRefused, translation_export, translation_import
from guide_cms.localization.units import block_kind_label

from .selectors import guide_statuses, page_of
from .views import _context

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("XLIFF (1.2 or 2.0) or PO file"))


def _dashboard(request, *, upload_form=None, upload_error: str = "", status: int = 200):
    languages = sorted(assigned_languages(request.user, Role.TRANSLATOR))
    page = page_of(Guide.objects.order_by("slug", "pk"), request.GET.get("page"))
    guides = list(page.object_list)  # states for this page's guides only
    sections = sections_by_guide([g.pk for g in guides])  # read once for the states and every language's overviews
    statuses = guide_statuses(guides, languages=languages, sections=sections)
    blocks = []
    for code in languages:
        lang = get_language(code)
        rows = [(o, statuses[o.guide.pk][code]) for o in translation_overviews(guides, code, sections=sections)]
        blocks.append({"language": lang, "rows": rows})
    context = _context(
        request, title=_("Translation dashboard"), blocks=blocks, upload_form=upload_form or UploadForm(), upload_error=upload_error,
        page=page,
    )
    return render(request, "review/translator_dashboard.html", context, status=status)


@staff_member_required
def dashboard(request):
    return _dashboard(request)


def _guide_language(request, slug, language):
    guide = guide_by_slug(slug)  # a page opened before a slug change still saves to its guide
    if guide is None:
        raise Http404(slug)
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
    try:
        data, name = translation_export(guide=guide, language=lang.code, fmt=fmt, user=request.user)
    except ExchangeError as exc:
        messages.error(request, str(exc))
        return redirect("review:translate")
    content_type = FORMATS[fmt][2]  # known: translation_export refused any other
    response = HttpResponse(data, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class UploadRefused(Exception):
    """The upload itself is malformed; the message says what to do."""


def _uploaded_file(request) -> tuple[bytes, str, bool]:
    """(data, file name, dry run) from an upload, or from a preview's confirmation (base64)."""
    if "content" in request.POST:
        try:
            data = base64.b64decode(request.POST["content"], validate=True)
        except (binascii.Error, ValueError):
            raise UploadRefused(_("The confirmed file arrived damaged (its content is not valid base64). Upload the file again.")) from None
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadRefused(_("The confirmed file is larger than 5 MB; that is not a guide's translation file."))
        filename = "".join(c for c in request.POST.get("filename", "") if c.isprintable()).strip()[:200] or "upload"
        return data, filename, False
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise UploadRefused(_("Choose an XLIFF or PO file to upload."))
    upload_file = form.cleaned_data["file"]
    if upload_file.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(_("%(file)s is larger than 5 MB; that is not a guide's translation file.") % {"file": upload_file.name})
    return upload_file.read(), upload_file.name, True


@staff_member_required
def upload(request):
    """Upload a file: first a preview of what would change (dry run), then apply on confirmation.

    A malformed upload or a refused file answers 400 with the reason on the
    dashboard; a file for a language the user may not translate is a 403.
    """
    if request.method != "POST":
        return redirect("review:translate")
    try:
        data, filename, dry_run = _uploaded_file(request)
    except UploadRefused as exc:
        return _dashboard(request, upload_error=str(exc), status=400)
    try:
        document = read_exchange_file(data, filename)
        report = translation_import(document=document, user=request.user, filename=filename, dry_run=dry_run)
    except (ExchangeError, ImportRefused) as exc:
        return _dashboard(request, upload_error=_("Refused, nothing imported: %(error)s") % {"error": exc}, status=400)
    if not dry_run:
        messages.success(request, _("Imported %(count)d change(s) from %(file)s.") % {"count": len(report.applied), "file": filename})
        if report.conflicts:
            messages.warning(request, _(
                "Not applied, because they were saved here after the export and changed in the file too: %(units)s. Their saved text stays."
            ) % {"units": ", ".join(c.label for c in report.conflicts)})
        return redirect("review:translate")
    context = _context(
        request, title=_("Preview of %(file)s") % {"file": filename}, report=report, filename=filename,
        content=base64.b64encode(data).decode(), language=get_language(report.language),
    )
    return render(request, "review/import_preview.html", context)


@staff_member_required
def segments(request, slug, language):
    """The sentence-by-sentence editor: the source, the translation (or the memory's), its state and the memory's matches.

    A save merges onto the revisions the page was loaded with; after a refusal
    or a conflict the page keeps every box as the translator typed it.
    """
    from guide_cms.core.merge import BaseRevisionError
    from guide_cms.localization.services import SegmentsConflict, SegmentsRefused, segment_editor_page, segments_edit

    guide, lang = _guide_language(request, slug, language)
    editable = lang.code != guide.source_language and lang.code in assigned_languages(request.user, Role.TRANSLATOR)
    errors: list[tuple[str, str]] = []
    typed: dict[str, str] = {}
    unsaved: dict[str, str] = {}
    theirs: dict[str, str] = {}
    base = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        typed = {key[len("target-"):]: value for key, value in request.POST.items() if key.startswith("target-")}
        reviewed = {key[len("reviewed-"):] for key in request.POST if key.startswith("reviewed-")}
        base = request.POST.get("base")
        try:
            changed = segments_edit(guide=guide, language=lang.code, user=request.user, values=typed, base=base, reviewed=reviewed)
        except SegmentsRefused as exc:
            errors = exc.problems
        except SegmentsConflict as exc:
            errors = [("", str(exc))]
            theirs = {c.unit: c.theirs for c in exc.merge.conflicts}
            base = exc.base
        except BaseRevisionError as exc:
            # The page's own base is unusable: the boxes show the stored text again under a fresh base (a stale box
            # kept under it would read as a change and revert someone's save); what was typed is listed, not lost.
            errors, base, unsaved, typed = [("", str(exc))], None, typed, {}
        else:
            messages.success(request, _("Saved: %(count)d text(s) changed.") % {"count": len(changed)})
            return redirect("review:segments", slug=guide.slug, language=lang.code)
    page = segment_editor_page(guide=guide, language=lang.code, user=request.user)
    for row in page.rows:
        if row.item.id in typed:
            row.value = typed[row.item.id]  # nothing typed is lost
        elif unsaved.get(row.item.id, row.value) != row.value:
            errors.append((row.item.id, _("Not saved, as you typed it: %(text)s") % {"text": unsaved[row.item.id]}))
        row.theirs = theirs.get(row.item.id)
        row.kind_label = block_kind_label(row.item.kind)
    context = _context(
        request, title=_("%(guide)s: %(language)s, sentence by sentence") % {"guide": guide, "language": lang.display_name},
        guide=guide, language=lang, source_language=get_language(guide.source_language), rows=page.rows, errors=errors,
        editable=editable, base=base or page.base,
    )
    return render(request, "review/segments.html", context, status=400 if errors else 200)
