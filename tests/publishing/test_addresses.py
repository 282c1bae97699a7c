"""Addresses are permanent: after a guide's slug changes, every address given out under the old one (a printed
handout's link, a bookmark, an app's JSON URL) still leads to the guide, and the manifest records the aliases."""
import json
import re

import pytest
from django.core.exceptions import ValidationError

from guide_cms.guides import services
from guide_cms.guides.models import Version
from guide_cms.publishing.export import verify_exports
from guide_cms.publishing.services import export_channels
from tests.factories import GuideFactory
from tests.publishing.publishing_helpers import files
from tests.tamper import verify_integrity

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(published):
    """The guide live in English and Spanish on both channels (tests/publishing/conftest.py)."""
    return published


def rename(wf, slug):
    """Change the slug and get a version carrying it approved: addresses are signed content."""
    services.guide_update_settings(guide=wf.guide, user=wf.editor, slug=slug)
    wf.guide.refresh_from_db()
    if wf.guide.slug != slug:
        version = wf.approve("en", change_class="editorial")  # an address is no clinical change
        assert version.snapshot["guide"] == slug
        wf.guide.refresh_from_db()
    assert wf.guide.slug == slug


def test_a_slug_change_of_a_live_guide_waits_for_a_signature_and_shows_on_the_review_page(live, export_dir, client):
    import html

    from guide_cms.review.services import version_submit

    services.guide_update_settings(guide=live.guide, user=live.editor, slug="baclofen-tablets")
    live.guide.refresh_from_db()
    assert (live.guide.slug, live.guide.slug_requested) == ("baclofen", "baclofen-tablets")
    export_channels()
    assert "es/baclofen/index.html" in files(export_dir, "site")  # nothing moved yet
    assert "es/baclofen-tablets/index.html" not in files(export_dir, "site")

    version = version_submit(guide=live.guide, language="en", user=live.editor, change_class="editorial")
    assert version.snapshot["guide"] == "baclofen-tablets"
    client.force_login(live.reviewer)
    page = html.unescape(client.get(f"/admin/review/versions/{version.pk}/").content.decode())
    # Among the sign-off settings this version changes against the last approved one.
    assert "Slug: baclofen → baclofen-tablets" in page

    from tests.factories import PASSWORD
    from guide_cms.review.services import version_sign

    version_sign(version=version, signer=live.reviewer, password=PASSWORD, decision="approve", change_class_confirmed="editorial")
    live.guide.refresh_from_db()
    assert (live.guide.slug, live.guide.slug_requested) == ("baclofen-tablets", "")
    live.publish(Version.objects.get(pk=version.pk), channels=("site", "handouts"))
    assert redirect_target(files(export_dir, "site")["en/baclofen/index.html"]) == "../baclofen-tablets/index.html"


def test_a_guide_never_approved_changes_its_slug_at_once(guide, editor):
    services.guide_update_settings(guide=guide, user=editor, slug="baclofen-oral")
    guide.refresh_from_db()
    assert (guide.slug, guide.slug_requested) == ("baclofen-oral", "")


def test_a_requested_slug_changed_behind_the_application_is_reported(live):
    from guide_cms.guides.models import Guide
    from tests.tamper import verify_integrity

    services.guide_update_settings(guide=live.guide, user=live.editor, slug="baclofen-tablets")
    Guide.objects.filter(pk=live.guide.pk).update(slug_requested="somewhere-else")
    code, output = verify_integrity()
    assert code == 1 and "slug requested" in output


def redirect_target(page: bytes) -> str:
    return re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.decode()).group(1)


def test_a_renamed_guide_s_old_pages_and_json_redirect_to_the_new_address(live, export_dir):
    rename(live, "baclofen-tablets")
    export_channels()

    site = files(export_dir, "site")
    for code in ("en", "es"):
        assert f"{code}/baclofen-tablets/index.html" in site
        old = site[f"{code}/baclofen/index.html"]
        assert redirect_target(old) == "../baclofen-tablets/index.html"
        assert 'href="../baclofen-tablets/index.html"' in old.decode()  # a link, for readers without refresh
        moved = json.loads(site[f"{code}/baclofen.json"])
        assert (moved["moved"], moved["current_slug"], moved["json"]) == (True, "baclofen-tablets", f"{code}/baclofen-tablets.json")
        assert json.loads(site[f"{code}/baclofen-tablets.json"])["aliases"] == ["baclofen"]
    manifest = json.loads(site["manifest.json"])
    assert manifest["entries"]["es/baclofen-tablets"]["aliases"] == ["baclofen"]
    assert "es/baclofen" not in manifest["entries"]
    assert verify_exports(export_dir) == []
    assert verify_integrity()[0] == 0


def test_the_printed_handout_link_of_the_old_address_resolves(live, export_dir, settings):
    """A handout printed before the rename carries <site>/es/baclofen/: that path must still serve a page leading on."""
    rename(live, "baclofen-tablets")
    export_channels()
    live_site = (export_dir / "site").resolve()
    old = live_site / "es" / "baclofen" / "index.html"
    assert old.is_file()
    assert (old.parent / redirect_target(old.read_bytes())).resolve() == live_site / "es" / "baclofen-tablets" / "index.html"


def test_a_publication_after_the_rename_replaces_the_old_pages_by_redirects_too(live, export_dir):
    """The quick path (a publication plans its own guides only) must not leave the old guide page live."""
    rename(live, "baclofen-tablets")
    live.edit("dosing", "es", "Tome 5 mg por la noche.")
    live.publish(live.approve("es"), channels=("site",))

    site = files(export_dir, "site")
    assert redirect_target(site["es/baclofen/index.html"]) == "../baclofen-tablets/index.html"
    assert "Tome 5 mg por la noche." in site["es/baclofen-tablets/index.html"].decode()
    assert verify_exports(export_dir) == []


def test_two_renames_keep_both_old_addresses(live, export_dir):
    rename(live, "baclofen-tablets")
    rename(live, "baclofen-oral")
    export_channels()
    site = files(export_dir, "site")
    assert redirect_target(site["en/baclofen/index.html"]) == "../baclofen-oral/index.html"
    assert redirect_target(site["en/baclofen-tablets/index.html"]) == "../baclofen-oral/index.html"
    assert json.loads(site["en/baclofen-oral.json"])["aliases"] == ["baclofen", "baclofen-tablets"]


def test_another_guide_cannot_take_an_address_given_out_for_a_renamed_one(live, editor):
    rename(live, "baclofen-tablets")
    with pytest.raises(ValidationError, match="belonged to the guide baclofen-tablets"):
        services.guide_create(user=editor, slug="baclofen", title="Another guide")
    other = GuideFactory(slug="tizanidine")
    with pytest.raises(ValidationError, match="belonged to the guide baclofen-tablets"):
        services.guide_update_settings(guide=other, user=editor, slug="baclofen")
    # The guide itself may go back to its old address.
    rename(live, "baclofen")
    assert live.guide.slug == "baclofen"


def test_the_admin_says_why_an_old_address_cannot_be_reused(live, editor, client):
    from tests.guides.admin_forms import post_data_from

    rename(live, "baclofen-tablets")
    other = GuideFactory(slug="tizanidine")
    client.force_login(editor)
    url = f"/admin/guides/guide/{other.pk}/change/"
    data = post_data_from(client.get(url))
    data["slug"] = "baclofen"
    response = client.post(url, data)
    assert response.status_code == 400
    assert "belonged to the guide baclofen-tablets" in response.content.decode()
    other.refresh_from_db()
    assert other.slug == "tizanidine"
