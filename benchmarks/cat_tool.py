"""What a translator does with a CAT tool, for the benchmark: export a guide's XLIFF, fill in every target
from the synthetic library's translation, import it (through the product's own services)."""
from __future__ import annotations

import dataclasses

from guide_cms.localization.exchange import FORMATS, TRANSLATED, ExchangeUnit, read_exchange_file
from guide_cms.localization.services import translation_export, translation_import
from guide_cms.localization.units import align_unit, snapshot_units, unit_blocks


def translate(run, guide, item, code: str):
    """guide's latest approved source translated into code as the library's item has it; the import's report."""
    translator = run.translator(code)
    data, name = translation_export(guide=guide, language=code, fmt="xliff", user=translator)
    document = read_exchange_file(data, name)
    source = guide.versions.filter(language=run.source, status="approved").order_by("-number").first()
    targets, blocks = _aligned_targets(source.snapshot, run.source, _wanted(item, code), code)
    write, _extension, _media = FORMATS["xliff"]
    filled = write(dataclasses.replace(document, units=_filled_units(document.units, targets, blocks)))
    report = translation_import(document=read_exchange_file(filled, name), user=translator, filename=name)
    if report.stale or report.joined or report.incomplete:
        raise RuntimeError(f"{guide.slug} [{code}]: the synthetic translation did not apply: {report.stale} {report.joined}")
    return report


def _wanted(item, code: str) -> dict[str, str]:
    """The item's texts in code, by unit key (title, summary, <section>.title, <section>.body)."""
    wanted = {"title": item.title[code], "summary": item.summary[code]}
    wanted.update({f"{s.key}.title": s.title[code] for s in item.sections})
    wanted.update({f"{s.key}.body": s.body[code] for s in item.sections})
    return wanted


def _aligned_targets(snapshot: dict, source: str, wanted: dict[str, str], code: str) -> tuple[dict, dict]:
    """The target of every sentence (or block) of the source snapshot, and its blocks by id."""
    targets, blocks = {}, {}
    for unit in snapshot_units(snapshot):
        key = unit.id.removeprefix("guide.")
        targets.update(align_unit(unit, source, wanted[key], code))
        blocks.update({block.id: block for block in unit_blocks(unit, source)})
    return targets, blocks


def _filled_units(units, targets: dict, blocks: dict) -> tuple:
    filled, done = [], set()
    for u in units:
        block_id = u.id.rsplit(".", 1)[0]
        if u.id in targets:
            filled.append(dataclasses.replace(u, target=targets[u.id], state=TRANSLATED))
        elif block_id in targets and block_id in blocks:
            # Sentences paired as a whole block (their numbers differ): one unit for the block, as a CAT tool may send.
            if block_id not in done:
                done.add(block_id)
                block = blocks[block_id]
                filled.append(ExchangeUnit(id=block_id, source=block.content, target=targets[block_id], state=TRANSLATED, kind=u.kind))
        else:
            filled.append(u)
    return tuple(filled)
