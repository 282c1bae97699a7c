"""The glossary decides a blocking check: only a language's clinical reviewers change it, and every change is audited."""
import pytest
from django.urls import reverse

from guide_cms.core.models import AuditEvent
from guide_cms.core.roles import Role
from guide_cms.localization.models import GlossaryTerm
from tests.factories import make_user
from tests.guides.admin_forms import post_data_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_es(db):
    return make_user(Role.REVIEWER, ("es",), username="rev_es")


def test_adding_changing_and_removing_a_term_in_the_admin_are_audited(client, reviewer_es):
    client.force_login(reviewer_es)
    add = client.post(
        reverse("admin:localization_glossaryterm_add"),
        {"language": "es", "term": "Baclofen", "approved": "Baclofeno", "note": "", "_save": "Save"},
    )
    assert add.status_code == 302
    term = GlossaryTerm.objects.get(language="es", term="Baclofen")
    url = reverse("admin:localization_glossaryterm_change", args=[term.pk])
    data = post_data_from(client.get(url))
    data["approved"] = "Baclofén"
    assert client.post(url, data).status_code == 302
    assert client.post(reverse("admin:localization_glossaryterm_delete", args=[term.pk]), {"post": "yes"}).status_code == 302

    events = list(AuditEvent.objects.filter(action__startswith="glossary.").order_by("id"))
    assert [e.action for e in events] == ["glossary.create", "glossary.change", "glossary.delete"]
    assert all(e.actor == reviewer_es and e.scope == "glossary:es" for e in events)
    assert events[0].data["approved"] == "Baclofeno"
    assert events[1].data == {"term": "Baclofen", "fields": {"approved": {"old": "Baclofeno", "new": "Baclofén"}}}
    assert events[2].data["approved"] == "Baclofén"
    assert not GlossaryTerm.objects.exists()


def test_a_reviewer_cannot_change_another_languages_glossary(client, reviewer_es):
    from django.core.exceptions import PermissionDenied

    from guide_cms.localization.services import glossary_term_save

    arabic = GlossaryTerm.objects.create(language="ar", term="Diazepam", do_not_translate=True)

    with pytest.raises(PermissionDenied):
        glossary_term_save(user=reviewer_es, term=arabic, values={"do_not_translate": False, "approved": "x"})
    with pytest.raises(PermissionDenied):
        glossary_term_save(user=reviewer_es, term=GlossaryTerm.objects.create(language="es", term="T", approved="t"), values={"language": "ar"})
    assert not AuditEvent.objects.filter(action__startswith="glossary.").exists()


def test_the_spanish_reviewer_reads_the_spanish_glossary_history_only(client, reviewer_es):
    from guide_cms.localization.services import glossary_term_save

    glossary_term_save(user=reviewer_es, values={"language": "es", "term": "Diazepam", "approved": "", "do_not_translate": True, "note": ""})
    glossary_term_save(user=make_user(Role.REVIEWER, ("ar",)), values={"language": "ar", "term": "Diazepam", "approved": "", "do_not_translate": True, "note": ""})
    client.force_login(reviewer_es)

    events = list(client.get(reverse("admin:core_auditevent_changelist")).context["cl"].queryset)

    assert [e.scope for e in events] == ["glossary:es"]


def test_do_not_translate_terms_apply_to_every_language_and_a_languages_own_entry_wins(db):
    from guide_cms.localization.checking import glossary_for

    GlossaryTerm.objects.create(language="es", term="Diazepam", do_not_translate=True)
    GlossaryTerm.objects.create(language="ar", term="diazepam", do_not_translate=True)
    GlossaryTerm.objects.create(language="es", term="muscle relaxant", approved="relajante muscular")
    GlossaryTerm.objects.create(language="vi", term="Baclofen", approved="Baclofen (baclofen)")
    GlossaryTerm.objects.create(language="es", term="Baclofen", do_not_translate=True)

    # Vietnamese has no Diazepam entry: the do-not-translate term of the other languages applies, once.
    vietnamese = glossary_for("vi")
    assert [(e.term, e.do_not_translate) for e in vietnamese] == [("Baclofen", False), ("diazepam", True)]
    # A language added later (no entries at all) gets the drug names, not another language's translations.
    assert sorted(e.term.casefold() for e in glossary_for("zh-hans")) == ["baclofen", "diazepam"]
