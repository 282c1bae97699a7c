"""The README stays a short front door and the documentation stays whole (the build itself: make docs, strict)."""

import re
from pathlib import Path

import yaml
from django.conf import settings

from guide_cms.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

ROOT = Path(settings.BASE_DIR)
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
# Written by docs/hooks/reference.py at every build, from the code.
GENERATED = {
    "reference/commands.md",
    "reference/finding-codes.md",
    "reference/settings.md",
    "reference/exchange-files.md",
    "reference/formats.md",
    "changelog.md",
}


def nav_pages(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in nav_pages(value)]
    return []


def written_pages() -> set[str]:
    return {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md") if "hooks" not in path.parts}


def test_the_readme_is_short():
    assert len(README.splitlines()) <= 150


def test_the_readme_gives_the_two_commands_and_every_demo_account():
    assert "make demo" in README and "make test" in README
    assert DEMO_PASSWORD in README
    for account in DEMO_ACCOUNTS:
        assert f"`{account.username}`" in README, account.username


def test_the_readme_and_the_docs_name_no_file_outside_the_repository():
    texts = {"README.md": README, "CHANGELOG.md": (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")}
    texts |= {f"docs/{page}": (DOCS / page).read_text(encoding="utf-8") for page in written_pages()}
    for name, text in texts.items():
        assert "DESIGN.md" not in text and "PITFALLS.md" not in text, name
        assert not re.search(r"\.\./shared|/work/", text), name
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), target


def test_every_page_is_in_the_nav_and_every_nav_entry_has_a_page():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    nav = nav_pages(config["nav"])
    assert len(nav) == len(set(nav))
    assert set(nav) == written_pages() | GENERATED
    assert not written_pages() & GENERATED  # generated pages are never also written by hand


def test_the_tutorial_shows_the_browser_story_screenshots():
    tutorial = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    shots = sorted(path.name for path in (DOCS / "tutorial").glob("*.png"))
    assert shots and all(f"(tutorial/{name})" in tutorial for name in shots)
    assert all((DOCS / "tutorial" / name).stat().st_size < 100_000 for name in shots)
