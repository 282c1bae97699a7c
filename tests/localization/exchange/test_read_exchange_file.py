"""Uploads are recognised by content (then extension); anything else is refused saying what it is."""
import codecs

import pytest

from guide_cms.localization.exchange import ExchangeError, read_exchange_file, write_po, write_xliff, write_xliff2

from .documents import demo_document, same_units


def _reason(data: bytes, filename: str) -> str:
    with pytest.raises(ExchangeError) as caught:
        read_exchange_file(data, filename)
    assert caught.value.filename == filename
    return caught.value.reason


@pytest.mark.parametrize("filename", ["guide.xlf", "guide.xliff", "guide.po", "guide", "download.txt"])
def test_every_format_is_recognised_by_content_whatever_the_name(filename):
    document = demo_document()
    for write in (write_xliff, write_xliff2, write_po):
        assert same_units(read_exchange_file(write(document), filename), document)


def test_byte_order_marks_are_accepted():
    document = demo_document()
    assert same_units(read_exchange_file(codecs.BOM_UTF8 + write_po(document), "guide.po"), document)
    assert same_units(read_exchange_file(codecs.BOM_UTF8 + write_xliff(document), "guide.xlf"), document)
    utf16 = write_xliff(document).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert same_units(read_exchange_file(utf16, "guide.xlf"), document)


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"], ids=["empty", "blank"])
def test_an_empty_file_is_refused(data):
    assert "empty" in _reason(data, "guide.po")


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"%PDF-1.7\n", "PDF"),
        (b"\xde\x12\x04\x95\x00\x00\x00\x00", ".mo"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
    ids=["zip", "pdf", "mo", "png"],
)
def test_binary_files_are_refused_saying_what_they_are(data, expected):
    assert expected in _reason(data, "guide.po")


def test_a_utf16_po_file_is_refused_naming_the_encoding():
    data = write_po(demo_document()).decode("utf-8").encode("utf-16")
    assert "UTF-16" in _reason(data, "guide.po")
    assert "UTF-16" in _reason(data[2:], "guide.po")  # without a byte-order mark


def test_a_po_file_in_the_wrong_encoding_names_the_encoding_and_line():
    data = write_po(demo_document()).replace(b"charset=utf-8", b"charset=UTF-8")
    data = data.replace("肌肉松弛剂：治疗指南".encode(), b"Relajantes musculares" + b" \xf1")
    reason = _reason(data, "guide.po")
    line = data[: data.index(b"\xf1")].count(b"\n") + 1
    assert "not valid UTF-8" in reason and f"line {line}" in reason


def test_a_text_file_that_is_neither_format_is_refused():
    assert "neither XLIFF" in _reason("Títol: guia\n".encode(), "notes.txt")
    assert "neither XLIFF" in _reason(b"caf\xe9 au lait\n", "notes.txt")
