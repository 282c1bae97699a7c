"""Files shaped as the major CAT tools write them read back segment by segment, with their states (no database).

Each file is our export as the tool saves it: Trados (sdl:seg-defs beside
<seg-source>), memoQ (mq:status), Phrase (m:confirmed, m:score), Weblate
(approved="yes", needs-translation), OmegaT (re-indented, whitespace
reflowed), and XLIFF 2.0 tools.
"""
import re

import pytest

from guide_cms.localization.exchange import ExchangeError, read_exchange_file, write_xliff, write_xliff2
from guide_cms.localization.exchange.base import ExchangeDocument, ExchangeUnit
from guide_cms.localization.inline import CLOSE, EM, OPEN, Code

from .documents import SOURCE_HASH, shape

SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MQ = "MQXliff"
PHRASE = "http://www.memsource.com/mxlf/2.0"


def document():
    units = (
        ExchangeUnit("dosing.body.1.1", ("Take ", Code("1", OPEN, EM, "*"), "5 mg", Code("1", CLOSE, EM, "*"), " at night."),
                     (), "new", kind="paragraph"),
        ExchangeUnit("dosing.body.1.2", ("Do not drive.",), (), "new", kind="paragraph"),
    )
    return ExchangeDocument("baclofen", "en", "es", 2, SOURCE_HASH, units)


def fill(data: bytes, uid: str, target: str, unit_attrs: str = "", target_attrs: str = 'state="translated"', extra: str = "") -> bytes:
    def replace(match):
        head = match.group(1).replace(b">", (" " + unit_attrs).encode() + b">", 1) if unit_attrs else match.group(1)
        return head + match.group(2) + extra.encode() + f"<target {target_attrs} xml:space=\"preserve\">{target}</target>".encode()

    return re.sub(rb'(<trans-unit id="' + uid.encode() + rb'"[^>]*>)(.*?</source>)\s*<target[^>]*>.*?</target>', replace, data, count=1, flags=re.S)


def namespaces(data: bytes) -> bytes:
    return data.replace(b'xmlns:gc="urn:guide-cms:xliff"', f'xmlns:gc="urn:guide-cms:xliff" xmlns:sdl="{SDL}" xmlns:mq="{MQ}" xmlns:m="{PHRASE}"'.encode())


def states(data: bytes) -> dict:
    return {u.id: (shape(u.target), u.state) for u in read_exchange_file(data, "tool.xlf").units}


def test_trados_segments_and_confirmation_levels():
    data = namespaces(write_xliff(document()))
    seg = '<seg-source><mrk mtype="seg" mid="7">Take <g id="1" ctype="italic">5 mg</g> at night.</mrk></seg-source>'
    data = fill(data, "dosing.body.1.1", '<mrk mtype="seg" mid="7">Tome <g id="1">5 mg</g> por la noche.</mrk>',
                target_attrs="", extra=seg + '<sdl:seg-defs><sdl:seg id="7" conf="Draft" origin="tm" percent="86"/></sdl:seg-defs>')
    data = fill(data, "dosing.body.1.2", '<mrk mtype="seg" mid="8">No conduzca.</mrk>', target_attrs="",
                extra='<seg-source><mrk mtype="seg" mid="8">Do not drive.</mrk></seg-source><sdl:seg-defs><sdl:seg id="8" conf="ApprovedSignOff"/></sdl:seg-defs>')
    read = read_exchange_file(data, "trados.sdlxliff")
    assert {u.id: u.state for u in read.units} == {"dosing.body.1.1": "fuzzy", "dosing.body.1.2": "translated"}
    assert read.ignored_approvals == ("dosing.body.1.2",)  # signed off in Trados is not a sign-off here
    assert shape(read.units[0].target) == ("Tome ", ("1", "open"), "5 mg", ("1", "close"), " por la noche.")


