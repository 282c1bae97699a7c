"""Word-level diffs of guide text and section-by-section comparison of snapshots."""
import dataclasses

import pytest
from django.utils.safestring import SafeString

from guide_cms.core.diffs import SectionDiff, diff_sections, diff_words, has_changes, tokenize

DEL = '<del class="diff-del">'
INS = '<ins class="diff-ins">'


def section(key, position, title, body):
    return {"key": key, "position": position, "title": title, "body": body}


def statuses(diffs):
    return [(diff.key, diff.status) for diff in diffs]


# diff_words


def test_a_changed_dose_marks_only_the_number():
    html = diff_words("Take 30 mg twice a day.", "Take 45 mg twice a day.")

    assert html == f"Take {DEL}30</del>{INS}45</ins> mg twice a day."


def test_unchanged_text_has_no_marks():
    html = diff_words("Take 5 mg.\nDo not drive.", "Take 5 mg.\nDo not drive.")

    assert html == "Take 5 mg.\nDo not drive."
    assert "<ins" not in html and "<del" not in html


def test_the_result_is_marked_safe():
    assert isinstance(diff_words("a", "b"), SafeString)


def test_html_in_either_side_is_escaped():
    html = diff_words("<script>alert(1)</script> & old", '<script>alert("x")</script> & new')

    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert f"{DEL}old</del>{INS}new</ins>" in html


def test_deleted_html_is_escaped_too():
    html = diff_words("Safe <img src=x onerror=alert(1)> text", "Safe text")

    assert "<img" not in html
    assert f"{DEL}&lt;img" in html


def test_a_deletion_alone_emits_only_del():
    assert diff_words("Take 5 mg daily.", "Take 5 mg.") == f"Take 5 mg{DEL} daily</del>."


def test_an_insertion_alone_emits_only_ins():
    assert diff_words("Take 5 mg.", "Take 5 mg daily.") == f"Take 5 mg{INS} daily</ins>."


def test_a_changed_phrase_is_one_del_and_one_ins():
    html = diff_words("Take with food.", "Avoid alcohol entirely.")

    assert html.count("<del") == 1 and html.count("<ins") == 1
    assert html == f"{DEL}Take with food</del>{INS}Avoid alcohol entirely</ins>."


def test_changes_separated_by_a_word_stay_separate():
    html = diff_words("Take 30 mg every 8 hours.", "Take 45 mg every 6 hours.")

    assert html == f"Take {DEL}30</del>{INS}45</ins> mg every {DEL}8</del>{INS}6</ins> hours."


def test_chinese_numbers_between_words_are_marked_alone():
    html = diff_words("每天服用5毫克", "每天服用10毫克")

    assert html == f"每天服用{DEL}5</del>{INS}10</ins>毫克"


def test_a_changed_chinese_word_is_marked_whole():
    # "every day" became "every week": the word 每周, not the character 周 inside 每天.
    assert diff_words("每天服用", "每周服用") == f"{DEL}每天</del>{INS}每周</ins>服用"


def test_a_one_character_chinese_word_is_marked_alone():
    assert diff_words("饭前服用。", "饭后服用。") == f"饭{DEL}前</del>{INS}后</ins>服用。"


def test_chinese_japanese_and_thai_come_out_as_words():
    # ICU's word breaker, with its dictionaries: not one token per character, not one token per run.
    assert tokenize("每天服用5毫克") == ["每天", "服用", "5", "毫克"]
    assert tokenize("くすりを飲む") == ["くすり", "を", "飲む"]
    assert tokenize("กินยาวันละสองครั้ง") == ["กิน", "ยา", "วัน", "ละ", "สอง", "ครั้ง"]


def test_a_changed_thai_word_is_marked_alone():
    html = diff_words("กินยาวันละสองครั้ง", "กินยาวันละสามครั้ง")

    assert html == f"กินยาวันละ{DEL}สอง</del>{INS}สาม</ins>ครั้ง"


def test_korean_words_are_the_words_between_spaces():
    assert tokenize("하루 두 번") == ["하루", " ", "두", " ", "번"]


def test_characters_beyond_the_basic_plane_are_cut_where_icu_cuts():
    # ICU counts UTF-16 units; the tokens must still be whole characters that join back to the text.
    text = "𠀀𠀁服用。"
    assert "".join(tokenize(text)) == text
    assert tokenize(text)[-2:] == ["服用", "。"]


def test_latin_text_is_tokenized_as_before_icu():
    assert tokenize("Take 3.5 mg, don't 10 m²") == ["Take", " ", "3", ".", "5", " ", "mg", ",", " ", "don", "'", "t", " ", "10", " ", "m²"]


def test_words_whitespace_and_punctuation_are_separate_tokens():
    assert tokenize("Take 30 mg,\n\ttwice.") == ["Take", " ", "30", " ", "mg", ",", "\n\t", "twice", "."]


