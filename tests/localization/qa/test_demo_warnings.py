"""The translation checks against the real demo guide, warnings: a length or readability warning never blocks;
a summary instead of a translation is an error."""

from guide_cms.localization.qa import INFO, WARNING, has_errors

from .demo_texts import OPTIONS, errors, only, run, sections


def test_translation_summarised_instead_of_translated_is_an_error():
    # The translator summarised the section instead of translating it: text a patient needs is missing
    # (the issue: a translation with missing sentences cannot be submitted), so it is an error now, and the
    # reviewer still sees the length warning.
    target = sections("es")
    first = target[0]["body"].split("\n\n")[0]
    target[0]["body"] = first + "\n\nBaclofen es más adecuado para la espasticidad."

    findings = run("es", target)

    assert ("cut-short", OPTIONS) in errors(findings)
    [finding] = only(findings, "length-ratio")
    assert (finding.severity, finding.section) == (WARNING, OPTIONS)
    assert "much shorter" in finding.message


def test_translation_pasted_twice_is_only_a_length_warning():
    target = sections("es")
    target[0]["body"] = target[0]["body"] + "\n\n" + target[0]["body"]

    findings = run("es", target)

    assert not has_errors(findings)
    assert [(f.code, f.severity) for f in findings if f.code == "length-ratio"] == [("length-ratio", WARNING)]


def test_chinese_is_expected_to_be_shorter_than_english():
    findings = run("zh-hans", sections("zh-hans"))

    assert not only(findings, "length-ratio")


def test_readability_not_available_is_info_reported_once_for_the_guide():
    findings = run("vi", sections("vi"))

    assert [(f.severity, f.section, f.message) for f in only(findings, "readability")] == [
        (INFO, "", "readability: not available for Vietnamese")
    ]
