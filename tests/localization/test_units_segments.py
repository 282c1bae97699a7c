"""Units down to sentences, codes and Markdown written back (pure: no database)."""
import pytest

from guide_cms.localization.inline import BREAK, CLOSE, CODE, EM, LINK, OPEN, PH, STRONG, URL, Code, code_problems, from_tagged, to_tagged
from guide_cms.localization.segmentation import split_sentences
from guide_cms.localization.units import TextUnit, align_unit, compose_unit, snapshot_segments, unit_blocks

from .exchange.documents import parse_demo, snapshot


def body(text):
    return TextUnit("dosing.body", "dosing", "body", text)


@pytest.mark.parametrize("language, text, expected", [
    ("en", "Take 2.5 mg at night. Dr. Smith checks it! Rest?", ["Take 2.5 mg at night. ", "Dr. Smith checks it! ", "Rest?"]),
    ("zh-hans", "每天服用5毫克。不要开车！可以吗？", ["每天服用5毫克。", "不要开车！", "可以吗？"]),
    ("ar", "تناول 5 ملغ ليلًا. لا تقد السيارة؟ نعم!", ["تناول 5 ملغ ليلًا. ", "لا تقد السيارة؟ ", "نعم!"]),
    ("vi", "Uống 5 mg vào buổi tối. Không lái xe.", ["Uống 5 mg vào buổi tối. ", "Không lái xe."]),
    ("es", "Consulte al Dr. Pérez. Tome 1,5 mg.", ["Consulte al Dr. Pérez. ", "Tome 1,5 mg."]),
])
def test_icu_cuts_sentences_in_every_demo_language(language, text, expected):
    assert split_sentences(text, language) == expected


def test_a_body_is_cut_into_blocks_and_sentences_with_codes():
    text = ("Take **5 mg** at night. See [the leaflet](https://example.org/a) or `code`.\n\n"
            "> [!WARNING]\n> Do not drive. Ask first.\n\n- one item\n- two *items*  \n  on two lines\n\n<https://example.org>")
    blocks = unit_blocks(body(text), "en")
    assert [(b.id, b.kind, b.translatable) for b in blocks] == [
        ("dosing.body.1", "paragraph", True), ("dosing.body.2", "warning", True), ("dosing.body.3", "list item", True),
        ("dosing.body.4", "list item", True), ("dosing.body.5", "paragraph", False)]
    first = blocks[0].segments
    assert [s.id for s in first] == ["dosing.body.1.1", "dosing.body.1.2"]
    assert first[0].content == ("Take ", Code("1", OPEN, STRONG, "**"), "5 mg", Code("1", CLOSE, STRONG, "**"), " at night.")
    assert first[1].content[1] == Code("2", OPEN, LINK, "https://example.org/a") and first[1].content[-2] == Code("3", PH, CODE, "code")
    assert [c.type for c in blocks[3].segments[0].content if isinstance(c, Code)] == [EM, EM, BREAK]
    assert blocks[4].content == (Code("1", PH, URL, "https://example.org"),)


def test_emphasis_across_two_sentences_keeps_them_one_segment():
    [block] = unit_blocks(body("Rest. *Do not drive. Do not cycle.* Call us."), "en")
    assert [to_tagged(s.content) for s in block.segments] == ["Rest.", "<1>Do not drive. Do not cycle.</1>", "Call us."]


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans", "vi"])
def test_the_demo_translations_pair_with_the_source_and_compose_back_exactly(language):
    source, target = parse_demo("en"), parse_demo(language)
    target_snapshot = snapshot(target, [s.key for s in source.sections])
    targets = {s["key"]: s["body"] for s in target_snapshot["sections"]}
    for section in snapshot(source)["sections"]:
        unit = TextUnit(f"{section['key']}.body", section["key"], "body", section["body"])
        pairs = align_unit(unit, "en", targets[section["key"]], language)
        assert pairs, section["key"]
        assert compose_unit(unit, "en", pairs, language) == targets[section["key"]]


