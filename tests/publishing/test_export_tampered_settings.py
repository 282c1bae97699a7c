"""An export refuses to publish a guide's settings edited behind the application's back (the slug moves every
address; the review interval moves the next-review date printed for patients), naming it; the files stay."""
import pytest

from tests import tamper
from tests.publishing.publishing_helpers import BOTH, command, files


@pytest.fixture
def live(editor, translator_es, export_dir):
    """A guide made through the services (its settings sealed at creation), published on both channels."""
    from guide_cms.guides.importer import parse_guide_document
    from guide_cms.guides.services import guide_import
    from tests.workflow import Workflow

    document = parse_guide_document("# Baclofen\n\nHow to take it.\n\n## Dosing\n\nTake 5 mg.\n")
    workflow = Workflow(guide_import(document=document, slug="baclofen", user=editor).guide, editor, translator_es)
    workflow.publish(workflow.approve("en"), channels=BOTH)
    return workflow


@pytest.mark.parametrize(("column", "value", "named"), [
    ("review_interval_months", 36, "its review interval months is 36, but the sealed audit trail says 12"),
    ("slug", "baclofen-new", "its slug is 'baclofen-new', but the sealed audit trail says 'baclofen'"),
])
def test_an_export_refuses_settings_edited_by_sql_and_leaves_the_files(live, export_dir, column, value, named):
    before = {channel: files(export_dir, channel) for channel in ("site", "handouts")}
    tamper.sql(f"UPDATE guides_guide SET {column} = %s WHERE id = %s", [value, live.guide.pk])
    code, output = command("export_channels", "--output", str(export_dir))
    assert code != 0
    assert "a guide's settings differ from the audit trail" in output and named in output
    assert {channel: files(export_dir, channel) for channel in ("site", "handouts")} == before
