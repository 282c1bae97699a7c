"""XLIFF 1.2 exchange files: exact round trips, stable bytes, and safe, strict reading."""
import re
import time

import pytest

from guide_cms.localization.exchange import ExchangeError, read_xliff, read_xliff_detailed, write_xliff
from guide_cms.localization.inline import Code

from .documents import SOURCE_HASH, by_id, demo_document, same_units, shape


def _error(data: bytes, filename: str = "guide.zh.xlf") -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        read_xliff(data, filename)
    return caught.value


@pytest.mark.parametrize("language", ["zh-hans", "ar", "vi", "es"])
def test_xliff_round_trip_keeps_demo_segments_states_and_codes(language):
    document = demo_document(language)
    read = read_xliff(write_xliff(document), "guide.xlf")
    assert same_units(read, document)
    # The file names each code's kind: emphasis, link, address.
    assert [c.type for c in by_id(read)["dose-table.body.1.1"].source if isinstance(c, Code)] == ["em", "em", "link", "link", "url"]


def test_callouts_are_structure_not_text_and_markup_characters_stay_text():
    data = write_xliff(demo_document("ar"))
    units = by_id(read_xliff(data, "guide.xlf"))
    warning = units["what-to-expect-from-treatment.body.4.1"]
    assert warning.kind == "warning" and "[!WARNING]" not in "".join(i for i in warning.target if isinstance(i, str))
    assert b"[!WARNING]" not in data and b"&gt; [!" not in data
    assert b'Take &lt;5 mg&gt; &amp; "no more" than <g id="1" ctype="italic">2 tablets</g>' in data
    assert b'<x id="3" ctype="x-url" equiv-text="https://example.org"/>' in data


def test_link_addresses_stay_out_of_the_translatable_text():
    data = write_xliff(demo_document()).decode()
    source = re.search(r'<trans-unit id="dose-table.body.1.1".*?<source[^>]*>(.*?)</source>', data, re.S).group(1)
    assert "example.org/a?b=1" not in source and '<g id="2" ctype="link">the leaflet</g>' in source
    assert "code 2: link to https://example.org/a?b=1&amp;c=2" in data  # told in the note


def test_xliff_export_is_byte_identical_when_repeated():
    data = write_xliff(demo_document())
    assert write_xliff(demo_document()) == data


def test_xliff_header_carries_languages_as_bcp47_and_the_source_version():
    text = write_xliff(demo_document("zh-hans")).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert 'xmlns="urn:oasis:names:tc:xliff:document:1.2"' in text
    assert 'source-language="en" target-language="zh-Hans" datatype="plaintext"' in text
    assert f'gc:source-version="3" gc:source-hash="{SOURCE_HASH}"' in text
    assert '<group id="guide.title" resname="guide.title">\n        <trans-unit id="guide.title.1.1" resname="guide.title.1.1" gc:kind="title">' in text


def test_our_states_are_written_as_xliff_1_2_states_and_qualifiers():
    text = write_xliff(demo_document()).decode("utf-8")
    states = set(re.findall(r'<target (state="[^"]+"(?: state-qualifier="[^"]+")?)', text))
    assert states == {
        'state="translated"', 'state="needs-review-translation"', 'state="new"',
        'state="translated" state-qualifier="leveraged-tm"', 'state="needs-review-translation" state-qualifier="fuzzy-match"',
    }
    assert 'match-quality="87" origin="muscle-relaxants v1, signed by Dr Ana Ruiz"' in text  # the fuzzy match shown as alt-trans
    assert "approved" not in text and "final" not in text


def test_a_unit_without_target_reads_as_new():
    data = re.sub(rb'\s*<target state="new"[^>]*/?>(</target>)?', b"", write_xliff(demo_document()))
    unit = by_id(read_xliff(data, "guide.xlf"))["dose-table.body.1.1"]
    assert (unit.target, unit.state) == ((), "new")


