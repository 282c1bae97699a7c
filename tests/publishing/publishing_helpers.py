"""Two guides published on both channels through the real services, and ways to read what patients get."""
import json
import io
from io import StringIO

from django.core.management import CommandError, call_command
from pypdf import PdfReader

from guide_cms.guides.models import Section
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, GuideFactory, SectionFactory

BOTH = ("site", "handouts")


def approve(wf, guide, language, change_class=""):
    author = wf.editor if language == "en" else wf.translator_es
    version = version_submit(guide=guide, language=language, user=author, change_class=change_class)
    version_sign(version=version, signer=wf.reviewer, password=PASSWORD, decision="approve", change_class_confirmed=change_class)
    version.refresh_from_db()
    return version


def second_guide(wf):
    """'diazepam', in English and Spanish, approved (not published)."""
    guide = GuideFactory(slug="diazepam", title_en="Diazepam", title_es="Diazepam (es)", summary_es="Un resumen breve.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en="Take 2 mg at night.", title_es="Dosis", body_es="Tome 2 mg por la noche.")
    return guide


def edit(guide, key, **bodies):
    Section.objects.filter(guide=guide, key=key).update(**bodies)


def files(root, channel):
    """{path: content} of the channel's exported files, but for what differs between two exports of the same
    versions: the checkpoint record beside the manifest, which every checkpoint rewrites, and when each search
    index shard was built (its built.json, and the manifest's record of it)."""
    folder = (root / channel).resolve()
    found = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and p.name not in ("checkpoint.json", "built.json")}
    if "manifest.json" in found:
        manifest = json.loads(found["manifest.json"])
        manifest["files"] = {path: digest for path, digest in manifest["files"].items() if not path.endswith("/built.json")}
        for shard in ((manifest.get("index") or {}).get("shards") or {}).values():
            shard["files"] = [path for path in shard["files"] if not path.endswith("/built.json")]
        found["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return found


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


def command(*args):
    """(exit code, everything printed)."""
    out = StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()
