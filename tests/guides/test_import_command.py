import pytest
from django.core.management import CommandError, call_command

from guide_cms.guides.models import Guide

DOC = "# Baclofen\n\n## Dosing\n\nTake 5 mg.\n\n> **Tip:** Use a pill box.\n"


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_guide", *args, stdout=out)
    return out.getvalue()


def test_import_then_reimport_reports_unchanged(db, tmp_path):
    path = tmp_path / "baclofen.md"
    path.write_text(DOC, encoding="utf-8")
    assert "Created guide 'baclofen' (1 sections)" in run(str(path), "--slug", "baclofen")
    assert "unchanged" in run(str(path), "--slug", "baclofen")
    assert Guide.objects.get(slug="baclofen").sections.get().body_en.endswith("> [!TIP]\n> Use a pill box.")


def test_unsafe_file_is_refused_with_file_and_line(db, tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("# T\n\n## S\n\n<img src=x onerror=alert(1)>\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(path), "--slug", "bad")
    assert f"{path}: line 5" in str(error.value)
    assert not Guide.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [(b"\xff\xfe\x00bad", "not UTF-8"), (b"# Only a title\n", "no sections")],
)
def test_unreadable_files_are_refused(db, tmp_path, content, message):
    path = tmp_path / "x.md"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--slug", "x")
    assert not Guide.objects.exists()


def test_missing_file_bad_slug_and_unknown_user_are_clear_errors(db, tmp_path):
    path = tmp_path / "g.md"
    path.write_text(DOC, encoding="utf-8")
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.md"), "--slug", "x")
    with pytest.raises(CommandError, match="not a slug"):
        run(str(path), "--slug", "Not A Slug")
    with pytest.raises(CommandError, match="No user named 'ghost'"):
        run(str(path), "--slug", "x", "--user", "ghost")


def test_import_as_a_translator_is_refused(translator_es, tmp_path):
    path = tmp_path / "g.md"
    path.write_text(DOC, encoding="utf-8")
    with pytest.raises(CommandError, match="Only editors"):
        run(str(path), "--slug", "x", "--user", translator_es.username)


def test_dry_run_previews_a_renamed_heading(tmp_path, db):
    from io import StringIO

    from django.core.management import call_command

    from guide_cms.guides.models import Section

    path = tmp_path / "g.md"
    path.write_text("# Guide\n\n## Dosing\n\nTake 5 mg.\n", "utf-8")
    call_command("import_guide", str(path), "--slug", "g", stdout=StringIO())
    path.write_text("# Guide\n\n## Dosing and timing\n\nTake 5 mg.\n", "utf-8")
    out = StringIO()
    call_command("import_guide", str(path), "--slug", "g", "--dry-run", stdout=out)
    assert "renamed: dosing: 'Dosing' -> 'Dosing and timing'" in out.getvalue() and "nothing was written" in out.getvalue()
    assert Section.objects.get(key="dosing").title_en == "Dosing"