def test_arabic_text_round_trips_unchanged():
    text = "تناوَلْ ٣٠ ملغ مرتين يوميًا.\nلا تقُد السيارة."

    assert diff_words(text, text) == text


def test_arabic_words_keep_their_diacritics():
    assert tokenize("مَرَّتَيْنِ يوميًا") == ["مَرَّتَيْنِ", " ", "يوميًا"]


def test_a_changed_arabic_word_is_marked_alone():
    html = diff_words("تناول ٣٠ ملغ مرتين يوميا", "تناول ٤٥ ملغ مرتين يوميا")

    assert html == f"تناول {DEL}٣٠</del>{INS}٤٥</ins> ملغ مرتين يوميا"


def test_vietnamese_words_are_whole_tokens():
    html = diff_words("Uống 30 mg mỗi ngày.", "Uống 45 mg mỗi ngày.")

    assert html == f"Uống {DEL}30</del>{INS}45</ins> mg mỗi ngày."


def test_newlines_are_preserved():
    html = diff_words("- Take 5 mg.\n- Drink water.\n\nCall us.", "- Take 10 mg.\n- Drink water.\n\nCall us.")

    assert html == f"- Take {DEL}5</del>{INS}10</ins> mg.\n- Drink water.\n\nCall us."


def test_an_added_line_keeps_its_newline_inside_the_insertion():
    html = diff_words("First.", "First.\nSecond.")

    assert html == f"First.{INS}\nSecond.</ins>"


def test_windows_line_endings_are_not_a_change():
    assert diff_words("One.\r\nTwo.", "One.\nTwo.") == "One.\nTwo."


def test_empty_old_text_is_all_inserted():
    assert diff_words("", "Take <b>5</b> mg.") == f"{INS}Take &lt;b&gt;5&lt;/b&gt; mg.</ins>"


# diff_sections

OLD = [
    section("dosing", 1, "Dosing", "Take 30 mg."),
    section("warnings", 2, "Warnings", "Do not drive."),
    section("storage", 3, "Storage", "Keep cool."),
]


def test_sections_are_matched_by_key_and_given_a_status():
    new = [
        section("dosing", 1, "Dosing", "Take 45 mg."),
        section("warnings", 2, "Warnings", "Do not drive."),
        section("contact", 3, "Contact", "Call us."),
    ]

    diffs = diff_sections(OLD, new)

    assert statuses(diffs) == [
        ("dosing", "changed"),
        ("warnings", "unchanged"),
        ("storage", "removed"),
        ("contact", "added"),
    ]


def test_a_changed_section_diffs_its_body_by_word():
    new = [section("dosing", 1, "Dosing", "Take 45 mg."), *OLD[1:]]

    dosing = diff_sections(OLD, new)[0]

    assert dosing.status == "changed"
    assert dosing.title_html == "Dosing"
    assert dosing.body_html == f"Take {DEL}30</del>{INS}45</ins> mg."


def test_a_changed_title_alone_makes_the_section_changed():
    new = [section("dosing", 1, "How much to take", "Take 30 mg."), *OLD[1:]]

    dosing = diff_sections(OLD, new)[0]

    assert dosing.status == "changed"
    assert (dosing.old_title, dosing.new_title) == ("Dosing", "How much to take")
    assert dosing.title_html == f"{DEL}Dosing</del>{INS}How much to take</ins>"
    assert dosing.body_html == "Take 30 mg."


def test_unchanged_sections_have_plain_escaped_html():
    old = [section("dosing", 1, "Dose <1>", "Take < 5 mg.")]

    diff = diff_sections(old, old)[0]

    assert diff.status == "unchanged"
    assert diff.title_html == "Dose &lt;1&gt;"
    assert diff.body_html == "Take &lt; 5 mg."


def test_an_added_section_is_all_inserted():
    new = [*OLD, section("contact", 4, "Contact", "Call us.")]

    contact = diff_sections(OLD, new)[-1]

    assert contact.status == "added"
    assert (contact.old_title, contact.new_title) == ("", "Contact")
    assert contact.title_html == f"{INS}Contact</ins>"
    assert contact.body_html == f"{INS}Call us.</ins>"


def test_a_removed_section_is_all_deleted():
    new = [OLD[0], OLD[2]]

    warnings = diff_sections(OLD, new)[1]

    assert warnings.key == "warnings"
    assert warnings.status == "removed"
    assert (warnings.old_title, warnings.new_title) == ("Warnings", "")
    assert warnings.title_html == f"{DEL}Warnings</del>"
    assert warnings.body_html == f"{DEL}Do not drive.</del>"


def test_a_removed_section_follows_the_section_before_it_in_old():
    new = [section("dosing", 1, "Dosing", "Take 30 mg."), section("storage", 2, "Storage", "Keep cool.")]

    assert [diff.key for diff in diff_sections(OLD, new)] == ["dosing", "warnings", "storage"]


