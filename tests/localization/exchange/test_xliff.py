"""XLIFF 1.2 exchange files: exact round trips, stable bytes, and safe, strict reading."""
import re
import time

import pytest

from guide_cms.localization.exchange import ExchangeError, read_xliff, read_xliff_detailed, write_xliff

from .documents import SOURCE_HASH, by_id, demo_document


def _error(data: bytes, filename: str = "guide.zh.xlf") -> ExchangeError:
    with pytest.raises(ExchangeError) as caught:
        read_xliff(data, filename)
    return caught.value


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_xliff_round_trip_keeps_demo_texts_exactly(language):
    document = demo_document(language)
    assert read_xliff(write_xliff(document), "guide.xlf") == document


def test_xliff_keeps_callouts_quotes_and_markup_characters_as_text():
    data = write_xliff(demo_document("ar"))
    units = by_id(read_xliff(data, "guide.xlf"))
    assert "> [!WARNING]\n" in units["what-to-expect-from-treatment.body"].target
    assert units["dose-table.body"].source.startswith(' Take <5 mg> & "no more"')
    assert "\r\n" in units["dose-table.body"].source  # a bare parser would turn \r into \n
    assert b"&lt;5 mg&gt; &amp;" in data and b"&#13;" in data


def test_xliff_export_is_byte_identical_when_repeated():
    data = write_xliff(demo_document())
    assert write_xliff(demo_document()) == data
    assert write_xliff(read_xliff(data, "guide.xlf")) == data


def test_xliff_header_carries_languages_as_bcp47_and_the_source_version():
    text = write_xliff(demo_document("zh-hans")).decode("utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert 'xmlns="urn:oasis:names:tc:xliff:document:1.2"' in text
    assert 'source-language="en" target-language="zh-Hans" datatype="plaintext"' in text
    assert f'gc:source-version="3" gc:source-hash="{SOURCE_HASH}"' in text
    assert '<trans-unit id="guide.title" resname="guide.title">' in text


def test_our_states_are_written_as_xliff_1_2_states():
    text = write_xliff(demo_document()).decode("utf-8")
    states = re.findall(r'<target state="([^"]+)"', text)
    assert set(states) == {"translated", "needs-review-translation", "new"}
    assert "approved" not in text and "final" not in text


def test_a_unit_without_target_reads_as_new():
    data = re.sub(rb'\s*<target state="new"[^>]*/?>(</target>)?', b"", write_xliff(demo_document()))
    unit = by_id(read_xliff(data, "guide.xlf"))["dose-table.body"]
    assert (unit.target, unit.state) == ("", "new")


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


def test_inline_tags_in_a_target_are_refused_naming_the_unit():
    data = write_xliff(demo_document()).replace(
        "肌肉松弛剂：治疗指南".encode(), '<g id="1">肌肉松弛剂</g>：<x id="2"/>治疗指南'.encode()
    )
    error = _error(data)
    assert error.unit == "guide.title"
    assert "<g>" in error.reason and "<x>" in error.reason and "plain text" in error.reason
    assert str(error).startswith(f"guide.zh.xlf, line {error.line}, unit 'guide.title': ")


def test_every_unit_with_inline_tags_is_reported_at_once():
    data = write_xliff(demo_document())
    for text in ("肌肉松弛剂：治疗指南", "现有的治疗选择"):
        data = data.replace(text.encode(), f'<ph id="1">{{1}}</ph>{text}'.encode())
    error = _error(data)
    assert [problem.unit for problem in error.problems] == ["guide.title", "available-treatment-options.title"]
    assert "guide.title" in str(error) and "available-treatment-options.title" in str(error)


def test_segment_markers_are_not_inline_tags():
    data = write_xliff(demo_document()).replace(
        "肌肉松弛剂：治疗指南".encode(), '<mrk mtype="seg" mid="1">肌肉松弛剂：治疗指南</mrk>'.encode()
    )
    assert by_id(read_xliff(data, "guide.xlf"))["guide.title"].target == "肌肉松弛剂：治疗指南"


def test_xliff_2_file_is_refused_with_a_clear_message():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="zh-Hans">
  <file id="f1"><unit id="guide.title"><segment><source>Title</source></segment></unit></file>
</xliff>"""
    error = _error(data)
    assert "XLIFF 2" in error.reason and "XLIFF 1.2" in error.reason and error.line == 2


@pytest.mark.parametrize(
    "namespace", [b'xmlns="urn:example:not-xliff"', b""], ids=["other namespace", "no namespace"]
)
def test_xliff_in_the_wrong_namespace_is_refused(namespace):
    data = write_xliff(demo_document()).replace(b'xmlns="urn:oasis:names:tc:xliff:document:1.2"', namespace)
    assert "not the XLIFF 1.2 namespace" in _error(data).reason


def test_a_file_that_is_not_xliff_is_refused():
    assert "not an XLIFF file" in _error(b"<html><body>hi</body></html>").reason


@pytest.mark.parametrize("tag", [b"fr", b"zh-CN", b""])
def test_unknown_target_language_is_refused(tag):
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', b'target-language="' + tag + b'"')
    error = _error(data)
    assert "target-language" in error.reason and error.line == 3


@pytest.mark.parametrize("tag, code", [("zh-Hans", "zh-hans"), ("ZH-HANS", "zh-hans"), ("zh_Hans", "zh-hans"), ("AR", "ar")])
def test_target_language_tags_map_back_to_django_codes(tag, code):
    data = write_xliff(demo_document()).replace(b'target-language="zh-Hans"', f'target-language="{tag}"'.encode())
    assert read_xliff(data, "guide.xlf").target_language == code


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
    data = write_xliff(demo_document()).replace(b'id="guide.summary"', b'id="guide.title"')
    error = _error(data)
    assert error.unit == "guide.title" and "used twice" in error.reason


def test_units_without_id_or_source_are_refused():
    data = write_xliff(demo_document())
    no_id = data.replace(b'<trans-unit id="guide.summary"', b"<trans-unit")
    assert "no id" in _error(no_id).reason
    no_source = re.sub(rb'<source xml:space="preserve">Muscle relaxants[^<]*</source>', b"", data)
    assert _error(no_source).unit == "guide.title"


def test_an_unknown_xliff_state_is_refused_naming_the_unit():
    data = write_xliff(demo_document()).replace(b'state="translated"', b'state="done"', 1)
    error = _error(data)
    assert error.unit == "guide.title" and "'done'" in error.reason


def test_a_file_that_is_not_utf8_says_so():
    data = write_xliff(demo_document()).replace("肌肉".encode(), "caf\xe9".encode("latin-1"))
    error = _error(data)
    assert "not valid UTF-8" in error.reason and "0xE9" in error.reason


def test_read_xliff_detailed_reports_what_the_file_claimed():
    data = write_xliff(demo_document()).replace(
        b'<trans-unit id="guide.title" resname="guide.title">',
        b'<trans-unit id="guide.title" resname="guide.title" approved="yes">',
    )
    result = read_xliff_detailed(data, "guide.xlf")
    assert result.ignored_approvals == ["guide.title"]
    assert result.file_states["guide.title"].approved is True
    assert by_id(result.document)["guide.title"].state == "translated"
