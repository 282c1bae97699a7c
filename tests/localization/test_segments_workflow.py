"""A translator's round trips segment by segment, through the real services and real files."""
import re

import pytest

from guide_cms.guides.models import ChangeClass, Section
from guide_cms.localization.drafts import translation_draft
from guide_cms.localization.exchange import read_exchange_file, read_po, write_po
from guide_cms.localization.models import MemoryEntry
from guide_cms.localization.services import translation_document, translation_export, translation_import
from guide_cms.review.services import SubmissionRefused, version_submit

BODY_EN = "Take *5 mg* at night. Read [the leaflet](https://example.org/leaflet) first. Do not drive afterwards."
BODY_ES = "Tome *5 mg* por la noche. Lea [el prospecto](https://example.org/leaflet) antes. No conduzca después."


@pytest.fixture
def wf(workflow):
    Section.objects.filter(key="dosing").update(body_en=BODY_EN, body_es=BODY_ES)
    workflow.approve("en")
    return workflow


def export(wf, fmt="xliff"):
    return translation_export(guide=wf.guide, language="es", fmt=fmt, user=wf.translator_es)


def reimport(wf, data, name, **kwargs):
    return translation_import(document=read_exchange_file(data, name), user=wf.translator_es, filename=name, **kwargs)


def test_a_body_is_exported_one_sentence_per_unit_with_its_codes(wf):
    data, _name = export(wf)
    text = data.decode()
    assert '<trans-unit id="dosing.body.1.1" resname="dosing.body.1.1" gc:kind="paragraph">' in text
    assert 'Take <g id="1" ctype="italic">5 mg</g> at night.</source>' in text
    assert 'Lea <g id="2" ctype="link">el prospecto</g> antes.</target>' in text
    assert "https://example.org/leaflet" not in re.sub(r"<note.*?</note>", "", text, flags=re.S)


def test_a_cat_tool_segment_left_empty_is_reported_and_nothing_of_its_unit_is_applied(wf):
    data, name = export(wf)
    # A Trados-like tool cut "dosing.body.1.2" in two and translated only the first half.
    segmented = data.replace(
        b'Read <g id="2" ctype="link">the leaflet</g> first.</source>',
        (b'Read <g id="2" ctype="link">the leaflet</g> first.</source>\n          <seg-source><mrk mtype="seg" mid="1">Read '
         b'<g id="2" ctype="link">the leaflet</g></mrk> <mrk mtype="seg" mid="2">first.</mrk></seg-source>'),
    ).replace(
        b'Lea <g id="2" ctype="link">el prospecto</g> antes.</target>',
        b'<mrk mtype="seg" mid="1">Lea <g id="2" ctype="link">el folleto</g></mrk> <mrk mtype="seg" mid="2"></mrk></target>',
    )
    report = reimport(wf, segmented, name)
    assert report.incomplete == [("dosing.body.1.2", ["2"])]
    assert "dosing.body.1.2" not in report.applied_ids
    assert Section.objects.get(key="dosing").body_es == BODY_ES  # no sentence silently lost


@pytest.mark.parametrize("lost_or_extra", ["lost", "extra"])
def test_a_cat_tool_segment_lost_or_invented_refuses_the_file(wf, lost_or_extra):
    data, name = export(wf)
    seg_source = '<seg-source><mrk mtype="seg" mid="1">Take <g id="1" ctype="italic">5 mg</g> at night.</mrk></seg-source>'
    targets = {"lost": "Tome <g id=\"1\">5 mg</g> por la noche.",
               "extra": '<mrk mtype="seg" mid="1">Tome <g id="1">5 mg</g></mrk> <mrk mtype="seg" mid="9">por la noche.</mrk>'}
    broken = re.sub(
        rb'(<trans-unit id="dosing.body.1.1".*?</source>)(\s*<target[^>]*>).*?(</target>)',
        lambda m: m.group(1) + b"\n          " + seg_source.encode() + m.group(2) + targets[lost_or_extra].encode() + m.group(3),
        data, flags=re.S,
    )
    if lost_or_extra == "lost":
        broken = broken.replace(b'mid="1">Take', b'mid="1">Take', 1).replace(
            b'<seg-source><mrk mtype="seg" mid="1">', b'<seg-source><mrk mtype="seg" mid="0">Note.</mrk> <mrk mtype="seg" mid="1">')
    from guide_cms.localization.exchange import ExchangeError

    with pytest.raises(ExchangeError) as error:
        reimport(wf, broken, name)
    assert error.value.unit == "dosing.body.1.1"


