"""Properties of the Markdown guide importer on arbitrary input (Hypothesis): a document is either
imported whole or refused with DocumentRefused (or ImportConflict for one that drops a section), and a
refused or failed import writes nothing."""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.core.models import AuditEvent
from guide_cms.guides.importer import DocumentRefused, parse_guide_document
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.services import ImportConflict, guide_import
from guide_cms.guides.text_rules import TextRefused

PIECES = [
    "# Title\n", "# Baclofen\n\n", "## Dosing\n", "## Dosing {#dosing}\n", "## Warnings\n", "## Side effects\n", "### Deeper\n",
    "Take 5 mg three times a day.\n", "> **Warning:** Do not drive.\n", "> **Tip:** Drink water.\n", "> [!WARNING]\n> Careful.\n",
    "<script>x</script>", "[x](javascript:alert(1))", "![i](https://e.org/i.png)", "- item\n", "1. step\n", "*", "**", "`", "\n", "\n\n",
    "\u202e", "\u200b", "\x00", "&#x202E;", "5O mg", "{#guide}", "{#}", "## \n", "#", "---\n", "| a | b |\n", "<div>", "\r\n", "\ufeff",
]
fragments = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=15)), max_size=25).map("".join)
# The guide's own shape with arbitrary text inside, so that many examples are imported, not refused.
shaped = st.tuples(fragments, fragments, fragments).map(lambda t: f"# Baclofen\n\n{t[0]}\n\n## Dosing\n\n{t[1]}\n\n## Warnings\n\n{t[2]}\n")
documents = st.one_of(fragments, shaped)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_parsing_any_text_gives_a_guide_or_the_documented_refusal(text):
    try:
        document = parse_guide_document(text, source="any.md")
    except DocumentRefused as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    assert document.sections and all(s.key for s in document.sections)


def state():
    return (
        list(Guide.objects.order_by("pk").values_list("slug", "title_en", "summary_en")),
        list(Section.objects.order_by("pk").values_list("guide_id", "key", "position", "title_en", "body_en", "body_es")),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
@SETTINGS
@given(text=documents)
def test_importing_any_document_writes_it_whole_or_nothing(guide, editor, text):
    before = state()
    with transaction.atomic():
        try:
            document = parse_guide_document(text, source="any.md")
            guide_import(document=document, slug=guide.slug, user=editor)
        except (DocumentRefused, ImportConflict, TextRefused):
            assert state() == before
        else:
            # Written whole: the guide's English text is the document's, section by section, in its order.
            written = list(guide.sections.order_by("position").values_list("title_en", "body_en"))
            assert written == [(s.title, s.body) for s in document.sections]
            assert Guide.objects.get(pk=guide.pk).title_en == document.title
        transaction.set_rollback(True)  # the next example starts from the same guide