def test_trados_splitting_one_of_our_sentences_in_two_joins_them_back_only_when_both_are_there():
    data = write_xliff(document())
    seg = '<seg-source><mrk mtype="seg" mid="1">Do not</mrk> <mrk mtype="seg" mid="2">drive.</mrk></seg-source>'
    both = fill(data, "dosing.body.1.2", '<mrk mtype="seg" mid="1">No</mrk> <mrk mtype="seg" mid="2">conduzca.</mrk>', extra=seg)
    assert states(both)["dosing.body.1.2"] == (("No conduzca.",), "translated")
    one_empty = fill(data, "dosing.body.1.2", '<mrk mtype="seg" mid="1">No</mrk> <mrk mtype="seg" mid="2"/>', extra=seg)
    [unit] = [u for u in read_exchange_file(one_empty, "t.xlf").units if u.id == "dosing.body.1.2"]
    assert unit.incomplete == ("2",)


@pytest.mark.parametrize("status, expected", [("ManuallyConfirmed", "translated"), ("PartiallyEdited", "needs-review"),
                                              ("MachineTranslated", "fuzzy"), ("Proofread", "translated")])
def test_memoq_row_status(status, expected):
    data = fill(namespaces(write_xliff(document())), "dosing.body.1.2", "No conduzca.", unit_attrs=f'mq:status="{status}"')
    assert states(data)["dosing.body.1.2"][1] == expected


@pytest.mark.parametrize("confirmed, expected", [("1", "translated"), ("0", "needs-review")])
def test_phrase_confirmation(confirmed, expected):
    data = fill(namespaces(write_xliff(document())), "dosing.body.1.2", "No conduzca.", unit_attrs=f'm:confirmed="{confirmed}" m:score="0.84"')
    assert states(data)["dosing.body.1.2"][1] == expected


def test_weblate_approved_and_needs_translation():
    data = fill(write_xliff(document()), "dosing.body.1.2", "No conduzca.", unit_attrs='approved="yes"', target_attrs='state="final"')
    data = fill(data, "dosing.body.1.1", 'Tome <g id="1">5 mg</g>.', target_attrs='state="needs-translation"')
    read = read_exchange_file(data, "weblate.xlf")
    assert {u.id: u.state for u in read.units} == {"dosing.body.1.1": "needs-review", "dosing.body.1.2": "translated"}
    assert read.ignored_approvals == ("dosing.body.1.2",)


def test_omegat_reflowed_whitespace_and_a_regional_target_language():
    data = write_xliff(document()).replace(b'target-language="es"', b'target-language="es-ES"')
    data = fill(data, "dosing.body.1.2", "\n            No   conduzca.\n          ")
    data = data.replace(b">Do not drive.</source>", b">\n     Do not\n     drive.\n   </source>")
    read = read_exchange_file(data, "omegat.xlf")
    assert read.target_language == "es" and any("es-ES" in notice for notice in read.notices)
    assert [(u.source, u.target) for u in read.units if u.id == "dosing.body.1.2"] == [(("Do not drive.",), ("No conduzca.",))]


def test_xliff_2_states_round_trip_and_a_resegmenting_tool_is_reported():
    doc = document()
    data = write_xliff2(doc).replace(b'<segment id="dosing.body.1.2" state="initial">',
                                     b'<segment id="dosing.body.1.2" state="reviewed">').replace(
        b"<source xml:space=\"preserve\">Do not drive.</source>\n",
        b"<source xml:space=\"preserve\">Do not drive.</source>\n          <target>No conduzca.</target>\n")
    read = read_exchange_file(data, "tool.xlf")
    assert {u.id: u.state for u in read.units} == {"dosing.body.1.1": "new", "dosing.body.1.2": "translated"}
    assert read.ignored_approvals == ("dosing.body.1.2",)
    resegmented = data.replace(b'<segment id="dosing.body.1.2"', b"<segment")
    with pytest.raises(ExchangeError, match="canResegment"):
        read_exchange_file(resegmented, "tool.xlf")
