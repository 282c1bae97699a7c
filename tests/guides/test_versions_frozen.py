import pytest

from guide_cms.review.services import version_submit


def test_a_versions_text_cannot_be_saved_again(guide, editor):
    version = version_submit(guide=guide, language="en", user=editor)
    version.snapshot["sections"][0]["body"] = "Take 50 mg."
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.save(update_fields=["snapshot"])
    version.refresh_from_db()
    assert version.snapshot["sections"][0]["body"] == "Take 5 mg."
