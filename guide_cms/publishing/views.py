"""The exported site, served by the application where settings.GUIDE_CMS_SERVE_SITE is on (the demo),
and a publish job's page in the admin.

Production serves the export folder with its web server at GUIDE_CMS_SITE_URL;
here the demo's "View site" opens exactly the files an export wrote.
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.static import serve
from csp.decorators import csp_exempt

from guide_cms.core.permissions import can_publish

from .store import export_root
from .jobs import job_state
from .models import PublishJob


# Each exported page carries its own policy in a <meta> (channels.site.with_content_security_policy), as a
# static host serves it; the application's stricter header would block the page's hashed inline style.
@csp_exempt()
def exported_site(request, path: str):
    """A file of the site channel's current export; a folder serves its index.html."""
    if path == "" or path.endswith("/"):
        path += "index.html"
    # serve() answers 404 for what is not there; a path out of the folder is not there either.
    try:
        return serve(request, path, document_root=str(export_root() / "site"), show_indexes=False)
    except SuspiciousFileOperation:
        raise Http404(path) from None


def _job_for(request, pk: int) -> PublishJob:
    """The job, to the publisher who asked for it or anyone who may publish; 403 to others."""
    job = get_object_or_404(PublishJob.objects.select_related("requested_by"), pk=pk)
    if not (job.requested_by_id is not None and job.requested_by_id == request.user.pk) and not can_publish(request.user):
        raise PermissionDenied
    return job


def publish_job(request, pk: int):
    """A publish job's page: its state, progress and outcome. While it runs, job.js polls publish_job_state
    and redraws the page's state; without JavaScript the page reloads itself. A reload shows it as it is."""
    job = _job_for(request, pk)
    state = job_state(job)
    context = {
        **admin.site.each_context(request), "title": _("Publishing"), "job": job, "state": state,
        "state_url": reverse("publishing:job-state", args=[job.pk]), "back": reverse("admin:guides_version_changelist"),
    }
    response = TemplateResponse(request, "publishing/publish_job.html", context)
    response["Cache-Control"] = "no-store"
    return response


def publish_job_state(request, pk: int):
    """The job's state as JSON (jobs.job_state), with "html": the page's state part, drawn again."""
    job = _job_for(request, pk)
    state = job_state(job)
    html = render_to_string("publishing/publish_job_state.html", {
        "state": state, "back": reverse("admin:guides_version_changelist")}, request)
    return JsonResponse({**state, "html": html}, headers={"Cache-Control": "no-store"})
