"""Requests no part of the application can store or look up are answered before any view runs."""
from django.utils.translation import gettext as _

from .views import bad_request


class RejectNulCharactersMiddleware:
    """A NUL character in the path, a query or a form field is a 400 with the reason.

    PostgreSQL stores and compares no NUL, so such a value reaching a
    lookup (an admin filter, say) would otherwise end in a server error.
    Forms refuse NUL too; this covers every view at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return bad_request(request, _("The request contains a NUL character, which no field accepts; nothing was done."))
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
