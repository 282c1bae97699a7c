"""Patients are told when a translation is behind a clinical change to its source."""
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from guide_cms.core.roles import Role
from guide_cms.guides.models import ChangeClass, Guide, Section
from guide_cms.publishing.services import translations_left_outdated
from guide_cms.review.services import version_sign, version_submit
from tests.factories import PASSWORD, make_user
from tests.publishing.publishing_helpers import BOTH, command, files, pdf_text

DOSE_TIMING = "Take 5 mg 30 minutes before bedtime."  # the clinical change: when to take it


def in_language(code, msgid):
    with translation.override(code):
        return translation.gettext(msgid)


@pytest.fixture
def live(workflow, export_dir):
    """English, Spanish and Arabic v1 live on both channels."""
    wf = workflow
    Guide.objects.filter(pk=wf.guide.pk).update(title_ar="باكلوفين", summary_ar="ملخص قصير.")
    Section.objects.filter(guide=wf.guide, key="dosing").update(title_ar="الجرعة", body_ar="تناول 5 ملغ.")
    Section.objects.filter(guide=wf.guide, key="warnings").update(title_ar="تحذيرات", body_ar="> [!WARNING]\n> لا تقد السيارة.")
    wf.translator_ar = make_user(Role.TRANSLATOR, ("ar",), username="translator_ar_t")
    wf.publish(wf.approve("en"), channels=BOTH)
    wf.publish(wf.approve("es"), channels=BOTH)
    wf.arabic = version_submit(guide=wf.guide, language="ar", user=wf.translator_ar)
    version_sign(version=wf.arabic, signer=wf.reviewer, password=PASSWORD, decision="approve")
    wf.publish(wf.arabic, channels=BOTH)
    return wf


@pytest.fixture
def clinical_change(live):
    live.edit("dosing", "en", DOSE_TIMING)
    live.english_v2 = live.approve("en", ChangeClass.CLINICAL)
    return live


class _Notice(HTMLParser):
    """The outdated notice of a page: its role, label, heading, text and link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs, self.text, self.link, self.depth, self.heading_id, self.heading = None, [], None, 0, None, []
        self.in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "outdated-notice" in (attrs.get("class") or "").split():
            self.attrs, self.depth = attrs, 1
        elif self.depth:
            self.depth += tag not in ("br",)
            if tag == "a":
                self.link = attrs
            if attrs.get("id") and attrs["id"] == (self.attrs or {}).get("aria-labelledby"):
                self.in_heading = True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            self.in_heading = False

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self.in_heading:
                self.heading.append(data)


def notice_of(page: bytes) -> _Notice | None:
    parser = _Notice()
    parser.feed(page.decode())
    return parser if parser.attrs else None


def status_cells() -> list[str]:
    """guide_status's cells for baclofen, one per language."""
    import re

    _code, status = command("guide_status")
    line = next(line for line in status.splitlines() if line.startswith("baclofen"))
    return re.split(r"\s{2,}", line.strip())[1:]


def test_nothing_changes_for_patients_until_the_clinical_change_is_published(clinical_change, export_dir):
    site = files(export_dir, "site")
    assert notice_of(site["es/baclofen/index.html"]) is None
    # Spanish and Arabic are live and behind the approved change.
    assert status_cells()[:3] == ["approved v2 · v1 live", "published v1 · outdated", "published v1 · outdated"]


def test_the_guide_list_shows_published_and_outdated(clinical_change, client):
    client.force_login(clinical_change.editor)
    page = client.get(reverse("admin:guides_guide_changelist")).content.decode()
    assert page.count("published v1 · outdated") == 2  # Spanish and Arabic
    # English v2 is approved, v1 is what patients read until v2 is published.
    assert re.search(r'approved \(v2\)</span><br><span class="gc-state-live">v1 is live</span>', page)


def test_the_publish_confirmation_lists_the_translations_it_leaves_outdated(clinical_change, client):
    wf = clinical_change
    assert [(item.language, item.version_number, item.withdrawn) for item in translations_left_outdated(wf.english_v2)] == [
        ("es", 1, False), ("ar", 1, False),
    ]
    client.force_login(wf.publisher)
    page = client.post(reverse("admin:guides_version_changelist"), {"action": "publish", "_selected_action": [wf.english_v2.pk]}).content.decode()
    assert "Live translations this leaves outdated:" in page
    assert "Spanish v1: stays live with a notice, in its language, that it is being updated" in page
    assert "Arabic v1: stays live with a notice" in page


def test_a_translation_published_in_the_same_batch_is_not_listed_as_left_outdated(clinical_change, client):
    wf = clinical_change
    wf.edit("dosing", "es", "Tome 5 mg 30 minutos antes de acostarse.")
    spanish_v2 = wf.approve("es")
    client.force_login(wf.publisher)
    page = client.post(reverse("admin:guides_version_changelist"),
                       {"action": "publish", "_selected_action": [wf.english_v2.pk, spanish_v2.pk]}).content.decode()
    assert "Arabic v1: stays live with a notice" in page
    assert "Spanish v1" not in page  # replaced by Spanish v2 in the same publication


