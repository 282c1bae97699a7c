"""Rules both formats share: languages, states, what a file can carry, how errors read."""
import pytest

from guide_cms.localization.exchange import (
    ExchangeDocument,
    ExchangeError,
    ExchangeUnit,
    language_from_tag,
    language_tag,
    read_po,
    read_xliff,
    section_unit_id,
    read_xliff2,
    write_po,
    write_xliff,
    write_xliff2,
)

from .documents import SOURCE_HASH, by_id, demo_document

WRITERS = [write_xliff, write_xliff2, write_po]
ROUND_TRIPS = [(write_xliff, read_xliff), (write_xliff2, read_xliff2), (write_po, read_po)]


def _document(*units, **fields) -> ExchangeDocument:
    values = dict(guide="g", source_language="en", target_language="es", source_version=1, source_hash=SOURCE_HASH)
    values.update(fields)
    return ExchangeDocument(units=tuple(units), **values)


@pytest.mark.parametrize("code, tag", [("en", "en"), ("es", "es"), ("ar", "ar"), ("zh-hans", "zh-Hans"), ("vi", "vi")])
def test_django_codes_and_bcp47_tags_map_both_ways(code, tag):
    assert language_tag(code) == tag
    assert language_from_tag(tag) == language_from_tag(tag.upper()) == language_from_tag(tag.replace("-", "_")) == code


@pytest.mark.parametrize("tag", ["zh-TW", "zh-Hant", "zh-HK", "fr", "pt-BR", "", "x-klingon"])
def test_other_languages_and_scripts_are_not_guessed(tag):
    assert language_from_tag(tag) is None


@pytest.mark.parametrize("tag, code", [("zh-CN", "zh-hans"), ("zh", "zh-hans"), ("zh-Hans-SG", "zh-hans"), ("es-ES", "es"), ("es-419", "es"), ("ar-EG", "ar"), ("vi-VN", "vi")])
def test_a_regional_variant_is_read_as_the_one_configured_language_of_its_script(tag, code):
    assert language_from_tag(tag) == code


def test_section_unit_ids_name_the_section_and_field():
    assert section_unit_id("dosing", "body") == "dosing.body"
    with pytest.raises(ValueError):
        section_unit_id("dosing", "summary")


@pytest.mark.parametrize("write, read", ROUND_TRIPS)
def test_a_draft_marked_new_comes_back_as_needs_review_and_no_text_as_new(write, read):
    document = _document(
        ExchangeUnit("a.title.1.1", ("Dose",), ("Dosis",), "new"),
        ExchangeUnit("a.body.1.1", ("Take 5 mg.",), (), "translated"),
    )
    units = by_id(read(write(document), "f"))
    assert units["a.title.1.1"].state == "needs-review"
    assert units["a.body.1.1"].state == "new"


@pytest.mark.parametrize("write", WRITERS)
@pytest.mark.parametrize(
    "document, expected",
    [
        (_document(ExchangeUnit("a.title.1.1", (), (), "new")), "source text is empty"),
        (_document(ExchangeUnit("a.title.1.1", ("x",), (), "new"), ExchangeUnit("a.title.1.1", ("y",), (), "new")), "two units"),
        (_document(ExchangeUnit("a.title.1.1", ("x",), (), "approved")), "unknown state"),
        (_document(ExchangeUnit("a.title.1.1", ("x\x00",), (), "new")), r"U\+0000"),
        (_document(ExchangeUnit("a.title.1.1", ("x",), ("\x1b[1m",), "translated")), r"U\+001B"),
        (_document(source_hash="abc"), "SHA-256"),
        (_document(target_language="zh-Hans"), "configured language"),
        (_document(target_language="en"), "source language"),
    ],
    ids=["empty source", "duplicate id", "unknown state", "NUL", "escape", "bad hash", "tag not code", "same lang"],
)
def test_writers_refuse_documents_a_file_cannot_carry(write, document, expected):
    with pytest.raises(ExchangeError, match=expected):
        write(document)


def test_a_section_keyed_guide_cannot_hide_the_guide_title():
    document = _document(ExchangeUnit("guide.title.1.1", ("Title",), (), "new"), ExchangeUnit("guide.title.1.1", ("Sec",), (), "new"))
    for write in WRITERS:
        with pytest.raises(ExchangeError, match="two units"):
            write(document)


@pytest.mark.parametrize("write, read", ROUND_TRIPS)
def test_every_configured_target_language_round_trips(write, read):
    for language in ("es", "ar", "zh-hans", "vi"):
        document = _document(ExchangeUnit("a.title.1.1", ("Dose",), ("Dosis",), "translated"), target_language=language)
        assert read(write(document), "f") == document


def test_error_messages_name_the_file_then_line_then_unit():
    error = ExchangeError("bad.", filename="g.xlf", line=12, unit="dosing.body")
    assert str(error) == "g.xlf, line 12, unit 'dosing.body': bad."
    assert str(ExchangeError("bad.", filename="g.po")) == "g.po: bad."
    assert isinstance(error, ValueError)


def test_demo_document_uses_the_real_fixture_texts_one_sentence_per_unit():
    units = by_id(demo_document("ar"))
    assert units["what-to-expect-from-treatment.body.4.1"].kind == "warning"
    assert units["available-treatment-options.body.1.1"].source == ("When conservative measures aren't enough, we turn to pharmacological options.",)
    assert len([u for u in units if u.startswith("available-treatment-options.body.1.")]) == 3
