"""The translation checks against the real demo guide, markup: raw HTML and unsafe links are errors with their line."""

from guide_cms.localization.qa import check_source

from .demo_texts import EXPECT, OPTIONS, SELF_CARE, edit, errors, only, run, sections


def test_raw_html_in_chinese_is_a_markup_error_with_its_line():
    target = edit(sections("zh-hans"), EXPECT, "> [!WARNING]", '<span style="color:red">注意</span>\n\n> [!WARNING]')

    findings = run("zh-hans", target)

    assert errors(findings) == [("markup", EXPECT)]
    message = only(findings, "markup")[0].message
    assert message.startswith("Line 7 of the section text:") and "HTML" in message


def test_unsafe_link_is_a_markup_error():
    target = edit(sections("vi"), SELF_CARE, "chườm nóng mới là", "[chườm nóng](javascript:alert(1)) mới là")

    assert errors(run("vi", target)) == [("markup", SELF_CARE)]


def test_source_with_raw_html_is_a_markup_error():
    source = edit(sections("en"), OPTIONS, "Diazepam .", "<b>Diazepam</b>.")

    assert ("markup", OPTIONS) in errors(check_source(source))
