"""A complete PO file passed through GNU gettext's own tools, with their default options, still imports: they keep
the end-of-file entry (an obsolete entry with a msgstr; an untranslated one they drop)."""
import shutil
import subprocess

import pytest

from guide_cms.guides.models import Section
from guide_cms.localization.exchange import read_exchange_file
from guide_cms.localization.services import translation_export, translation_import

pytestmark = pytest.mark.skipif(not shutil.which("msgcat"), reason="GNU gettext is not installed (make test installs it)")

TOOLS = {
    "msgcat": lambda path: ["msgcat", str(path)],
    "msgattrib": lambda path: ["msgattrib", str(path)],
    "msgmerge": lambda path: ["msgmerge", "--quiet", str(path), str(path)],
    "msgcat --width=30": lambda path: ["msgcat", "--width=30", str(path)],
}


@pytest.mark.parametrize("tool", TOOLS, ids=list(TOOLS))
def test_a_po_file_through_gettext_tools_imports(approved_workflow, tmp_path, tool):
    wf = approved_workflow
    data, name = translation_export(guide=wf.guide, language="es", fmt="po", user=wf.translator_es)
    path = tmp_path / name
    path.write_bytes(data.replace(b"Tome 5 mg.", b"Tome 5 mg con agua."))
    passed = subprocess.run(TOOLS[tool](path), capture_output=True, check=True, timeout=60).stdout
    assert b'guide_cms:end' in passed
    report = translation_import(document=read_exchange_file(passed, name), user=wf.translator_es, filename=name)
    assert report.applied_ids == ["dosing.body.1.1"]
    assert Section.objects.get(key="dosing").body_es == "Tome 5 mg con agua."
