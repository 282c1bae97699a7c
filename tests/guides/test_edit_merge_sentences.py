"""A text two people changed on the guide page merges sentence by sentence: changes to different sentences of one
body are both kept; where both changed the same sentence, the box keeps all of their other changes, so saving it
again reverts nothing they saved (found by a tester: a second save used to write a stale body over a fix)."""
import html

from guide_cms.guides.models import Section
from guide_cms.localization.services import segment_editor_page, segments_edit

from .admin_forms import post_data_from
from .test_edit_merge import open_tab, save

BODY_EN = "Take 5 mg at night. Do not drive afterwards. Drink water with it."
BODY_ES = "Tome 5 mg por la noche. No conduzca después. Beba agua con él."


def body(language):
    return getattr(Section.objects.get(key="dosing"), f"body_{language}")


def test_two_editors_changing_different_sentences_of_one_body_both_keep_theirs(editor, guide):
    Section.objects.filter(key="dosing").update(body_en=BODY_EN)
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-0-body_en"] = BODY_EN.replace("Take 5 mg at night.", "Take 5 mg at bedtime.")
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-body_en"] = BODY_EN.replace("Do not drive afterwards.", "Do not drive or use machines afterwards.")
    assert save(tab_b, guide, data_b).status_code == 302
    assert body("en") == "Take 5 mg at bedtime. Do not drive or use machines afterwards. Drink water with it."


def test_a_sentence_fixed_in_the_sentence_editor_survives_a_stale_guide_page(workflow):
    wf = workflow
    Section.objects.filter(key="dosing").update(body_en=BODY_EN, body_es=BODY_ES)
    wf.approve("en")
    tab, data = open_tab(wf.translator_es, wf.guide)
    page = segment_editor_page(guide=wf.guide, language="es", user=wf.translator_es)
    segments_edit(guide=wf.guide, language="es", user=wf.translator_es, values={"dosing.body.1.1": "Tome 5 mg al acostarse."},
                  base=page.base)
    data["sections-0-body_es"] = BODY_ES.replace("No conduzca después.", "No conduzca ni use máquinas después.")
    assert save(tab, wf.guide, data).status_code == 302
    assert body("es") == "Tome 5 mg al acostarse. No conduzca ni use máquinas después. Beba agua con él."


def test_after_a_same_sentence_conflict_saving_again_keeps_their_other_changes(editor, guide):
    Section.objects.filter(key="dosing").update(body_en=BODY_EN)
    (tab_a, data_a), (tab_b, data_b) = open_tab(editor, guide), open_tab(editor, guide)
    data_a["sections-0-body_en"] = "Take 5 mg at bedtime. Never drive afterwards. Drink water with it."
    assert save(tab_a, guide, data_a).status_code == 302
    data_b["sections-0-body_en"] = "Take 5 mg at night. Do not drive or cycle afterwards. Drink a glass of water with it."
    refused = save(tab_b, guide, data_b)
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 400
    assert 'Their version of them:<div class="gc-theirs" dir="auto">Never drive afterwards.</div>' in page
    assert body("en") == "Take 5 mg at bedtime. Never drive afterwards. Drink water with it."
    # The box holds their text with all of B's changes: saving it again keeps A's bedtime.
    again = post_data_from(refused)
    assert again["sections-0-body_en"] == "Take 5 mg at bedtime. Do not drive or cycle afterwards. Drink a glass of water with it."
    assert save(tab_b, guide, again).status_code == 302
    assert body("en") == "Take 5 mg at bedtime. Do not drive or cycle afterwards. Drink a glass of water with it."


def test_a_pages_base_tokens_carry_no_draft_of_a_language_its_user_may_not_read(translator_es, guide):
    """The tokens are signed, not encrypted: anyone can read them, so they hold texts of the page's own boxes only."""
    import json
    import re
    import zlib

    from django.core import signing

    Section.objects.filter(key="dosing").update(body_ar="نص عربي لم يُنشر بعد.")
    page = change_page_html(translator_es, guide)
    tokens = re.findall(r'name="[^"]*base" value="([^"]+)"', page)
    assert tokens
    texts = {}
    for token in tokens:
        payload = token.split(":")[0]
        raw = signing.b64_decode(payload.lstrip(".").encode())
        texts.update(json.loads(zlib.decompress(raw) if payload.startswith(".") else raw).get("t", {}))
    assert "sections-0-body_es" not in texts and "body_es" in texts  # the translator's own box merges by sentence
    assert "body_ar" not in texts and not any("نص عربي" in text for text in texts.values())


def change_page_html(user, guide):
    from django.test import Client

    from .test_admin_languages import change_url

    client = Client()
    client.force_login(user)
    return client.get(change_url(guide)).content.decode()
