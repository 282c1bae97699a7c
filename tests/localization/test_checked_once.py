"""The QA checks run once per text: an import checks the drafts, the submission of the same text
reuses those findings, and a change of text, glossary or interface language checks again."""
import pytest
from django.utils import translation

from guide_cms.localization import checking
from guide_cms.localization.models import GlossaryTerm
from guide_cms.review.services import version_submit
from tests.review.workflow_helpers import approved_source


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = checking.check_translation

    def check_translation(*args, **kwargs):
        calls.append(args[1]["sections"][0]["body"])
        return real(*args, **kwargs)

    monkeypatch.setattr(checking, "check_translation", check_translation)
    return calls


def test_a_submission_reuses_the_findings_of_the_same_text(guide, editor, translator_es, counted):
    guide.sections.filter(key="warnings").update(title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    approved_source(guide, editor)
    first, source = checking.draft_findings(guide, "es")
    assert len(counted) == 1
    version = version_submit(guide=guide, language="es", user=translator_es)
    assert len(counted) == 1  # the same text against the same source: not checked again
    assert version.qa_findings == checking.findings_as_data(first)
    assert checking.version_findings(version) == first and len(counted) == 1


def test_another_text_glossary_or_interface_language_is_checked_again(guide, editor, counted):
    approved_source(guide, editor)
    checking.draft_findings(guide, "es")
    guide.sections.filter(key="dosing").update(body_es="Tome 10 mg por la noche.")
    checking.draft_findings(guide, "es")
    assert len(counted) == 2
    GlossaryTerm.objects.create(term="Baclofen", language="es", approved="baclofeno")
    checking.draft_findings(guide, "es")
    assert len(counted) == 3
    with translation.override("es"):
        checking.draft_findings(guide, "es")
    assert len(counted) == 4
