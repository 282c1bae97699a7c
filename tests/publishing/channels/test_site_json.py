"""A guide's JSON document: the signed facts, signing times in UTC, written byte for byte the same way."""
from __future__ import annotations

import datetime
import json


from tests.publishing import entries as sample
from tests.publishing.channels.site_pages import SLUG, files_of, json_of


def test_json_document_carries_the_signed_facts():
    entry = sample.published_guide("es")
    data = json_of(entry)
    assert data["slug"] == SLUG
    assert data["language"]["code"] == "es" and data["language"]["bcp47"] == "es"
    assert data["language"]["direction"] == "ltr"
    assert data["version"] == entry.version_number
    assert data["content_hash"] == entry.content_hash
    assert data["title"] == entry.title and data["summary"] == entry.summary
    assert [(s["key"], s["position"], s["title"], s["markdown"]) for s in data["sections"]] == [
        (s.key, s.position, s.title, s.body_markdown) for s in entry.sections
    ]
    assert all("<aside" in s["html"] or "<p>" in s["html"] for s in data["sections"])
    assert data["approved_on"] == "2025-03-14"
    assert data["next_review_due"] == "2026-03-14"
    assert data["review_overdue"] is False
    assert data["source_version"] == sample.SOURCE_VERSION
    assert [a["code"] for a in data["alternates"]] == list(sample.DEMO_LANGUAGES)
    assert data["alternates"][3]["bcp47"] == "zh-Hans"
    assert data["alternates"][2]["direction"] == "rtl"


def test_json_signatures_keep_the_recorded_meaning_and_utc_time():
    data = json_of(sample.published_guide("es"))
    assert data["signatures"] == [
        {
            "printed_name": "Dr. Amara Okafor",
            "credentials": "MD, FRCP",
            "meaning": "clinically_accurate",
            "meaning_text": "clinically accurate, approved for publication",
            "signed_at": "2025-03-14T09:30:00Z",
            "source_version": None,
        },
        {
            "printed_name": "Lucía Fernández",
            "credentials": "RN, certified medical translator",
            "meaning": "faithful_translation",
            "meaning_text": "faithful translation of source version 3",
            "signed_at": "2025-03-14T11:30:00Z",
            "source_version": 3,
        },
    ]


def test_json_signing_time_is_converted_to_utc_with_z():
    tokyo = datetime.timezone(datetime.timedelta(hours=9))
    signature = sample.clinical_signature(signed_at=datetime.datetime(2025, 3, 15, 1, 0, tzinfo=tokyo))
    data = json_of(sample.published_guide("en", signatures=(signature,)))
    assert data["signatures"][0]["signed_at"] == "2025-03-14T16:00:00Z"


def test_source_language_json_has_no_source_version():
    assert json_of(sample.published_guide("en"))["source_version"] is None


def test_json_is_utf8_sorted_indented_with_a_trailing_newline():
    entry = sample.published_guide("zh-hans")
    raw = files_of(entry)[f"zh-hans/{SLUG}.json"]
    data = json.loads(raw.decode("utf-8"))
    assert raw == (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert entry.title.encode("utf-8") in raw  # not \u escapes
