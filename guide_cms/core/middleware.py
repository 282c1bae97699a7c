"""Requests no part of the application can store or look up are answered before any view runs."""
from django.utils.translation import gettext as _

from django.db import OperationalError

from .views import bad_request, database_busy


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


# SQLSTATEs of a lock wait that ended (PostgreSQL's lock_timeout: 55P03; a statement_timeout: 57014).
_LOCK_SQLSTATES = {"55P03", "57014"}


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a database error is a wait for a lock that took too long (SQLite's "database is locked",
    PostgreSQL's lock or statement timeout), as opposed to a fault."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) in _LOCK_SQLSTATES:
        return True
    return "database is locked" in str(error) or "database table is locked" in str(error)


class DatabaseBusyMiddleware:
    """A request that waited too long for a lock answers 503 with a message, never a server error.

    Every write runs in one transaction, so the rolled-back request saved
    nothing; the user sends it again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_lock_timeout(exception):
            return database_busy(request)
        return None
