"""Exchange files for translators' CAT tools: XLIFF 1.2, XLIFF 2.0 and gettext PO (pure: no database).

    write_xliff(doc) / write_xliff2(doc) / write_po(doc) -> bytes
    read_exchange_file(data, filename) -> ExchangeDocument   (format sniffed)

A document's units are sentence segments with inline codes
(guide_cms.localization.units and .inline).

A file's "approved"/"final" claims never survive a read: an import is never a
sign-off. Readers check the file's shape only; whether its source still
matches the guide is the importer's question.
"""
from __future__ import annotations

import codecs
import os
import re

from django.utils.translation import gettext as _

from .base import (
    BLOCKING_STATES,
    FUZZY,
    GUIDE_SUMMARY_ID,
    GUIDE_TITLE_ID,
    MEMORY,
    NEEDS_REVIEW,
    NEW,
    STATES,
    TRANSLATED,
    ExchangeDocument,
    ExchangeError,
    ExchangeUnit,
    Match,
    language_from_tag,
    language_tag,
    section_unit_id,
    unit_of,
)
from .po import read_po, write_po
from .xliff import read_xliff, read_xliff_detailed
from .xliff2 import read_xliff2, write_xliff2
from .xliff12 import FileUnitState, XliffReadResult, write_xliff

__all__ = [
    "BLOCKING_STATES",
    "FORMATS",
    "FUZZY",
    "GUIDE_SUMMARY_ID",
    "GUIDE_TITLE_ID",
    "MEMORY",
    "NEEDS_REVIEW",
    "NEW",
    "STATES",
    "TRANSLATED",
    "ExchangeDocument",
    "ExchangeError",
    "ExchangeUnit",
    "FileUnitState",
    "Match",
    "XliffReadResult",
    "language_from_tag",
    "language_tag",
    "read_exchange_file",
    "read_po",
    "read_xliff",
    "read_xliff2",
    "read_xliff_detailed",
    "section_unit_id",
    "unit_of",
    "write_po",
    "write_xliff",
    "write_xliff2",
]

# format name -> (writer, file extension, media type)
FORMATS = {
    "xliff": (write_xliff, "xlf", "application/x-xliff+xml"),
    "xliff2": (write_xliff2, "xlf", "application/xliff+xml"),
    "po": (write_po, "po", "text/x-gettext-translation"),
}

XLIFF_EXTENSIONS = (".xlf", ".xliff", ".xml")
PO_EXTENSIONS = (".po", ".pot")

_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx/.xlsx or a zipped export)"),
    (b"%PDF", "a PDF document"),
    (b"\xde\x12\x04\x95", "a compiled gettext .mo file (send the .po file)"),
    (b"\x95\x04\x12\xde", "a compiled gettext .mo file (send the .po file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)
_PO_START = re.compile(rb"^[ \t]*(msgctxt|msgid|msgstr)[ \t]", re.MULTILINE)


def _which_format(data: bytes, filename: str) -> str:
    """ "xliff" or "po", by content first and the file name's extension second."""
    if not data.strip():
        raise ExchangeError(_("the file is empty."), filename=filename)
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise ExchangeError(
                _("this is %(what)s, not an XLIFF or PO file.") % {"what": what}, filename=filename
            )
    extension = os.path.splitext(filename.lower())[1]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:4096].decode("utf-16", errors="replace").lstrip("\ufeff").lstrip()
        if head.startswith("<"):
            return "xliff"  # XML may be UTF-16; expat reads it
        raise ExchangeError(
            _("the file is UTF-16 text; PO files must be saved as UTF-8."), filename=filename
        )
    if b"\x00" in data:
        if max(data[0::2].count(0), data[1::2].count(0)) > len(data) // 4:
            raise ExchangeError(
                _("the file looks like UTF-16 text without a byte-order mark; save it as UTF-8."),
                filename=filename,
            )
        raise ExchangeError(_("the file is binary (it contains NUL bytes), not XLIFF or PO."), filename=filename)
    head = data.removeprefix(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"<"):
        return "xliff"
    if head.startswith(b"#") or _PO_START.search(data):
        return "po"
    if extension in XLIFF_EXTENSIONS:
        return "xliff"
    if extension in PO_EXTENSIONS:
        return "po"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ExchangeError(
            _("the file is neither XLIFF nor PO, and not even UTF-8 text."), filename=filename
        ) from None
    raise ExchangeError(
        _("the file is neither XLIFF (XML) nor a PO file; export the translation from the CAT tool as "
          "XLIFF 1.2, XLIFF 2.0 or PO."),
        filename=filename,
    )


def read_exchange_file(data: bytes, filename: str) -> ExchangeDocument:
    """Read an uploaded XLIFF 1.2, XLIFF 2.0 or PO exchange file; raise ExchangeError saying what is wrong and where."""
    if _which_format(data, filename) == "xliff":
        return read_xliff(data, filename)
    return read_po(data, filename)
