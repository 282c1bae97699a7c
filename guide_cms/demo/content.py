"""Load the demo guides from fixtures/*.md and run the real review workflow on
them, so that every state is visible: signatures are made through the
services with the demo accounts' password."""
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from guide_cms.core.languages import get_language, target_languages
from guide_cms.guides.importer import parse_guide_document
from guide_cms.guides.models import Guide, Version
from guide_cms.guides.services import ImportReport, guide_apply_translation_document, guide_import, guide_update_settings
from guide_cms.review.models import Decision
from guide_cms.review.services import version_sign, version_submit

from .accounts import DEMO_PASSWORD

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEED_SLUG = "muscle-relaxants"
SECOND_SLUG = "heat-at-home"


def fixture_path(stem: str, language: str) -> Path:
    return FIXTURES / f"{stem}.{language}.md"


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _read(path: Path):
    return parse_guide_document(path.read_text("utf-8"), source=str(path))


def load_seed_guide(stem: str = "treatment_guide", slug: str = SEED_SLUG):
    """Import the English source as the editor, then each translation as its translator.

    Only once: when the guide exists, it is left as it is (a re-run of the demo
    never overwrites what people have edited since)."""
    existing = Guide.objects.filter(slug=slug).first()
    if existing is not None:
        return ImportReport(guide=existing)
    editor = _user("editor")
    report = guide_import(document=_read(fixture_path(stem, "en")), slug=slug, user=editor)
    guide = report.guide
    if report.created:
        guide_update_settings(guide=guide, user=editor, safety_critical=True)
    for language in target_languages():
        path = fixture_path(stem, language.code)
        if path.exists():
            translator = _user(f"translator_{language.field_suffix}")
            guide_apply_translation_document(guide=guide, language=language, document=_read(path), user=translator)
    return report


DEMO_GLOSSARY = ("Diazepam", "Baclofen")


def load_glossary():
    """Drug names stay exactly as written in every demo language (kept by a demo reviewer, audited)."""
    from guide_cms.localization.models import GlossaryTerm
    from guide_cms.localization.services import glossary_term_save

    for language in target_languages():
        for term in DEMO_GLOSSARY:
            if not GlossaryTerm.objects.filter(language=language.code, term=term).exists():
                glossary_term_save(user=_user("reviewer1"), values={
                    "language": language.code, "term": term, "approved": "", "do_not_translate": True,
                    "note": "Drug name: never translated or transliterated.",
                })


def load_second_guide():
    """A short guide imported from Markdown and left as an English draft."""
    return guide_import(document=_read(fixture_path("heat_at_home", "en")), slug=SECOND_SLUG, user=_user("editor"))


def _sign(version, username, decision=Decision.APPROVE, comment=""):
    return version_sign(version=version, signer=_user(username), password=DEMO_PASSWORD, decision=decision, comment=comment)


# What the demo shows for the seed guide: language -> (submitter, signatures).
SEED_WORKFLOW = [
    ("en", "editor", [("reviewer1", Decision.APPROVE, ""), ("reviewer2", Decision.APPROVE, "")]),
    # The seed guide is safety-critical: every language needs two approvals.
    ("es", "translator_es", [("reviewer1", Decision.APPROVE, ""), ("reviewer2", Decision.APPROVE, "")]),
    ("ar", "translator_ar", [("reviewer1", Decision.APPROVE, ""), ("reviewer2", Decision.APPROVE, "")]),
    ("zh-hans", "translator_zh_hans", [("reviewer2", Decision.APPROVE, "")]),
    (
        "vi",
        "translator_vi",
        [("reviewer1", Decision.REQUEST_CHANGES, "Please have a second Vietnamese reader check that the tip and the warning read naturally for patients; the doses and times are correct.")],
    ),
]


def run_seed_workflow(slug: str = SEED_SLUG) -> list[str]:
    """Submit and sign each language once; languages that already have a version are left alone."""
    guide = Guide.objects.get(slug=slug)
    done = []
    for language, submitter, signatures in SEED_WORKFLOW:
        if Version.objects.filter(guide=guide, language=language).exists():
            continue
        version = version_submit(guide=guide, language=language, user=_user(submitter))
        for reviewer, decision, comment in signatures:
            _sign(version, reviewer, decision, comment)
        done.append(language)
    return done


DEMO_PUBLISHED = ("en", "es", "ar")


def publish_seed_guide(slug: str = SEED_SLUG) -> list[str]:
    """Publish the approved English, Spanish and Arabic versions (once) as the publisher."""
    from guide_cms.publishing.models import Publication
    from guide_cms.publishing.services import publish_version

    guide = Guide.objects.get(slug=slug)
    published = []
    for language in DEMO_PUBLISHED:
        if Publication.objects.filter(guide=guide, language=language).exists():
            continue
        version = Version.objects.for_language(guide, language).approved().order_by("-number").first()
        publish_version(version=version, user=_user("publisher"))
        published.append(language)
    return published


THIRD_SLUG = "gentle-stretches"
# The clinical change the demo makes after the Spanish translation was approved.
STRETCH_CHANGE = ("Hold for 20 seconds", "Hold for 15 seconds")


def run_outdated_example(slug: str = THIRD_SLUG) -> bool:
    """A guide published in English and Spanish, then changed clinically in English
    (approved and published): the Spanish translation is outdated and stays live
    with a notice, in Spanish, pointing to the current English page."""
    from guide_cms.guides.services import section_update_drafts
    from guide_cms.publishing.services import publish_version

    if Guide.objects.filter(slug=slug).exists():
        return False
    editor, translator, publisher = _user("editor"), _user("translator_es"), _user("publisher")
    guide = guide_import(document=_read(fixture_path("gentle_stretches", "en")), slug=slug, user=editor).guide
    guide_apply_translation_document(guide=guide, language=get_language("es"), document=_read(fixture_path("gentle_stretches", "es")), user=translator)
    english = version_submit(guide=guide, language="en", user=editor)
    _sign(english, "reviewer1")
    spanish = version_submit(guide=guide, language="es", user=translator)
    _sign(spanish, "reviewer2")
    for version in (english, spanish):
        version.refresh_from_db()
        publish_version(version=version, user=publisher)
    section = guide.sections.get(key="knee-hugs")
    section_update_drafts(section=section, user=editor, values={"body_en": section.body_en.replace(*STRETCH_CHANGE)})
    version = version_submit(guide=guide, language="en", user=editor, change_class="clinical")
    version_sign(version=version, signer=_user("reviewer1"), password=DEMO_PASSWORD, decision=Decision.APPROVE, change_class_confirmed="clinical")
    version.refresh_from_db()
    publish_version(version=version, user=publisher)
    return True


def memory_example(slug: str = THIRD_SLUG, language: str = "es") -> dict:
    """What the translation memory offers for the outdated guide: its sentences from signed text, and the one to translate."""
    from guide_cms.localization.exchange import FUZZY, MEMORY
    from guide_cms.localization.models import MemoryEntry
    from guide_cms.localization.services import translation_document

    document = translation_document(guide=Guide.objects.get(slug=slug), language=language, user=None)
    return {
        "pairs": MemoryEntry.objects.filter(signed=True).count(),
        "memory": [u.id for u in document.units if u.state == MEMORY],
        "fuzzy": [(u.id, u.match.score if u.match else None) for u in document.units if u.state == FUZZY],
        "new": [u.id for u in document.units if not u.target],
    }