def test_a_fuzzy_po_entry_stays_needing_review_through_import_preview_reexport_and_submission(wf, client):
    data, name = export(wf, "po")
    edited = data.replace('msgstr "No conduzca después."'.encode(), b'#, fuzzy\nmsgstr "No conduzca luego."')
    edited = re.sub(rb'(#\. gc:kind paragraph\n)((?:#\..*\n)*)(msgctxt "dosing.body.1.3")', rb"\1\2#, fuzzy\n\3", data.replace(
        'msgstr "No conduzca después."'.encode(), b'msgstr "No conduzca luego."'))
    assert edited.count(b"#, fuzzy") == 1
    client.force_login(wf.translator_es)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile(name, edited)}).content.decode()
    assert "needs review" in page and '<del class="diff-del">después</del><ins class="diff-ins">luego</ins>' in page
    report = reimport(wf, edited, name)
    assert report.needs_review == ["dosing.body.1.3"]
    assert Section.objects.get(key="dosing").body_es == BODY_ES.replace("después", "luego")
    assert translation_draft(wf.guide, "es").item("dosing.body.1.3").state == "needs-review"
    again, _ = export(wf, "po")
    entry = again[again.index(b'msgctxt "dosing.body.1.3"') - 120: again.index(b'msgctxt "dosing.body.1.3"')]
    assert b"#, fuzzy" in entry
    with pytest.raises(SubmissionRefused, match="dosing.body.1.3"):
        version_submit(guide=wf.guide, language="es", user=wf.translator_es)


def test_whitespace_a_tool_reflowed_in_the_source_is_not_a_change(wf):
    data, name = export(wf)
    reflowed = data.replace(b"Take <g", b"\n            Take   <g").replace(b"at night.</source>", b"at\n  night.\n        </source>")
    reflowed = reflowed.replace(b"Tome <g id=\"1\" ctype=\"italic\">5 mg</g> por la noche.", b"Tome <g id=\"1\">5 mg</g> cada noche.")
    report = reimport(wf, reflowed, name)
    assert report.stale == [] and report.applied_ids == ["dosing.body.1.1"]
    assert Section.objects.get(key="dosing").body_es.startswith("Tome *5 mg* cada noche.")


def test_after_a_clinical_change_of_one_sentence_only_it_needs_translating(wf):
    wf.approve("es")
    assert MemoryEntry.objects.filter(language="es", signed=True, guide_slug="baclofen").count() == 8
    entry = MemoryEntry.objects.get(context="dosing.body", segment="dosing.body.1.3")
    assert (entry.target, entry.version_number, entry.signers) == ("No conduzca después.", 1, wf.reviewer.staff_profile.printed_name)
    wf.edit("dosing", "en", BODY_EN.replace("Do not drive afterwards.", "Do not drive for 8 hours afterwards."))
    wf.approve("en", ChangeClass.CLINICAL)
    draft = translation_draft(wf.guide, "es")
    assert [item.id for item in draft.stale] == ["dosing.body.1.3"]
    document = translation_document(guide=wf.guide, language="es", user=wf.translator_es)
    states = {unit.id: unit.state for unit in document.units}
    assert [uid for uid, state in states.items() if state != "memory"] == ["dosing.body.1.3"]
    assert states["dosing.body.1.3"] == "fuzzy"
    changed = next(unit for unit in document.units if unit.id == "dosing.body.1.3")
    assert changed.match.score < 100 and "signed by" in changed.match.origin
    data = write_po(document)
    assert data.count(b"#, gc-memory") == len(states) - 1
    # The translator fixes the one sentence; the rest come back as they were, from memory.
    fixed = data.replace(b'msgstr "No conduzca despu\xc3\xa9s."', "msgstr \"No conduzca durante 8 horas después.\"".encode())
    fixed = fixed.replace(b"#, fuzzy, gc-fuzzy-match\n", b"")
    report = translation_import(document=read_po(fixed, "es.po"), user=wf.translator_es, filename="es.po")
    assert report.needs_review == []
    assert Section.objects.get(key="dosing").body_es.endswith("No conduzca durante 8 horas después.")
    version = version_submit(guide=wf.guide, language="es", user=wf.translator_es)
    assert version.source_version.number == 2