def test_billion_laughs_file_is_refused_without_expanding_it():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file><body>
<trans-unit id="guide.title"><source>&f;</source></trans-unit></body></file></xliff>"""
    started = time.monotonic()
    error = _error(data)
    assert time.monotonic() - started < 1
    assert "DTD" in error.reason and error.line == 2
    assert "aaaa" not in str(error)


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE xliff [ <!ENTITY secret SYSTEM "file://{path}"> ]>',
        b'<!DOCTYPE xliff SYSTEM "file://{path}">',
        b'<!DOCTYPE xliff [ <!ENTITY % remote SYSTEM "file://{path}"> %remote; ]>',
    ],
)
def test_external_entity_file_is_refused_without_reading_the_entity(tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PATIENT-LIST")
    data = (
        b'<?xml version="1.0"?>\n'
        + doctype.replace(b"{path}", str(secret).encode())
        + b'\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file><body>'
        + b'<trans-unit id="guide.title"><source>&secret;</source></trans-unit></body></file></xliff>'
    )
    error = _error(data)
    assert "TOP-SECRET" not in str(error)
    assert error.filename == "guide.zh.xlf" and error.line == 2


def test_truncated_xliff_error_names_the_file_and_line():
    data = write_xliff(demo_document())
    truncated = data[: data.index(b"</trans-unit>", len(data) // 2)]
    error = _error(truncated, "muscle-relaxants.zh-Hans.xlf")
    assert error.line == truncated.count(b"\n") + 1
    assert str(error).startswith(f"muscle-relaxants.zh-Hans.xlf, line {error.line}: ")
    assert "not well-formed XML" in str(error)


def _with_target(data: bytes, uid: str, target: str) -> bytes:
    return re.sub(
        rf'(<trans-unit id="{re.escape(uid)}".*?<target[^>]*>).*?(</target>)'.encode(), lambda m: m.group(1) + target.encode() + m.group(2), data,
        count=1, flags=re.S,
    )


@pytest.mark.parametrize(
    "target, expected",
    [
        ("Toma 2 comprimidos ]]&gt; al día; mira &lt;1&gt; y <g id=\"2\">el folleto</g> o <x id=\"3\"/>. 50%", "code <1> of the source is missing"),
        ('Toma <g id="1">2</g> <g id="1">comprimidos</g> y <g id="2">folleto</g> <x id="3"/>', "appears more than once"),
        ('Toma <g id="1">2 <g id="2">folleto</g></g> <x id="3"/> <x id="4"/>', "<4/> is not in the source"),
        ('Toma <x id="1"/> <g id="2">folleto</g> <x id="3"/>', "not of the kind"),
    ],
    ids=["lost", "duplicated", "unknown", "other kind"],
)
def test_a_target_that_breaks_the_inline_codes_is_refused_naming_the_unit(target, expected):
    data = _with_target(write_xliff(demo_document()), "dose-table.body.1.1", target)
    error = _error(data)
    assert error.unit == "dose-table.body.1.1" and expected in error.reason
    assert str(error).startswith(f"guide.zh.xlf, line {error.line}, unit 'dose-table.body.1.1': ")


def test_codes_may_move_and_nest_differently_but_all_must_be_there():
    data = _with_target(write_xliff(demo_document()), "dose-table.body.1.1",
                        'Mira <g id="2">el folleto <g id="1">ahora</g></g> y <x id="3"/>.')
    unit = by_id(read_xliff(data, "guide.xlf"))["dose-table.body.1.1"]
    assert shape(unit.target) == ("Mira ", ("2", "open"), "el folleto ", ("1", "open"), "ahora", ("1", "close"), ("2", "close"), " y ", ("3", "ph"), ".")


def test_every_unit_with_broken_codes_is_reported_at_once():
    data = write_xliff(demo_document())
    for uid in ("guide.title.1.1", "available-treatment-options.title.1.1"):
        data = _with_target(data, uid, '<x id="9"/>text')
    error = _error(data)
    assert [problem.unit for problem in error.problems] == ["guide.title.1.1", "available-treatment-options.title.1.1"]


def test_a_target_wrapped_in_one_segment_marker_is_its_text():
    data = _with_target(write_xliff(demo_document()), "guide.title.1.1", '<mrk mtype="seg" mid="1">肌肉松弛剂：治疗指南</mrk>')
    assert by_id(read_xliff(data, "guide.xlf"))["guide.title.1.1"].target == ("肌肉松弛剂：治疗指南",)


def test_an_xliff_2_file_is_read_too():
    from guide_cms.localization.exchange import write_xliff2

    document = demo_document()
    assert same_units(read_xliff(write_xliff2(document), "guide.xlf"), document)


@pytest.mark.parametrize(
    "namespace", [b'xmlns="urn:example:not-xliff"', b""], ids=["other namespace", "no namespace"]
)
def test_xliff_in_the_wrong_namespace_is_refused(namespace):
    data = write_xliff(demo_document()).replace(b'xmlns="urn:oasis:names:tc:xliff:document:1.2"', namespace)
    assert "not the XLIFF 1.2 namespace" in _error(data).reason


def test_a_file_that_is_not_xliff_is_refused():
    assert "not an XLIFF file" in _error(b"<html><body>hi</body></html>").reason


@pytest.mark.parametrize("tag", [b"fr", b"zh-TW", b"zh-Hant", b""])
def test_unknown_target_language_is_refused(tag):
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', b'target-language="' + tag + b'"')
    error = _error(data)
    assert "target-language" in error.reason and error.line == 3


@pytest.mark.parametrize("tag, code", [("zh-Hans", "zh-hans"), ("ZH-HANS", "zh-hans"), ("zh_Hans", "zh-hans"), ("AR", "ar")])
def test_target_language_tags_map_back_to_django_codes(tag, code):
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', f'target-language="{tag}"'.encode())
    assert read_xliff(data, "guide.xlf").target_language == code


@pytest.mark.parametrize("tag", ["zh-CN", "zh-Hans-CN", "zh-SG"])
def test_a_regional_variant_is_read_as_its_language_and_said(tag):
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', f'target-language="{tag}"'.encode())
    document = read_xliff(data, "guide.xlf")
    assert document.target_language == "zh-hans"
    assert any(tag in notice and "zh-Hans" in notice for notice in document.notices)


def test_a_target_language_equal_to_the_source_is_refused():
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', b'target-language="en"')
    assert "source language" in _error(data).reason


@pytest.mark.parametrize("attribute", [b"gc:source-version", b"gc:source-hash"])
def test_a_file_without_the_source_version_attributes_is_refused(attribute):
    data = re.sub(attribute + rb'="[^"]*"', b"", write_xliff(demo_document()))
    error = _error(data)
    assert attribute.decode() in error.reason and error.line == 3


def test_more_than_one_file_element_is_refused():
    data = write_xliff(demo_document())
    start, end = data.index(b"  <file"), data.index(b"</file>") + len(b"</file>\n")
    data = data[:end] + data[start:end] + data[end:]
    assert "exactly one <file>" in _error(data).reason


def test_duplicate_unit_ids_are_refused():
    data = write_xliff(demo_document()).replace(b'<trans-unit id="guide.summary.1.1"', b'<trans-unit id="guide.title.1.1"')
    error = _error(data)
    assert error.unit == "guide.title.1.1" and "used twice" in error.reason


def test_units_without_id_or_source_are_refused():
    data = write_xliff(demo_document())
    no_id = data.replace(b'<trans-unit id="guide.summary.1.1"', b"<trans-unit")
    assert "no id" in _error(no_id).reason
    no_source = re.sub(rb'<source xml:space="preserve">Muscle relaxants[^<]*</source>', b"", data)
    assert _error(no_source).unit == "guide.title.1.1"


def test_an_unknown_xliff_state_is_refused_naming_the_unit():
    data = write_xliff(demo_document()).replace(b'state="translated"', b'state="done"', 1)
    error = _error(data)
    assert error.unit == "guide.title.1.1" and "'done'" in error.reason


def test_a_file_that_is_not_utf8_says_so():
    data = write_xliff(demo_document()).replace("肌肉".encode(), "caf\xe9".encode("latin-1"))
    error = _error(data)
    assert "not valid UTF-8" in error.reason and "0xE9" in error.reason


def test_read_xliff_detailed_reports_what_the_file_claimed():
    data = write_xliff(demo_document()).replace(
        b'<trans-unit id="guide.title.1.1" resname="guide.title.1.1"',
        b'<trans-unit id="guide.title.1.1" resname="guide.title.1.1" approved="yes"',
    )
    result = read_xliff_detailed(data, "guide.xlf")
    assert result.ignored_approvals == ["guide.title.1.1"] == list(result.document.ignored_approvals)
    assert result.file_states["guide.title.1.1"].approved is True
    assert by_id(result.document)["guide.title.1.1"].state == "translated"


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252"])
def test_a_utf8_xliff_that_declares_a_one_byte_encoding_is_refused_not_stored_garbled(encoding):
    data = write_xliff(demo_document("es")).replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
    assert encoding.encode() in data
    error = _error(data)
    assert f"declares the encoding {encoding}, but its text is UTF-8" in error.reason
