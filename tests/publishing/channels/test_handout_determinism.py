"""The same entry gives the same PDF, byte for byte, in this process or another, dated by its approval, not the clock."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
from tests.publishing.channels.handout_pdfs import LANGUAGES, SLUG, rendered

PROJECT = Path(__file__).resolve().parents[3]


def test_same_entry_gives_byte_identical_pdfs():
    channel = HandoutChannel()
    for entry in (sample.published_guide("zh-hans"), sample.withdrawn_guide("ar")):
        assert channel.render_entry(entry) == channel.render_entry(entry)


def test_pdf_dates_are_the_approval_date_not_the_clock():
    metadata = PdfReader(io.BytesIO(rendered("vi"))).metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20250314000000Z"
    assert metadata["/Title"] == sample.published_guide("vi").title


RENDER_IN_SUBPROCESS = """
import hashlib, json, django
django.setup()
from guide_cms.publishing.channels.handouts import HandoutChannel
from tests.publishing import entries as sample
entries = [sample.published_guide(code) for code in sample.DEMO_LANGUAGES] + [sample.withdrawn_guide("ar")]
files = [f for entry in entries for f in HandoutChannel().render_entry(entry)]
print(json.dumps({f.path + ("#withdrawn" if "withdrawn" in repr(e) else ""): hashlib.sha256(f.content).hexdigest()
                  for e, f in zip(entries, files)}))
"""


def test_another_process_renders_byte_identical_pdfs():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guide_cms.settings.test", "PYTHONHASHSEED": "random"}
    result = subprocess.run(
        [sys.executable, "-c", RENDER_IN_SUBPROCESS], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    ours = {f"{code}/{SLUG}.pdf": hashlib.sha256(rendered(code)).hexdigest() for code in LANGUAGES}
    [withdrawn] = HandoutChannel().render_entry(sample.withdrawn_guide("ar"))
    ours[f"ar/{SLUG}.pdf#withdrawn"] = hashlib.sha256(withdrawn.content).hexdigest()
    assert theirs == ours
