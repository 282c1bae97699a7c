"""The translation memory: built from signed versions, matched exactly and fuzzily, taken and brought as TMX 1.4."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from translate.storage import tmx as toolkit_tmx

from guide_cms.guides.models import Section
from guide_cms.localization.exchange.tmx import TmxPair, read_tmx, write_tmx
from guide_cms.localization.inline import CLOSE, EM, LINK, OPEN, PH, URL, Code
from guide_cms.localization.memory import FuzzyIndex, exact_matches, fuzzy_matches
from guide_cms.localization.models import MemoryEntry
from guide_cms.localization.services import translation_document

BODY_EN = "Take *5 mg* at night. Read [the leaflet](https://example.org/leaflet) first. Do not drive afterwards."
BODY_ES = "Tome *5 mg* por la noche. Lea [el prospecto](https://example.org/leaflet) antes. No conduzca después."
PAIR = TmxPair(
    "en", "es",
    ("Take ", Code("1", OPEN, EM), "5 mg", Code("1", CLOSE, EM), " & see ", Code("2", OPEN, LINK), "this", Code("2", CLOSE, LINK), " <b> ", Code("3", PH, URL, "https://x.org")),
    ("Tome ", Code("1", OPEN, EM), "5 mg", Code("1", CLOSE, EM), " y vea ", Code("2", OPEN, LINK), "esto", Code("2", CLOSE, LINK), " <b> ", Code("3", PH, URL, "https://x.org")),
    {"x-guide": "baclofen", "x-clinically-signed": "yes"},
)


@pytest.fixture
def signed(workflow):
    Section.objects.filter(key="dosing").update(body_en=BODY_EN, body_es=BODY_ES)
    workflow.approve("en")
    workflow.approve("es")
    return workflow


def shape(content):
    return tuple((i.id, i.kind) if isinstance(i, Code) else i for i in content)


def test_tmx_round_trip_keeps_pairs_and_codes():
    data = write_tmx([PAIR], source_language="en")
    assert b'<bpt i="1" x="1" type="italic">*</bpt>5 mg<ept i="1">*</ept>' in data
    [pair], notices = read_tmx(data, "m.tmx", source_language="en")
    assert (shape(pair.source), shape(pair.target), pair.props["x-guide"]) == (shape(PAIR.source), shape(PAIR.target), "baclofen")
    assert notices == []


def test_translate_toolkit_reads_our_tmx():
    store = toolkit_tmx.tmxfile.parsestring(write_tmx([PAIR], source_language="en"))
    [unit] = store.units
    assert "5 mg" in unit.source and "esto" in unit.target


def test_a_tmx_from_another_tool_is_read_with_its_codes_and_unknown_languages_left_out():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="Other" creationtoolversion="9" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="en-US" datatype="html"/>
<body>
  <tu tuid="7"><tuv xml:lang="en-US"><seg>Rest for <bpt i="1" x="1">&lt;b&gt;</bpt>one hour<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    <tuv xml:lang="es-ES"><seg>Descanse <bpt i="1" x="1">&lt;b&gt;</bpt>una hora<ept i="1">&lt;/b&gt;</ept>.</seg></tuv>
    <tuv xml:lang="fr-FR"><seg>Reposez-vous une heure.</seg></tuv></tu>
</body></tmx>"""
    [pair], notices = read_tmx(data, "other.tmx", source_language="en")
    assert (pair.language, shape(pair.target)) == ("es", ("Descanse ", ("1", "open"), "una hora", ("1", "close"), "."))
    assert notices and "fr-FR" in notices[0]


def test_approving_a_translation_adds_its_sentences_with_version_and_signers(signed):
    entries = MemoryEntry.objects.filter(language="es", context="dosing.body").order_by("segment")
    assert [(e.segment, e.target) for e in entries] == [
        ("dosing.body.1.1", "Tome <1>5 mg</1> por la noche."),
        ("dosing.body.1.2", "Lea <1>el prospecto</1> antes."),
        ("dosing.body.1.3", "No conduzca después."),
    ]
    assert all(e.signed and e.version_number == 1 and e.signers == signed.reviewer.staff_profile.printed_name for e in entries)


def test_sentences_signed_again_in_a_new_version_are_the_same_pairs_now_of_that_version(signed):
    before = {e.pk: e.segment for e in MemoryEntry.objects.filter(language="es", context="dosing.body")}
    signed.edit("warnings", "es", "> [!WARNING]\n> No conduzca ni beba alcohol.")  # another section: the dosing sentences are unchanged
    signed.approve("es")
    entries = MemoryEntry.objects.filter(language="es", context="dosing.body")
    assert {e.pk: e.segment for e in entries} == before  # no new rows, the same pairs
    assert {(e.version_number, e.version.number) for e in entries} == {(2, 2)}


def test_an_exact_match_in_context_scores_101_elsewhere_100(signed):
    query = ("Take ", Code("4", OPEN, EM), "5 mg", Code("4", CLOSE, EM), " at night.")
    found = exact_matches("es", [(query, "baclofen", "dosing.body"), (query, "other-guide", "x.body")])
    assert (found[0].score, found[1].score) == (101, 100)
    # The target's codes take the query's numbers (and so its link addresses, never the memory's).
    assert shape(found[0].target) == ("Tome ", ("4", "open"), "5 mg", ("4", "close"), " por la noche.")


def test_fuzzy_matches_are_scored_and_say_where_they_come_from(signed):
    [match] = fuzzy_matches("es", [("Do not drive for 8 hours afterwards.",)]).values()
    assert 75 <= match.score < 100
    assert match.target == ("No conduzca después.",) and "baclofen v1" in match.origin


def test_fuzzy_index_finds_the_closest_of_many():
    rows = [(n, f"take {n} tablets with water every day number {n}") for n in range(2000)]
    rows.append((99999, "do not drive after taking diazepam"))
    index = FuzzyIndex(rows)
    assert index.search("do not drive after taking diazepam tablets")[0][0] == 99999


def test_export_and_import_memory_commands(signed, tmp_path):
    path = tmp_path / "memory.tmx"
    call_command("export_memory", str(path), "--language", "es", stdout=StringIO())
    text = path.read_text("utf-8")
    assert '<prop type="x-clinically-signed">yes</prop>' in text and "No conduzca después." in text
    MemoryEntry.objects.all().delete()
    out = StringIO()
    call_command("import_memory", str(path), "--user", signed.translator_es.username, stdout=out)
    assert "marked not clinically signed" in out.getvalue()
    assert MemoryEntry.objects.count() == 8 and not MemoryEntry.objects.filter(signed=True).exists()
    with pytest.raises(CommandError, match="Arabic"):
        path.write_text(text.replace('xml:lang="es"', 'xml:lang="ar"'), "utf-8")
        call_command("import_memory", str(path), "--user", signed.translator_es.username, stdout=StringIO())


def test_imported_pairs_are_offered_for_review_never_as_approved_text(signed, tmp_path):
    path = tmp_path / "memory.tmx"
    call_command("export_memory", str(path), stdout=StringIO())
    MemoryEntry.objects.all().delete()
    call_command("import_memory", str(path), "--user", signed.translator_es.username, stdout=StringIO())
    Section.objects.filter(key="dosing").update(body_es="")
    document = translation_document(guide=signed.guide, language="es", user=signed.translator_es)
    unit = next(u for u in document.units if u.id == "dosing.body.1.3")
    assert (unit.target, unit.state) == (("No conduzca después.",), "fuzzy")
    assert "not clinically signed" in unit.match.origin
