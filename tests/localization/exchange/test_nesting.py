"""Deeply nested inline codes are refused while the file is parsed, before any reader walks them: a clear error,
never a RecursionError or an HTTP 500."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guide_cms.localization.exchange import ExchangeError, read_exchange_file

HASH = "a" * 64


def xliff12(target: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:gc="urn:guide-cms:xliff" '
            f'version="1.2"><file original="baclofen" source-language="en" target-language="es" datatype="plaintext" gc:source-version="1" '
            f'gc:source-hash="{HASH}"><body><trans-unit id="dosing.body.1.1"><source>Take 5 mg.</source><target>{target}</target>'
            "</trans-unit></body></file></xliff>").encode()


def xliff2(target: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:gc="urn:guide-cms:xliff" '
            f'version="2.0" srcLang="en" trgLang="es"><file id="f1" original="baclofen" gc:source-version="1" gc:source-hash="{HASH}">'
            f'<unit id="dosing.body.1"><segment id="dosing.body.1.1"><source>Take 5 mg.</source><target>{target}</target></segment>'
            "</unit></file></xliff>").encode()


@pytest.mark.parametrize("depth", [1000, 50_000])
@pytest.mark.parametrize(("write", "code"), [(xliff12, "g"), (xliff2, "pc")], ids=["xliff 1.2", "xliff 2.0"])
def test_thousands_of_nested_codes_are_refused_naming_the_line(write, code, depth):
    data = write(f'<{code} id="1">' * depth + "Tome 5 mg." + f"</{code}>" * depth)
    with pytest.raises(ExchangeError, match="nests elements more than 50 deep") as refused:
        read_exchange_file(data, "f.xlf")
    assert refused.value.line == 2


def test_the_upload_page_answers_with_the_reason_not_a_server_error(approved_workflow, client):
    client.force_login(approved_workflow.translator_es)
    data = xliff12('<g id="1">' * 1000 + "x" + "</g>" * 1000)
    response = client.post("/admin/review/translate/upload/", {"file": SimpleUploadedFile("f.xlf", data)})
    assert response.status_code == 400 and "nests elements more than 50 deep" in response.content.decode()


def test_confirming_a_large_upload_is_answered_with_the_files_reason_not_a_bare_400(approved_workflow, client):
    """The preview's confirmation sends the file back base64-encoded: a 4 MB file is 5.3 MB of form data."""
    import base64

    client.force_login(approved_workflow.translator_es)
    data = xliff12("Tome 5 mg. " + "x" * (4 * 1024 * 1024))
    response = client.post("/admin/review/translate/upload/", {"content": base64.b64encode(data).decode(), "filename": "big.xlf"})
    page = response.content.decode()
    assert response.status_code == 400 and "Refused, nothing imported: big.xlf" in page
