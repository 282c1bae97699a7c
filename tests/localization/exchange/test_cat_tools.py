"""What CAT tools do to our files: they open them, and their usual edits read back to the same units.

translate-toolkit (GPL) is imported here only, never from guide_cms/.
"""
import pytest
from lxml import etree
from translate.storage import po as toolkit_po
from translate.storage import xliff as toolkit_xliff

from guide_cms.localization.exchange import read_po, read_xliff, read_xliff_detailed, write_po, write_xliff, write_xliff2

from .documents import by_id, demo_document, same_units, shape

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"


def _tree(data: bytes):
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_translate_toolkit_opens_the_xliff(language):
    document = demo_document(language)
    store = toolkit_xliff.xlifffile.parsestring(write_xliff(document))
    # translate-toolkit prefixes ids with the <file original=...> and U+0004.
    seen = {unit.getid().split("\x04")[-1]: unit for unit in store.units}
    assert list(seen) == [unit.id for unit in document.units]
    for unit in document.units:
        read = seen[unit.id]
        target = read.xmlelement.find(f"{XLIFF}target")
        assert target.get("state") == {"new": "new", "translated": "translated", "memory": "translated"}.get(
            unit.state if unit.target else "new", "needs-review-translation"), unit.id
        assert target.get("state-qualifier") == {"memory": "leveraged-tm", "fuzzy": "fuzzy-match"}.get(unit.state)
    assert store.getsourcelanguage() == "en"
    assert store.gettargetlanguage() == ("zh-Hans" if language == "zh-hans" else "ar")
    # Saved again by translate-toolkit, every state and code reads back.
    assert same_units(read_xliff(bytes(store), "saved.xlf"), document)


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_translate_toolkit_opens_the_xliff_2(language):
    from translate.storage import xliff2 as toolkit_xliff2

    document = demo_document(language)
    store = toolkit_xliff2.Xliff2File.parsestring(write_xliff2(document))
    units = [u for u in store.units if u.getid()]
    assert [u.getid().split("::")[-1] for u in units] == [unit.id for unit in document.units]
    fuzzy = {u.getid().split("::")[-1] for u in units if u.isfuzzy()}
    assert fuzzy == {unit.id for unit in document.units if unit.state in ("needs-review", "fuzzy") and unit.target}
    assert same_units(read_xliff(bytes(store), "saved.xlf"), document)


@pytest.mark.parametrize("language", ["zh-hans", "ar"])
def test_translate_toolkit_opens_the_po(language):
    document = demo_document(language)
    store = toolkit_po.pofile.parsestring(write_po(document))
    units = [unit for unit in store.units if not unit.isheader() and not unit.isobsolete()]
    assert store.units[-1].isobsolete() and store.units[-1].getcontext() == "guide_cms:end"  # kept, never offered to translate
    assert [(u.getcontext(), u.isfuzzy()) for u in units] == [
        (u.id, u.state in ("needs-review", "fuzzy") and bool(u.target)) for u in document.units
    ]
    assert store.parseheader()["X-Guide-CMS-Source-Version"] == "3"
    assert same_units(read_po(bytes(store), "saved.po"), document)


def test_xliff_saved_by_translate_toolkit_reads_back_without_approval():
    document = demo_document()
    store = toolkit_xliff.xlifffile.parsestring(write_xliff(document))
    summary = next(unit for unit in store.units if unit.getid().endswith("guide.summary.1.1"))
    summary.settarget("新的摘要：< & >")  # translate-toolkit also marks the unit approved="yes"
    title = next(unit for unit in store.units if unit.getid().endswith("guide.title.1.1"))
    title.markapproved(True)
    result = read_xliff_detailed(bytes(store), "saved-by-toolkit.xlf")
    units = by_id(result.document)
    assert units["guide.summary.1.1"].target == ("新的摘要：< & >",)
    assert units["guide.title.1.1"].state == "translated"
    assert set(result.ignored_approvals) == {"guide.summary.1.1", "guide.title.1.1"}
    others = [(u.id, shape(u.target), u.state) for u in result.document.units if u.id not in ("guide.summary.1.1", "guide.title.1.1")]
    assert others == [(u.id, shape(u.target), u.state) for u in document.units if u.id not in ("guide.summary.1.1", "guide.title.1.1")]


