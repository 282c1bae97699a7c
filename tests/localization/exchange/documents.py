"""Exchange documents built from the demo guide's real texts, segment by segment (no database)."""
from pathlib import Path

from django.conf import settings

from guide_cms.guides.importer import parse_guide_document
from guide_cms.localization.exchange import ExchangeDocument, ExchangeUnit, Match
from guide_cms.localization.inline import CLOSE, EM, LINK, OPEN, PH, URL, Code
from guide_cms.localization.units import align_unit, snapshot_units, unit_blocks

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCE_HASH = "3f" * 32
NOTE = "Keep every number and drug name exactly."
# Not in the demo texts, but patient text can hold them: markup-like characters,
# quotes, a CDATA terminator, a placeholder look-alike, a line separator, codes.
AWKWARD_SOURCE = (
    'Take <5 mg> & "no more" than ', Code("1", OPEN, EM, "*"), "2 tablets", Code("1", CLOSE, EM, "*"),
    " ]]> a day; see <1> and ", Code("2", OPEN, LINK, "https://example.org/a?b=1&c=2"), "the leaflet",
    Code("2", CLOSE, LINK), "\u2028or ", Code("3", PH, URL, "https://example.org"), ". 50% of users",
)
STATES = ("translated", "needs-review", "memory", "fuzzy")


def parse_demo(language: str):
    return parse_guide_document((FIXTURES / f"treatment_guide.{language}.md").read_text("utf-8"))


def snapshot(document, keys=None):
    keys = keys or [s.key for s in document.sections]
    return {"title": document.title, "summary": document.summary,
            "sections": [{"key": k, "title": s.title, "body": s.body} for k, s in zip(keys, document.sections, strict=False)]}


def demo_units(target_language: str):
    """(unit id, segment or block id, source, target) of the demo guide, paired as the drafts pair them."""
    source = parse_demo("en")
    target = snapshot(parse_demo(target_language), [s.key for s in source.sections])
    targets = {unit.id: unit.text for unit in snapshot_units(target)}
    for unit in snapshot_units(snapshot(source)):
        pairs = align_unit(unit, "en", targets[unit.id], target_language)
        for block in unit_blocks(unit, "en"):
            if block.id in pairs:
                yield block.kind, block.id, block.content, pairs[block.id]
            else:
                for segment in block.segments:
                    yield block.kind, segment.id, segment.content, pairs.get(segment.id, ())


def demo_document(target_language: str = "zh-hans") -> ExchangeDocument:
    """The demo guide's English source with the fixture translation as drafts, in every state."""
    units = []
    for n, (kind, uid, source, target) in enumerate(demo_units(target_language)):
        state = STATES[n % len(STATES)]
        match = Match(source, target, 87, "muscle-relaxants v1, signed by Dr Ana Ruiz") if state == "fuzzy" else None
        units.append(ExchangeUnit(uid, source, target, state, NOTE if n % 3 == 0 else "", kind, match))
    units.append(ExchangeUnit("dose-table.body.1.1", AWKWARD_SOURCE, (), "new", 'Quote "exactly" & <keep> units.', "paragraph"))
    return ExchangeDocument(
        guide="muscle-relaxants",
        source_language="en",
        target_language=target_language,
        source_version=3,
        source_hash=SOURCE_HASH,
        units=tuple(units),
    )


def by_id(document: ExchangeDocument) -> dict[str, ExchangeUnit]:
    return {unit.id: unit for unit in document.units}


def shape(content) -> tuple:
    """Content as a file carries it: text, and codes by id and kind (their type and data are the source's)."""
    return tuple((item.id, item.kind) if isinstance(item, Code) else item for item in content)


def same_units(read: ExchangeDocument, written: ExchangeDocument) -> bool:
    def key(doc):
        return [(u.id, shape(u.source), shape(u.target), u.state, u.note, u.kind) for u in doc.units]

    return key(read) == key(written) and (read.guide, read.target_language, read.source_version) == (
        written.guide, written.target_language, written.source_version)
