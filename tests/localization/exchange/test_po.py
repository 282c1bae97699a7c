"""PO exchange files (Babel): exact round trips, stable bytes, strict reading with line numbers."""
import datetime
import re

from io import BytesIO

import pytest
from babel.messages.pofile import read_po as babel_read_po

from guide_cms.localization.exchange import ExchangeError, read_po, write_po

from .documents import NOTE, SOURCE_HASH, by_id, demo_document


def _error(data: bytes, filename: str = "guide.zh.po") -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        read_po(data, filename)
    return caught.value


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_po_round_trip_keeps_demo_texts_exactly(language):
    document = demo_document(language)
    assert read_po(write_po(document), "guide.po") == document


def test_po_export_is_byte_identical_when_repeated():
    data = write_po(demo_document())
    assert write_po(demo_document()) == data
    assert write_po(read_po(data, "guide.po")) == data


def test_po_export_holds_no_export_time():
    text = write_po(demo_document()).decode("utf-8")
    assert str(datetime.date.today().year) not in text
    assert "POT-Creation-Date: 1970-01-01 00:00+0000" in text
    assert "Generated-By" not in text  # Babel's version would change the bytes on upgrade


def test_po_header_carries_language_guide_version_and_hash():
    data = write_po(demo_document("zh-hans"))
    header = dict(babel_read_po(BytesIO(data)).mime_headers)
    assert header["Language"] == "zh_Hans"
    assert header["Project-Id-Version"] == "guide_cms:muscle-relaxants 3"
    text = data.decode("utf-8")
    assert '"X-Guide-CMS-Guide: muscle-relaxants\\n"' in text
    assert '"X-Guide-CMS-Source-Version: 3\\n"' in text
    assert SOURCE_HASH in re.sub(r'"\n"', "", text.split("\n\n")[0])  # the hash header, unwrapped


def test_po_entries_carry_unit_id_state_note_and_provenance():
    text = write_po(demo_document()).decode("utf-8")
    entry = text[text.index('msgctxt "guide.summary"') - 200 : text.index('msgctxt "guide.summary"')]
    assert "#, fuzzy\n" in entry  # needs-review
    assert "#. guide_cms source version 3\n" in entry and f"#. sha256:{SOURCE_HASH}\n" in entry
    assert f"# {NOTE}\nmsgid" not in text and f"# {NOTE}\n#. guide_cms" in text  # translator comment
    assert "python-format" not in text  # "50% of users" is not a format string


def test_fuzzy_entry_reads_as_needs_review_and_plain_msgstr_as_translated():
    data = write_po(demo_document()).replace(b"#, fuzzy\n", b"", 1)  # the summary loses its flag
    units = by_id(read_po(data, "guide.po"))
    assert units["guide.summary"].state == "translated"
    assert units["available-treatment-options.body"].state == "needs-review"
    assert units["dose-table.body"].state == "new"


def test_previous_msgid_comments_are_not_notes():
    data = write_po(demo_document()).replace(
        b'#, fuzzy\nmsgctxt "guide.summary"', b'#, fuzzy\n#| msgid "Old summary"\nmsgctxt "guide.summary"'
    )
    assert by_id(read_po(data, "guide.po"))["guide.summary"].note == ""


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda d: d.replace(b'msgctxt "guide.summary"', b'msgctxt "guide.summary'), b'msgctxt "guide.summary'),
        (lambda d: d.replace(b'msgctxt "guide.summary"', b'msgcontext "guide.summary"'), b"msgcontext"),
        (lambda d: d.replace(b'msgid "Available', b'msgid "Avail\\qable'), b"Avail\\qable"),
        (lambda d: d.replace(b'#. guide_cms source version 3\n#. sha256', b'"stray"\n#. sha256', 1), b'"stray"'),
    ],
    ids=["unterminated string", "unknown keyword", "bad escape", "string outside an entry"],
)
def test_malformed_po_error_names_the_file_and_line(break_it, expected):
    data = break_it(write_po(demo_document()))
    error = _error(data)
    assert error.line == _line_of(data, expected)
    assert str(error).startswith(f"guide.zh.po, line {error.line}: ")


def test_truncated_po_error_names_the_entry_left_open():
    data = write_po(demo_document())
    cut = data[: data.index(b"msgstr", data.index(b'msgctxt "guide.summary"'))]
    error = _error(cut)
    start = _line_of(data, b'msgctxt "guide.summary"')
    assert "truncated" in error.reason and f"line {start}" in error.reason


def test_duplicated_msgctxt_is_refused_naming_the_unit_and_both_lines():
    data = write_po(demo_document()).replace(b'msgctxt "guide.summary"', b'msgctxt "guide.title"')
    error = _error(data)
    assert error.unit == "guide.title" and "used twice" in error.reason
    assert error.line == _line_of(data, b'msgctxt "guide.title"\nmsgid ""')
    first = _line_of(data, b'msgctxt "guide.title"')
    assert f"first at line {first}" in error.reason


def test_duplicated_entry_with_the_same_msgid_is_refused_too():
    data = write_po(demo_document())
    entry = data[data.index(b'msgctxt "guide.title"') : data.index(b"\n\n", data.index(b'msgctxt "guide.title"'))]
    error = _error(data + b"\n" + entry.replace("肌肉".encode(), "另一个".encode()) + b"\n")
    assert error.unit == "guide.title"


def test_entry_without_msgctxt_is_refused():
    data = write_po(demo_document()).replace(b'msgctxt "guide.summary"\n', b"")
    error = _error(data)
    assert "msgctxt" in error.reason and error.line is not None


@pytest.mark.parametrize(
    "header",
    [b"Language", b"X-Guide-CMS-Guide", b"X-Guide-CMS-Source-Language", b"X-Guide-CMS-Source-Version",
     b"X-Guide-CMS-Source-Hash"],
)
def test_po_without_a_guide_cms_header_field_is_refused(header):
    data = write_po(demo_document()).replace(b'"' + header + b": ", b'"X-Dropped: ')
    error = _error(data)
    assert header.decode() in error.reason and error.line == _line_of(data, b'msgid ""')


def test_po_without_a_header_is_refused():
    data = write_po(demo_document())
    body = data[data.index(b"\n\n") + 2 :]
    assert "no PO header" in _error(body).reason


def test_unknown_po_language_is_refused():
    data = write_po(demo_document()).replace(b'"Language: zh_Hans\\n"', b'"Language: fr\\n"')
    assert "'fr' is not a configured language" in _error(data).reason


def test_plural_entries_are_refused():
    data = write_po(demo_document()) + b'\nmsgctxt "x.title"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n'
    assert _error(data).unit == "x.title"


def test_po_in_a_declared_charset_is_read():
    data = write_po(demo_document("ar"))
    header = data[: data.index(b"\n\n")].replace(b"charset=utf-8", b"charset=iso-8859-1")
    latin = header + '\n\nmsgctxt "guide.title"\nmsgid "Caf\xe9"\nmsgstr "Caf\xe9 \xe9"\n'.encode("latin-1")
    assert read_po(latin, "latin.po").units[0].target == "Café é"


def test_po_that_is_not_in_its_declared_encoding_says_so():
    data = write_po(demo_document()).replace("肌肉".encode(), "caf\xe9".encode("latin-1"))
    error = _error(data)
    assert "not valid utf-8" in error.reason and "0xE9" in error.reason
