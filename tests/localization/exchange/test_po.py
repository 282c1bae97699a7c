"""PO exchange files (Babel): exact round trips, stable bytes, strict reading with line numbers."""
import datetime
import re

from io import BytesIO

import pytest
from babel.messages.pofile import read_po as babel_read_po

from guide_cms.localization.exchange import ExchangeError, read_po, write_po
from guide_cms.localization.exchange.po import END_MARKER_LINES, HEADER_END_MARKER

from .documents import NOTE, SOURCE_HASH, by_id, demo_document, same_units


def _error(data: bytes, filename: str = "guide.zh.po") -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        read_po(data, filename)
    return caught.value


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


@pytest.mark.parametrize("language", ["zh-hans", "ar", "vi", "es"])
def test_po_round_trip_keeps_demo_segments_states_and_placeholders(language):
    document = demo_document(language)
    assert same_units(read_po(write_po(document), "guide.po"), document)


def test_codes_are_numbered_placeholders_and_a_lookalike_is_escaped():
    text = write_po(demo_document()).decode("utf-8")
    assert '\\"no more\\" than <1>2 tablets</1> ]]> a day; see <<1> and "\n"<2>the leaflet</2>' in text
    assert "#. code 1: emphasis; code 2: link to https://example.org/a?b=1&c=2" in text
    unit = by_id(read_po(text.encode(), "guide.po"))["dose-table.body.1.1"]
    assert " ]]> a day; see <1> and " in unit.source


@pytest.mark.parametrize(
    "msgstr, expected",
    [
        ('Toma <1>2</1> y <2>folleto</2>', "code <3/> of the source is missing. Keep"),  # no "()": a placeholder says no more
        ('Toma <1>2 <2>folleto</1></2> <3/>', "misnested"),
        ('Toma <1>2</1> <1>x</1> <2>folleto</2> <3/>', "more than once"),
    ],
    ids=["lost", "misnested", "duplicated"],
)
def test_a_msgstr_that_breaks_the_placeholders_is_refused_naming_the_unit(msgstr, expected):
    data = write_po(demo_document())
    entry = data.index(b'msgctxt "dose-table.body.1.1"')
    data = data[:entry] + re.sub(rb'msgstr ""', f'msgstr "{msgstr}"'.encode(), data[entry:], count=1)
    error = _error(data)
    assert error.unit == "dose-table.body.1.1" and expected in error.reason


def test_po_export_is_byte_identical_when_repeated():
    data = write_po(demo_document())
    assert write_po(demo_document()) == data


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


def test_po_entries_carry_segment_id_state_note_and_provenance():
    text = write_po(demo_document()).decode("utf-8")
    entry = text[text.index('msgctxt "guide.summary.1.1"') - 300 : text.index('msgctxt "guide.summary.1.1"')]
    assert "#, fuzzy\n" in entry  # needs-review
    assert "#. guide_cms source version 3\n" in entry and f"#. sha256:{SOURCE_HASH}\n" in entry
    assert f"# {NOTE}\nmsgid" not in text and f"# {NOTE}\n#. guide_cms" in text  # translator comment
    assert "python-format" not in text  # "50% of users" is not a format string


def test_memory_and_fuzzy_matches_are_flagged_with_the_match_as_previous_msgid():
    text = write_po(demo_document()).decode("utf-8")
    assert "#, gc-memory\n" in text
    fuzzy = text.index("#, fuzzy, gc-fuzzy-match\n")
    assert text[fuzzy:].split("\n")[1].startswith("#| msgid ")  # what the memory's sentence said
    assert "#. memory match 87%: muscle-relaxants v1, signed by Dr Ana Ruiz" in text


def test_fuzzy_entry_reads_as_needs_review_and_plain_msgstr_as_translated():
    data = write_po(demo_document()).replace(b"#, fuzzy\n", b"", 1)  # the summary loses its flag
    units = by_id(read_po(data, "guide.po"))
    assert units["guide.summary.1.1"].state == "translated"
    others = [u.id for u in demo_document().units if u.state == "needs-review" and u.id != "guide.summary.1.1"]
    assert others and all(units[uid].state == "needs-review" for uid in others)
    assert units["dose-table.body.1.1"].state == "new"


def test_previous_msgid_comments_are_not_notes():
    data = write_po(demo_document()).replace(
        b'#, fuzzy\nmsgctxt "guide.summary.1.1"', b'#, fuzzy\n#| msgid "Old summary"\nmsgctxt "guide.summary.1.1"'
    )
    assert by_id(read_po(data, "guide.po"))["guide.summary.1.1"].note == ""


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda d: d.replace(b'msgctxt "guide.summary.1.1"', b'msgctxt "guide.summary.1.1'), b'msgctxt "guide.summary.1.1'),
        (lambda d: d.replace(b'msgctxt "guide.summary.1.1"', b'msgcontext "guide.summary.1.1"'), b"msgcontext"),
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
    cut = data[: data.index(b"msgstr", data.index(b'msgctxt "guide.summary.1.1"'))]
    error = _error(cut)
    start = _line_of(data, b'msgctxt "guide.summary.1.1"')
    assert "truncated" in error.reason and f"line {start}" in error.reason