def test_a_from_memory_claim_for_text_the_memory_does_not_hold_is_translated(wf):
    data, name = export(wf, "po")
    claimed = data.replace(b'msgctxt "dosing.body.1.1"', b'#, gc-memory\nmsgctxt "dosing.body.1.1"').replace(
        b"Tome <1>5 mg</1> por la noche.", b"Tome <1>5 mg</1> cada noche.")
    reimport(wf, claimed, name)
    assert translation_draft(wf.guide, "es").item("dosing.body.1.1").state == "translated"


def test_a_target_missing_a_code_is_refused_naming_the_unit(wf):
    data, name = export(wf, "po")
    broken = data.replace(b"Lea <2>el prospecto</2> antes.", b"Lea el prospecto antes.")
    from guide_cms.localization.exchange import ExchangeError

    with pytest.raises(ExchangeError, match="dosing.body.1.2") as error:
        reimport(wf, broken, name)
    assert "<2> of the source is missing" in str(error.value)
    assert Section.objects.get(key="dosing").body_es == BODY_ES


def test_markdown_typed_by_a_translator_stays_text(wf):
    from guide_cms.guides.markdown import render_markdown

    data, name = export(wf, "po")
    reimport(wf, data.replace("No conduzca después.".encode(), "No conduzca *nunca* después.".encode()), name)
    body = Section.objects.get(key="dosing").body_es
    assert body.endswith(r"No conduzca \*nunca\* después.")
    assert "<em>nunca</em>" not in render_markdown(body) and "*nunca*" in render_markdown(body)


def _joined_by_a_tool(wf, first: str, second: str, source: str, target: str) -> bytes:
    """The guide's XLIFF 2 file with segments first and second (consecutive) joined into one, as a tool would."""
    from guide_cms.localization.exchange import write_xliff2

    data = write_xliff2(translation_document(guide=wf.guide, language="es", user=wf.translator_es))
    joined = re.sub(
        rf'<segment id="{re.escape(first)}".*?</segment>\s*<ignorable>.*?</ignorable>\s*<segment id="{re.escape(second)}".*?</segment>'.encode(),
        f'<segment id="{first}" state="translated"><source>{source}</source><target>{target}</target></segment>'.encode(),
        data, flags=re.S,
    )
    assert joined != data
    return joined


def test_sentences_a_tool_joined_into_one_segment_are_reported_not_applied(wf):
    joined = _joined_by_a_tool(
        wf, "dosing.body.1.2", "dosing.body.1.3", 'Read <pc id="2" type="link">the leaflet</pc> first. Do not drive afterwards.',
        'Lea <pc id="2" type="link">el folleto</pc> y no conduzca.',
    )
    report = reimport(wf, joined, "joined.xlf")
    assert report.joined == [("dosing.body.1.2", ["dosing.body.1.2", "dosing.body.1.3"])]
    assert Section.objects.get(key="dosing").body_es == BODY_ES


def test_sentences_joined_at_the_very_end_of_the_guide_are_reported_not_taken_for_a_cut_off_file(workflow):
    Section.objects.filter(key="warnings").update(body_en="Do not drive. Avoid alcohol.", body_es="No conduzca. Evite el alcohol.")
    workflow.approve("en")
    joined = _joined_by_a_tool(workflow, "warnings.body.1.1", "warnings.body.1.2", "Do not drive. Avoid alcohol.", "No conduzca ni beba alcohol.")
    report = reimport(workflow, joined, "joined.xlf")
    assert report.joined == [("warnings.body.1.1", ["warnings.body.1.1", "warnings.body.1.2"])] and report.absent == []


def test_the_dashboard_overview_follows_a_changed_segment_state(approved_workflow, translator_es):
    """Overviews keep the segments of unchanged drafts: a state written since is shown all the same."""
    from guide_cms.localization.exchange.base import NEEDS_REVIEW
    from guide_cms.localization.selectors import translation_overviews
    from guide_cms.localization.services import SegmentChange, segments_save

    guide = approved_workflow.guide
    (before,) = translation_overviews([guide], "es")
    assert before.to_review == []
    segment = next(item for item in translation_draft(guide, "es").items if item.target)
    segments_save(guide=guide, language="es", user=translator_es,
                  changes=[SegmentChange(segment.id, segment.target, NEEDS_REVIEW)])
    (after,) = translation_overviews([guide], "es")
    assert [item.id for item in after.to_review] == [segment.id]
