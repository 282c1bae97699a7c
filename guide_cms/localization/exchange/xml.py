"""Reading and writing XML exchange files safely (pure: no database).

Read with defusedxml: no DTD, no entities, no external references, ever;
every element remembers its line for error messages. Written by hand (not by
ElementTree) so the bytes are stable: fixed attribute order, two-space
indentation, UTF-8.
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from .base import ExchangeError, describe_undecodable, refuse_misdeclared_utf8

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def escape_text(value: str) -> str:
    # \r would be turned into \n by any XML parser; keep it as a character reference.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escape_attr(value: str) -> str:
    return escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def attrs(pairs) -> str:
    return "".join(f' {name}="{escape_attr(str(value))}"' for name, value in pairs if value is not None)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}")[0] if tag.startswith("{") else ""


# How deep an exchange file's elements may nest: XLIFF's own structure is under 10 levels and a text's inline
# codes at most a few (text_limits); the readers walk codes recursively, so depth is checked while parsing.
MAX_XML_DEPTH = 50


class _TooDeep(Exception):
    pass


class _LineRecorder:
    """TreeBuilder target that remembers the line each element starts on, and refuses nesting past MAX_XML_DEPTH."""

    def __init__(self):
        self._builder = TreeBuilder()
        self.lines: dict[object, int] = {}
        self.expat = None  # the pyexpat parser, set once the XMLParser exists
        self.depth = 0

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooDeep
        element = self._builder.start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag):
        self.depth -= 1
        return self._builder.end(tag)

    def data(self, data):
        self._builder.data(data)

    def close(self):
        return self._builder.close()


_XML_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _check_encoding(data: bytes, filename: str) -> None:
    """Name a wrong encoding plainly instead of expat's "not well-formed (invalid token)"."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with a byte-order mark: expat reads it
    declared = _XML_DECLARED_ENCODING.match(data)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in ("utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ExchangeError(describe_undecodable(data, error, "UTF-8"), filename=filename) from None
    else:
        refuse_misdeclared_utf8(data, declared.group(1).decode("ascii"), filename)


def parse_xml(data: bytes, filename: str):
    """(root element, {element: line}); ExchangeError naming the file and line for anything unsafe or malformed."""
    _check_encoding(data, filename)
    recorder = _LineRecorder()
    parser = DefusedXMLParser(target=recorder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    recorder.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except _TooDeep:
        raise ExchangeError(
            _("the file nests elements more than %(depth)d deep (inline codes inside inline codes): no guide's text "
              "does, and it was not read.") % {"depth": MAX_XML_DEPTH},
            filename=filename, line=parser.parser.CurrentLineNumber,
        ) from None
    except ParseError as error:
        line, column = error.position
        raise ExchangeError(
            _("the file is not well-formed XML (%(detail)s, column %(column)d).")
            % {"detail": str(error).split(":")[0], "column": column + 1},
            filename=filename,
            line=line,
        ) from None
    except DefusedXmlException as error:
        if isinstance(error, DTDForbidden):
            reason = _("the file declares a DTD (<!DOCTYPE>); exchange files must not, and it was not read.")
        elif isinstance(error, EntitiesForbidden):
            reason = _("the file declares entities; they were not expanded and the file was not read.")
        elif isinstance(error, ExternalReferenceForbidden):
            reason = _("the file refers to an external resource; it was not fetched and the file was not read.")
        else:  # pragma: no cover - defusedxml has no other kinds today
            reason = _("the file uses XML features that are not allowed; it was not read.")
        raise ExchangeError(reason, filename=filename, line=parser.parser.CurrentLineNumber) from None
    return root, recorder.lines


def tidy(content):
    """Content as a CAT tool's copy should read: runs of whitespace as one space, none at the ends.

    Tools re-indent and re-wrap XML; a segment never holds a meaningful new
    line (a line break is a code).
    """
    from ..inline import merge_text, strip_content

    items = [re.sub(r"[ \t\r\n]+", " ", item) if isinstance(item, str) else item for item in content]
    return strip_content(merge_text(items))[1]
