"""django-axes' database handler with two limits: one for a username, a higher one for an address.

axes compares one number with one limit (AXES_FAILURE_LIMIT) whichever
parameter locks; core.logins.failures gives it the username's failures, or
the limit itself once the address reached settings.LOGIN_ADDRESS_FAILURE_LIMIT.
Attempts are still recorded by axes (its rows, its cool-off); only the count
it compares differs.
"""
from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username


class Throttle(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        from .logins import client_address, failures

        address = getattr(request, "axes_ip_address", None) or client_address(request)
        return failures(get_client_username(request, credentials), address)
