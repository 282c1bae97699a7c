"""The note beside a unit that tells translators what each of its inline codes is (and where its links go):
written by every exchange format (XLIFF 1.2, XLIFF 2.0, PO), never read back."""
from __future__ import annotations

from django.utils.translation import gettext as _

from ..inline import BREAK, CLOSE, CODE, EM, LINK, STRONG, URL, Content, codes


def describe_codes(content: Content) -> str:
    """A note for translators saying what each code is (and where links go)."""
    parts = []
    for code in codes(content):
        if code.kind == CLOSE:
            continue
        if code.type == LINK:
            parts.append(_("code %(id)s: link to %(url)s") % {"id": code.id, "url": code.data})
        elif code.type in (EM, STRONG):
            parts.append(_("code %(id)s: emphasis") % {"id": code.id})
        elif code.type == BREAK:
            parts.append(_("code %(id)s: line break") % {"id": code.id})
        elif code.type in (CODE, URL):
            parts.append(_("code %(id)s: %(text)s (kept as is)") % {"id": code.id, "text": code.data})
    return "; ".join(parts)
