"""A process that signs and publishes all day does not grow with what it signs (issue 26): what it keeps
of each signature is bounded, the memory's fuzzy index grows with distinct sentences, not with pairs, and a
batch does not hold its versions' texts to its end."""
import pytest

from guide_cms.guides.models import Section
from guide_cms.localization import memory
from guide_cms.localization.models import MemoryEntry
from guide_cms.publishing import entries
from tests.factories import GuideFactory, SectionFactory
from tests.workflow import Workflow

BODY_EN = "Take 5 mg at night. Do not drive afterwards. Read the leaflet first."
BODY_ES = "Tome 5 mg por la noche. No conduzca después. Lea el prospecto antes."


def signed_guide(workflow, n: int):
    """Another guide saying what the others say, its source and Spanish translation signed and published."""
    guide = GuideFactory(slug=f"guide-{n}", title_en="Baclofen", title_es="Baclofeno", summary_es="Un resumen breve.")
    SectionFactory(guide=guide, key="dosing", position=1, title_en="Dosing", body_en=BODY_EN, title_es="Dosis", body_es=BODY_ES)
    SectionFactory(guide=guide, key="warnings", position=2, title_en="Warnings", body_en="> [!WARNING]\n> Do not drive.", body_es="")
    Section.objects.filter(guide=guide, key="warnings").update(title_es="Advertencias", body_es="> [!WARNING]\n> No conduzca.")
    other = Workflow.__new__(Workflow)  # the same people, another guide
    vars(other).update(vars(workflow), guide=guide)
    other.approve("en")
    other.publish(other.approve("es"))


@pytest.mark.django_db
def test_the_seals_a_process_keeps_stay_within_their_bound(workflow, monkeypatch):
    monkeypatch.setattr(entries, "_SEALS_KEPT", 3)
    entries.forget_verified_texts()
    kept = []
    for n in range(6):  # 12 signatures, 6 publications
        signed_guide(workflow, n)
        kept.append(len(entries._SEALS))
    assert max(kept) == 3 and kept[-1] == 3
    # A seal forgotten is verified again when it is next exported, and still verifies.
    workflow.approve("en")
    workflow.publish(workflow.approve("es"))
    assert len(entries._SEALS) == 3


@pytest.mark.django_db
def test_the_fuzzy_index_keeps_one_text_per_sentence_however_many_guides_sign_it(workflow):
    texts, pairs = [], []
    for n in range(4):
        signed_guide(workflow, n)  # the translation's submission looks the memory up: the index is made or extended
        texts.append(len(memory.fuzzy_index("es")))
        pairs.append(MemoryEntry.objects.filter(language="es").count())
    assert pairs[-1] == 4 * pairs[0]
    assert texts == [texts[0]] * 4


@pytest.mark.django_db
def test_a_batch_keeps_its_versions_without_their_texts_while_it_publishes(workflow, settings, tmp_path):
    from guide_cms.publishing.services import publish_versions

    settings.GUIDE_CMS_EXPORT_DIR = tmp_path
    source = workflow.approve("en")
    translation = workflow.approve("es")
    result = publish_versions(versions=[source, translation], user=workflow.publisher, channels=["site"])
    # Each version's text was read to check it, then let go: a batch of 250 kept 35 MB of texts to its end.
    assert [v.pk for v in result.versions] == [source.pk, translation.pk]
    assert all({"snapshot", "qa_findings"} <= v.get_deferred_fields() for v in result.versions)
    assert "snapshot" in result.versions[1].source_version.get_deferred_fields()
    assert (tmp_path / "site" / "es" / workflow.guide.slug / "index.html").exists()