def test_composing_writes_the_sources_structure_and_codes_around_the_translation():
    source = body("1. Take *5 mg* daily. See [this](https://example.org/x).\n2. Rest.\n\n> [!TIP]\n> Use heat.")
    targets = {
        "dosing.body.1.1": ("Tome ", Code("1", OPEN), "5 mg", Code("1", CLOSE), " al día."),
        "dosing.body.1.2": ("Vea ", Code("2", OPEN), "esto", Code("2", CLOSE), "."),
        "dosing.body.2.1": ("Descanse [1] *no* <b>.",),
        "dosing.body.3.1": ("Use calor.",),
    }
    from guide_cms.localization.inline import with_source_codes

    blocks = {s.id: s.content for s in snapshot_segments({"sections": [{"key": "dosing", "title": "", "body": source.text}]}, "en")}
    typed = {k: with_source_codes(blocks[k], v) for k, v in targets.items()}
    assert compose_unit(source, "en", typed, "es") == (
        "1. Tome *5 mg* al día. Vea [esto](https://example.org/x).\n2. Descanse \\[1\\] \\*no\\* \\<b>.\n\n> [!TIP]\n> Use calor.")


def test_chinese_sentences_join_without_a_space():
    source = body("Take 5 mg. Do not drive.")
    assert compose_unit(source, "en", {"dosing.body.1.1": ("服用5毫克。",), "dosing.body.1.2": ("不要开车。",)}, "zh-hans") == "服用5毫克。不要开车。"


def test_a_translation_with_other_sentence_counts_pairs_block_by_block():
    pairs = align_unit(body("Take 5 mg. Do not drive.\n\nRest."), "en", "Tome 5 mg y no conduzca.\n\nDescanse.", "es")
    assert pairs == {"dosing.body.1": ("Tome 5 mg y no conduzca.",), "dosing.body.2.1": ("Descanse.",)}
    assert align_unit(body("Take 5 mg.\n\nRest."), "en", "Tome 5 mg y descanse.", "es") == {}


@pytest.mark.parametrize("target, problem", [
    ("<1>a</1><2/>", "<2/> is not in the source"),
    ("a", "<1> of the source is missing"),
    ("</1>a<1>", "misnested"),
    ("<1>a</1><1>b</1>", "more than once"),
])
def test_code_problems_name_the_code(target, problem):
    assert any(problem in p for p in code_problems(from_tagged("<1>x</1> y"), from_tagged(target)))


def test_tagged_forms_escape_text_that_looks_like_codes():
    content = ("a <1> & b", Code("1", OPEN), "c", Code("1", CLOSE))
    assert to_tagged(content) == "a &lt;1> &amp; b<1>c</1>"
    assert from_tagged(to_tagged(content)) == content
    assert to_tagged(content, po=True) == "a <<1> & b<1>c</1>"
    assert from_tagged(to_tagged(content, po=True), po=True) == content


def test_text_after_a_line_break_never_becomes_markup():
    from guide_cms.guides.markdown import find_problems

    source = body("Call us:  \n0800 123 456.")
    [block] = unit_blocks(source, "en")
    # A translator's line after the break starts with spaces and a "#": neither code block nor heading.
    translated = {s.id: tuple("    # " + i if isinstance(i, str) and i.startswith("0800") else i for i in s.content) for s in block.segments}
    text = compose_unit(source, "en", translated, "es")
    assert find_problems(text) == [] and "\\# 0800" in text


@pytest.mark.parametrize("text, expected", [
    ("<https://example.org> Call us. Then rest.", ["<1/> Call us.", "Then rest."]),
    ("Line one  \nLine two. Three.", ["Line one<1/>", "Line two.", "Three."]),
])
def test_placeholders_with_no_text_of_their_own_join_a_sentence(text, expected):
    [block] = unit_blocks(body(text), "en")
    assert [to_tagged(s.content) for s in block.segments] == expected