@pytest.mark.parametrize("code", ["es", "ar"])
def test_publishing_the_change_puts_a_notice_on_the_translations_page_json_and_handout(clinical_change, export_dir, code):
    wf = clinical_change
    wf.publish(wf.english_v2, channels=BOTH)
    site, handouts = files(export_dir, "site"), files(export_dir, "handouts")
    heading = in_language(code, "This translation is being updated")

    notice = notice_of(site[f"{code}/baclofen/index.html"])
    assert notice is not None and notice.attrs["role"] == "note"
    assert "".join(notice.heading).strip() == heading
    assert notice.link["href"] == "../../en/baclofen/index.html" and notice.link["lang"] == "en"
    text = " ".join("".join(notice.text).split())
    assert in_language(code, "Until the updated translation is published, please read the current guide in %(language)s:").split("%")[0].strip() in text
    assert "Baclofen" in text  # the English title, as the link

    data = json.loads(site[f"{code}/baclofen.json"])
    assert data["outdated"]["notice"]["heading"] == heading
    assert data["outdated"]["source"] == {**data["outdated"]["source"], "page": "en/baclofen/", "version": 2}

    printed = pdf_text(handouts[f"{code}/baclofen.pdf"])
    assert "https://guides.example.org/en/baclofen/" in printed
    if code == "es":
        assert heading in printed and "Tome 5 mg." in printed  # the translation stays up, with the notice
    assert notice_of(site["en/baclofen/index.html"]) is None
    assert DOSE_TIMING in site["en/baclofen/index.html"].decode()
    assert command("verify_integrity")[0] == 0


def test_the_notice_is_in_the_readers_language_naming_the_source_language_in_it(clinical_change, export_dir):
    clinical_change.publish(clinical_change.english_v2, channels=("site",))
    site = files(export_dir, "site")
    assert "inglés" in site["es/baclofen/index.html"].decode()
    assert "الإنجليزية" in site["ar/baclofen/index.html"].decode()


def test_the_notice_goes_when_the_updated_translation_is_published(clinical_change, export_dir):
    wf = clinical_change
    wf.publish(wf.english_v2, channels=BOTH)
    wf.edit("dosing", "es", "Tome 5 mg 30 minutos antes de acostarse.")
    wf.publish(wf.approve("es"), channels=BOTH)
    site, handouts = files(export_dir, "site"), files(export_dir, "handouts")
    assert notice_of(site["es/baclofen/index.html"]) is None
    assert json.loads(site["es/baclofen.json"])["outdated"] is None
    assert in_language("es", "This translation is being updated") not in pdf_text(handouts["es/baclofen.pdf"])
    assert notice_of(site["ar/baclofen/index.html"]) is not None  # Arabic is still behind
    assert status_cells()[:3] == ["published v2", "published v2", "published v1 · outdated"]  # en, es, ar


def test_an_editorial_change_puts_no_notice(live, export_dir):
    live.edit("dosing", "en", "Take 5 mg (five milligrams).")
    live.publish(live.approve("en", ChangeClass.EDITORIAL), channels=("site",))
    assert notice_of(files(export_dir, "site")["es/baclofen/index.html"]) is None


def test_a_safety_change_still_withdraws_the_translation(live, export_dir):
    live.edit("warnings", "en", "> [!WARNING]\n> Do not drive or drink alcohol.")
    version = live.approve("en", ChangeClass.SAFETY)
    live.publish(version, channels=("site",))
    page = files(export_dir, "site")["es/baclofen/index.html"].decode()
    assert "Tome 5 mg." not in page and in_language("es", "Translation withdrawn") in page
    assert [(item.language, item.withdrawn) for item in translations_left_outdated(version)] == [("es", True), ("ar", True)]


def test_verify_integrity_notices_a_missing_notice(clinical_change, export_dir):
    wf = clinical_change
    wf.publish(wf.english_v2, channels=("site",))
    manifest_path = (export_dir / "site").resolve() / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["entries"]["es/baclofen"]["outdated_by"] = None  # as if exported before the change went live
    manifest_path.write_text(json.dumps(manifest))
    code, output = command("verify_integrity")
    assert code == 1
    assert "baclofen [es]: v1 is live and behind the clinical change of source v2, but its site files carry no notice" in output


def test_the_handout_points_to_the_site_page_as_soon_as_the_change_is_live_there(clinical_change, export_dir):
    from guide_cms.publishing.services import export_channels

    wf = clinical_change
    wf.publish(wf.english_v2, channels=("site",))  # the English handout still prints v1
    export_channels(channels=["handouts"])
    printed = pdf_text(files(export_dir, "handouts")["es/baclofen.pdf"])
    assert in_language("es", "This translation is being updated") in printed
    assert "https://guides.example.org/en/baclofen/" in printed
    assert command("verify_integrity")[0] == 0
