"""XLIFF files of either version: the root element's namespace says which reader (1.2 or 2.0) reads the file.

Above xliff12 and xliff2, which import neither each other nor this module.
"""
from __future__ import annotations

from .base import ExchangeDocument
from .xliff2 import read_xliff2_tree
from .xliff12 import FileUnitState, XliffReadResult, read_xliff12_tree
from .xml import local, namespace, parse_xml

XLIFF2_NS_PREFIX = "urn:oasis:names:tc:xliff:document:2"


def read_xliff_detailed(data: bytes, filename: str) -> XliffReadResult:
    """Parse an XLIFF 1.2 or 2.0 exchange file; raise ExchangeError naming the file and line or unit."""
    root, lines = parse_xml(data, filename)
    if local(root.tag) == "xliff" and namespace(root.tag).startswith(XLIFF2_NS_PREFIX):
        document = read_xliff2_tree(root, lines, filename)
        return XliffReadResult(document, {uid: FileUnitState(None, True) for uid in document.ignored_approvals})
    return read_xliff12_tree(root, lines, filename)


def read_xliff(data: bytes, filename: str) -> ExchangeDocument:
    """Parse an XLIFF 1.2 or 2.0 exchange file into an ExchangeDocument (see read_xliff_detailed)."""
    return read_xliff_detailed(data, filename).document