def test_duplicated_msgctxt_is_refused_naming_the_unit_and_both_lines():
    data = write_po(demo_document()).replace(b'msgctxt "guide.summary.1.1"', b'msgctxt "guide.title.1.1"')
    error = _error(data)
    assert error.unit == "guide.title.1.1" and "used twice" in error.reason
    assert error.line == _line_of(data, b'msgctxt "guide.title.1.1"\nmsgid ""')
    first = _line_of(data, b'msgctxt "guide.title.1.1"')
    assert f"first at line {first}" in error.reason


def _with_entry(data: bytes, entry: bytes) -> bytes:
    """data with entry added as its last entry before the end marker (as a tool would add one)."""
    end = data.index(END_MARKER_LINES[0].encode())
    return data[:end] + entry.strip(b"\n") + b"\n\n" + data[end:]


def test_duplicated_entry_with_the_same_msgid_is_refused_too():
    data = write_po(demo_document())
    entry = data[data.index(b'msgctxt "guide.title.1.1"') : data.index(b"\n\n", data.index(b'msgctxt "guide.title.1.1"'))]
    error = _error(_with_entry(data, entry.replace("肌肉".encode(), "另一个".encode())))
    assert error.unit == "guide.title.1.1"


def test_entry_without_msgctxt_is_refused():
    data = write_po(demo_document()).replace(b'msgctxt "guide.summary.1.1"\n', b"")
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
    data = _with_entry(write_po(demo_document()), b'msgctxt "x.title"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] ""\n')
    assert _error(data).unit == "x.title"


def test_po_in_a_declared_charset_is_read():
    data = write_po(demo_document("ar"))
    header = data[: data.index(b"\n\n")].replace(b"charset=utf-8", b"charset=iso-8859-1")
    latin = header + '\n\nmsgctxt "guide.title"\nmsgid "Caf\xe9"\nmsgstr "Caf\xe9 \xe9"\n\n'.encode("latin-1") + "\n".join(END_MARKER_LINES).encode()
    assert read_po(latin, "latin.po").units[0].target == ("Café é",)


def test_po_that_is_not_in_its_declared_encoding_says_so():
    data = write_po(demo_document()).replace("肌肉".encode(), "caf\xe9".encode("latin-1"))
    error = _error(data)
    assert "not valid utf-8" in error.reason and "0xE9" in error.reason


def test_a_regional_po_language_is_read_as_its_language_and_said():
    data = write_po(demo_document("ar")).replace(b'"Language: ar\\n"', b'"Language: ar_EG\\n"')
    document = read_po(data, "guide.po")
    assert document.target_language == "ar" and any("ar_EG" in notice for notice in document.notices)


def test_a_po_file_cut_between_two_lines_of_its_last_msgstr_is_refused():
    """Nothing else shows such a cut: the file parses, and it has every entry."""
    data = write_po(demo_document("es"))
    last = data.rindex(b'msgstr "')
    cut = data[:last] + b'msgstr ""\n"Tome 5 mg por la noche, "\n'  # the transfer stopped after this line
    error = _error(cut)
    assert "does not end with the entry that ends every exported file" in error.reason and "cut off" in error.reason
    assert error.line == cut.decode().count("\n") + 1


def test_a_po_file_whose_end_marker_a_tool_removed_is_refused_and_says_why():
    data = write_po(demo_document("es"))
    error = _error(data[: data.index(END_MARKER_LINES[0].encode())])
    assert "if your tool removed obsolete entries, it removed that one too" in error.reason


def test_a_po_file_exported_before_the_end_marker_is_read_without_it():
    data = write_po(demo_document("es"))
    old = data[: data.index(END_MARKER_LINES[0].encode())].replace(f'"{HEADER_END_MARKER}: guide_cms:end\\n"\n'.encode(), b"")
    assert HEADER_END_MARKER.encode() not in old
    assert same_units(read_po(old, "old.po"), demo_document("es"))


def test_a_utf8_po_file_that_declares_latin1_is_refused_not_stored_garbled():
    data = write_po(demo_document("es")).replace(b"charset=utf-8", b"charset=ISO-8859-1")
    error = _error(data)
    assert "declares the encoding ISO-8859-1, but its text is UTF-8" in error.reason and "Ã" in error.reason
    assert error.line is not None


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"], ids=["CRLF", "CR"])
def test_po_files_with_windows_or_old_mac_line_ends_read_the_same(line_end):
    data = write_po(demo_document("es"))
    assert same_units(read_po(data.replace(b"\n", line_end), "tool.po"), demo_document("es"))
