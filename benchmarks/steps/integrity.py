"""verify_integrity over everything the run made: every version, seal and export."""
from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from guide_cms.guides.models import Version


def measure(run) -> None:
    run.out("Integrity")
    with run.measure("verify_integrity", Version.objects.count(), "versions") as row:
        try:
            call_command("verify_integrity", output=str(run.exports), stdout=StringIO(), stderr=StringIO())
        except CommandError as exc:
            row.note = f"FAILED: {exc}"