def test_po_saved_by_translate_toolkit_reads_back():
    document = demo_document("ar")
    store = toolkit_po.pofile.parsestring(write_po(document))
    summary = next(unit for unit in store.units if unit.getcontext() == "guide.summary.1.1")
    summary.markfuzzy(False)
    units = by_id(read_po(bytes(store), "saved-by-toolkit.po"))
    assert units["guide.summary.1.1"].state == "translated"
    assert {k: (shape(v.target), v.state) for k, v in units.items() if k != "guide.summary.1.1"} == {
        u.id: (shape(u.target), u.state) for u in document.units if u.id != "guide.summary.1.1"
    }


def test_reindented_xliff_reads_the_same_units():
    document = demo_document()
    root = etree.fromstring(write_xliff(document), etree.XMLParser(remove_blank_text=True))
    etree.indent(root, space="\t")
    data = _bytes(root)
    assert b"\n\t\t\t\t<trans-unit" in data
    assert same_units(read_xliff(data, "reindented.xlf"), document)


def test_xliff_on_one_line_reads_the_same_units():
    document = demo_document()
    root = etree.fromstring(write_xliff(document), etree.XMLParser(remove_blank_text=True))
    assert same_units(read_xliff(_bytes(root), "one-line.xlf"), document)


def test_reordered_xliff_units_read_the_same_units():
    document = demo_document()
    root = _tree(write_xliff(document))
    body = root.find(f"{XLIFF}file/{XLIFF}body")
    units = list(body.iter(f"{XLIFF}trans-unit"))
    for unit in units:
        unit.getparent().remove(unit)
    for unit in reversed(units):
        body.append(unit)
    read = read_xliff(_bytes(root), "reordered.xlf")
    assert [u.id for u in read.units] == [u.id for u in reversed(document.units)]
    assert {k: shape(v.target) for k, v in by_id(read).items()} == {k: shape(v.target) for k, v in by_id(document).items()}


def test_notes_alt_trans_and_extra_attributes_added_by_a_cat_tool_change_nothing():
    document = demo_document()
    root = _tree(write_xliff(document))
    for unit in root.iter(f"{XLIFF}trans-unit"):
        unit.set("translate", "yes")
        unit.set("{urn:x-tool}segment-id", "42")
        note = etree.SubElement(unit, f"{XLIFF}note", {"from": "reviewer"})
        note.text = "Checked against the glossary."
        etree.SubElement(unit, f"{XLIFF}note").text = "A note from nowhere."
        alt = etree.SubElement(unit, f"{XLIFF}alt-trans", {"match-quality": "87"})
        etree.SubElement(alt, f"{XLIFF}source").text = "Something similar"
        etree.SubElement(alt, f"{XLIFF}target").text = "<相似>"
    header = root.find(f"{XLIFF}file/{XLIFF}header")
    etree.SubElement(header, f"{XLIFF}tool", {"tool-id": "cat", "tool-name": "Some CAT tool"})
    assert same_units(read_xliff(_bytes(root), "annotated.xlf"), document)


@pytest.mark.parametrize(
    "state, approved",
    [("final", None), ("signed-off", None), ("translated", "yes"), ("final", "yes"), (None, "yes")],
)
def test_final_signed_off_or_approved_units_import_as_translated_at_most(state, approved):
    root = _tree(write_xliff(demo_document()))
    for unit in root.iter(f"{XLIFF}trans-unit"):
        target = unit.find(f"{XLIFF}target")
        if state is None:
            target.attrib.pop("state")
        else:
            target.set("state", state)
        if approved:
            unit.set("approved", approved)
    result = read_xliff_detailed(_bytes(root), "approved.xlf")
    states = {unit.id: unit.state for unit in result.document.units}
    assert set(states.values()) <= {"translated", "memory", "new"}  # "from memory" is a kind of translated, never approved
    assert states["dose-table.body.1.1"] == "new"  # no text is never translated
    assert set(result.ignored_approvals) == set(states)
