"""Exchange documents built from the demo guide's real texts (no database)."""
from pathlib import Path

from django.conf import settings

from guide_cms.guides.importer import parse_guide_document
from guide_cms.localization.exchange import ExchangeDocument, ExchangeUnit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SOURCE_HASH = "3f" * 32
NOTE = "Keep [!WARNING] markers and all numbers exactly."
# Not in the demo texts, but patient text can hold them: markup-like characters,
# quotes, a CDATA terminator, tabs, a carriage return, a line separator, edge spaces.
AWKWARD_SOURCE = ' Take <5 mg> & "no more" than 2 tablets ]]> a day;\tsee\r\nnote\u2028below. 50% of users\n\n'


def parse_demo(language: str):
    return parse_guide_document((FIXTURES / f"treatment_guide.{language}.md").read_text("utf-8"))


def demo_document(target_language: str = "zh-hans") -> ExchangeDocument:
    """The demo guide's English source with the fixture translation as drafts, in every state."""
    source, target = parse_demo("en"), parse_demo(target_language)
    assert len(source.sections) == len(target.sections)
    units = [
        ExchangeUnit("guide.title", source.title, target.title, "translated", NOTE),
        ExchangeUnit("guide.summary", source.summary, target.summary, "needs-review"),
    ]
    for section, translated in zip(source.sections, target.sections):
        units.append(ExchangeUnit(f"{section.key}.title", section.title, translated.title, "translated"))
        units.append(ExchangeUnit(f"{section.key}.body", section.body, translated.body, "needs-review", NOTE))
    units.append(ExchangeUnit("dose-table.body", AWKWARD_SOURCE, "", "new", 'Quote "exactly" & <keep> units.'))
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
