#!/usr/bin/env python3
"""Copy the browser story's screenshots into the documentation, smaller.

tests/e2e/test_story_in_browser.py leaves one full-page PNG per step in
var/test-artifacts/story/; this writes them to docs/tutorial/ at 1,000 pixels
wide in 128 colours (Pillow, installed with WeasyPrint). Run after the test:

    .venv/bin/python -m pytest -p no:cacheprovider tests/e2e/test_story_in_browser.py
    .venv/bin/python scripts/docs-screenshots.py
"""

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "var" / "test-artifacts" / "story"
TARGET = ROOT / "docs" / "tutorial"
WIDTH = 1000


def main() -> int:
    shots = sorted(SOURCE.glob("*.png"))
    if not shots:
        print(f"No screenshots in {SOURCE}: run tests/e2e/test_story_in_browser.py first.", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.png"):
        old.unlink()
    for shot in shots:
        with Image.open(shot) as image:
            image = image.convert("RGB")
            height = round(image.height * WIDTH / image.width)
            small = image.resize((WIDTH, height), Image.LANCZOS).quantize(colors=128, dither=Image.Dither.NONE)
            small.save(TARGET / shot.name, optimize=True)
        print(f"{TARGET / shot.name}: {(TARGET / shot.name).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