def test_consecutive_removed_sections_keep_their_old_order():
    new = [section("dosing", 1, "Dosing", "Take 30 mg.")]

    assert statuses(diff_sections(OLD, new)) == [
        ("dosing", "unchanged"),
        ("warnings", "removed"),
        ("storage", "removed"),
    ]


def test_a_removed_section_follows_its_old_neighbour_after_a_reorder():
    new = [
        section("storage", 1, "Storage", "Keep cool."),
        section("warnings", 2, "Warnings", "Do not drive."),
        section("contact", 3, "Contact", "Call us."),
    ]
    old = [*OLD, section("side-effects", 4, "Side effects", "Drowsiness.")]

    # "dosing" was first in old, so it stays first; "side-effects" followed "storage".
    keys = [diff.key for diff in diff_sections(old, new)]

    assert keys == ["dosing", "storage", "side-effects", "warnings", "contact"]


def test_a_removed_first_section_comes_first():
    new = [section("warnings", 1, "Warnings", "Do not drive."), section("storage", 2, "Storage", "Keep cool.")]

    assert statuses(diff_sections(OLD, new)) == [
        ("dosing", "removed"),
        ("warnings", "unchanged"),
        ("storage", "unchanged"),
    ]


def test_output_follows_the_new_positions_not_the_list_order():
    new = [
        section("storage", 3, "Storage", "Keep cool."),
        section("dosing", 1, "Dosing", "Take 30 mg."),
        section("warnings", 2, "Warnings", "Do not drive."),
    ]

    assert [diff.key for diff in diff_sections(list(reversed(OLD)), new)] == ["dosing", "warnings", "storage"]


def test_a_moved_but_identical_section_is_unchanged():
    new = [
        section("warnings", 1, "Warnings", "Do not drive."),
        section("dosing", 2, "Dosing", "Take 30 mg."),
        section("storage", 3, "Storage", "Keep cool."),
    ]

    assert statuses(diff_sections(OLD, new)) == [
        ("warnings", "unchanged"),
        ("dosing", "unchanged"),
        ("storage", "unchanged"),
    ]


def test_without_an_earlier_version_every_section_is_added():
    diffs = diff_sections(None, OLD)

    assert statuses(diffs) == [("dosing", "added"), ("warnings", "added"), ("storage", "added")]
    assert diffs[0].title_html == f"{INS}Dosing</ins>"
    assert diffs[0].body_html == f"{INS}Take 30 mg.</ins>"


def test_empty_bodies_give_empty_html():
    diff = diff_sections(None, [section("intro", 1, "Intro", "")])[0]

    assert diff.body_html == ""


def test_section_diff_is_frozen():
    diff = diff_sections(OLD, OLD)[0]

    assert isinstance(diff, SectionDiff)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diff.status = "changed"


# has_changes


def test_identical_snapshots_have_no_changes():
    assert has_changes(diff_sections(OLD, OLD)) is False


@pytest.mark.parametrize(
    "new",
    [
        [*OLD, section("contact", 4, "Contact", "Call us.")],
        OLD[:2],
        [section("dosing", 1, "Dosing", "Take 45 mg."), *OLD[1:]],
    ],
    ids=["added", "removed", "changed"],
)
def test_any_added_removed_or_changed_section_is_a_change(new):
    assert has_changes(diff_sections(OLD, new)) is True


def test_a_first_version_has_changes():
    assert has_changes(diff_sections(None, OLD)) is True


def test_no_sections_have_no_changes():
    assert has_changes([]) is False


# What a reader copies from a diff: the new text (without the struck words) or the old one.

def _side(html: str, drop: str) -> str:
    import html as html_module
    import re

    kept = re.sub(rf'<{drop} class="diff-{drop}">.*?</{drop}>', "", str(html), flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", "", kept))


@pytest.mark.parametrize("old", ["", "with", "with baclofen", "Take it with food", "with Baclofen"])
def test_copying_a_diff_of_latin_text_keeps_its_spaces(old):
    html = diff_words(old, "with Baclofen")

    assert _side(html, "del") == "with Baclofen"
    assert "withBaclofen" not in _side(html, "del")
    assert _side(html, "ins") == old


def test_copying_a_diff_keeps_its_spaces_in_every_script():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    words = st.sampled_from(["with", "Baclofen", "每天", "服用", "毫克", "กิน", "ยา", "مرتين", "mỗi", "5", "3.5", " ", "\n", "。", ", "])
    texts = st.lists(words, max_size=12).map("".join)

    @settings(max_examples=150, deadline=None)
    @given(texts, texts)
    def check(old, new):
        html = diff_words(old, new)
        assert _side(html, "del") == new
        assert _side(html, "ins") == old

    check()
