"""Load the seed guide and its demo translations from fixtures/*.md."""
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from guide_cms.core.languages import target_languages
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.services import guide_apply_translation_document, guide_import

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_SLUG = "muscle-relaxants"


def fixture_path(stem: str, language: str) -> Path:
    return FIXTURES / f"{stem}.{language}.md"


def load_seed_guide(stem: str = "treatment_guide", slug: str = SEED_SLUG):
    """Import the English source as the editor, then each translation as its translator."""
    User = get_user_model()
    editor = User.objects.get(username="editor")
    source = fixture_path(stem, "en")
    report = guide_import(document=parse_guide_document(source.read_text("utf-8"), source=str(source)), slug=slug, user=editor)
    guide = report.guide
    if report.created:
        from guide_cms.guides.services import guide_update_settings

        guide_update_settings(guide=guide, user=editor, safety_critical=True)
    for language in target_languages():
        path = fixture_path(stem, language.code)
        if not path.exists():
            continue
        translator = User.objects.get(username=f"translator_{language.field_suffix}")
        document = parse_guide_document(path.read_text("utf-8"), source=str(path))
        guide_apply_translation_document(guide=guide, language=language, document=document, user=translator)
    return report
