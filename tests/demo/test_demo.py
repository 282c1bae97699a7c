"""The demo command: every review state visible, idempotent, refused in production."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from guide_cms.core.languages import all_languages
from guide_cms.core.models import AuditEvent
from guide_cms.demo.content import fixture_path
from guide_cms.guides.models import Guide, Version
from guide_cms.review.integrity import check_integrity
from guide_cms.review.selectors import guide_statuses


def run_demo():
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return run_demo()


def test_demo_shows_every_review_state(demo):
    guides = Guide.objects.order_by("slug")
    states = {g.slug: {lang: s.state.value for lang, s in per.items()} for g, per in zip(guides, guide_statuses(guides).values(), strict=True)}
    assert states["muscle-relaxants"] == {
        "en": "published", "es": "published", "ar": "published", "zh-hans": "in_review", "vi": "changes_requested",
    }
    assert states["heat-at-home"]["en"] == "draft"
    assert (states["gentle-stretches"]["en"], states["gentle-stretches"]["es"]) == ("published", "outdated")
    english = Version.objects.get(guide__slug="muscle-relaxants", language="en")
    assert english.signatures.approvals().values("signer").distinct().count() == 2
    assert Guide.objects.get(slug="muscle-relaxants").safety_critical


def test_demo_history_verifies(demo):
    assert check_integrity().ok


def test_running_the_demo_twice_changes_nothing(demo):
    counts = (Version.objects.count(), AuditEvent.objects.count())
    output = run_demo()
    assert "already loaded" in output
    assert (Version.objects.count(), AuditEvent.objects.count()) == counts


def test_running_the_demo_again_keeps_what_an_editor_has_drafted_since(demo):
    from django.contrib.auth import get_user_model

    from guide_cms.demo.content import SEED_SLUG
    from guide_cms.guides.models import Section
    from guide_cms.guides.services import section_update_drafts

    section = Section.objects.filter(guide__slug=SEED_SLUG).order_by("position").first()
    section_update_drafts(section=section, user=get_user_model().objects.get(username="editor"), values={"body_en": section.body_en + " Edited."})
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    run_demo()

    section.refresh_from_db()
    assert section.body_en.endswith(" Edited.")
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="draft.edit").exists()


def test_demo_is_refused_with_production_settings(db):
    with override_settings(DEMO_ALLOWED=False), pytest.raises(CommandError, match="Refusing to load the demo"):
        run_demo()
    assert not Guide.objects.exists()


def test_seed_english_is_the_clinicians_text_exactly(demo, settings):
    seed = (settings.BASE_DIR.parent / "shared" / "seed" / "treatment_guide.txt")
    if not seed.exists():
        pytest.skip("shared/seed is not beside this checkout")
    seed_lines = [line.strip() for line in seed.read_text("utf-8").splitlines() if line.strip()]
    guide = Guide.objects.get(slug="muscle-relaxants")
    sections = list(guide.sections.order_by("position"))
    assert [s.title_en for s in sections] == seed_lines[1:2] + ["What to expect from treatment", "Self-care and prevention"]
    words = lambda text: re.sub(r"> \[!(WARNING|TIP)\]\n> ", "", text).split()  # noqa: E731
    stored = [w for s in sections for w in [*s.title_en.split(), *words(s.body_en)]]
    assert stored == [w for line in seed_lines[1:] for w in line.split()]


@pytest.mark.parametrize("language", [lang.code for lang in all_languages()])
def test_demo_translations_keep_doses_times_and_drug_names(language):
    text = fixture_path("treatment_guide", language).read_text("utf-8")
    for term in ("Diazepam", "Baclofen", "30", "4", "8", "15"):
        assert term in text, f"{term} missing from the {language} demo text"
    assert text.count("[!WARNING]") + text.count("**Warning:**") == 1
    assert text.count("[!TIP]") + text.count("**Tip:**") == 1
    assert text.count("\n## ") == 3


def test_outdated_example_marks_the_changed_section_with_its_diff(demo):
    from guide_cms.localization.selectors import translation_overviews

    (overview,) = translation_overviews(Guide.objects.filter(slug="gentle-stretches"), "es")
    (section,) = overview.sections
    assert section.state == "outdated"
    assert '<del class="diff-del">20</del><ins class="diff-ins">15</ins>' in section.source_diff_html
    assert "20 segundos" in section.body  # the translation stays as the starting point


def test_outdated_example_is_live_with_a_notice_in_spanish(demo, export_dir):
    from guide_cms.publishing.selectors import export_problems
    from guide_cms.review.selectors import guide_statuses

    guide = Guide.objects.get(slug="gentle-stretches")
    assert guide_statuses([guide])[guide.pk]["es"].label == "published v1 · outdated"
    page = (export_dir / "site" / "es" / "gentle-stretches" / "index.html").read_text()
    assert 'class="outdated-notice" role="note"' in page and "20 segundos" in page
    assert "15 seconds" in (export_dir / "site" / "en" / "gentle-stretches" / "index.html").read_text()
    assert export_problems() == []


def test_second_demo_translation_keeps_its_numbers():
    english = fixture_path("gentle_stretches", "en").read_text("utf-8")
    spanish = fixture_path("gentle_stretches", "es").read_text("utf-8")
    assert re.findall(r"\d+", english) == re.findall(r"\d+", spanish) == ["20", "3"]


def test_demo_shows_memory_matches_on_the_outdated_guide(demo):
    from guide_cms.demo.content import memory_example

    example = memory_example()
    # The clinical change touched one sentence: it is the only one to review, offered as a fuzzy match.
    assert [uid for uid, _score in example["fuzzy"]] == ["knee-hugs.body.1.2"]
    assert 75 <= example["fuzzy"][0][1] < 100
    assert len(example["memory"]) >= 5 and example["new"] == []
    assert "sentences pre-filled from memory, to review: knee-hugs.body.1.2" in demo
