"""The exported site, served by the application where settings.GUIDE_CMS_SERVE_SITE is on (the demo).

Production serves the export folder with its web server at GUIDE_CMS_SITE_URL;
here the demo's "View site" opens exactly the files an export wrote.
"""
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.static import serve
from csp.decorators import csp_exempt

from .export import export_root


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
