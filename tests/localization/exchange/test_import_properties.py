"""Properties of the CAT-tool file readers and the import on arbitrary input (Hypothesis): any bytes, and
any damage to a real exported XLIFF 1.2, XLIFF 2.0 or PO file, give a document or ExchangeError (the
documented error, naming the file); an import applies the file whole or refuses it with nothing written."""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide_cms.core.models import AuditEvent
from guide_cms.guides.models import Guide, Section
from guide_cms.guides.text_rules import TextRefused
from guide_cms.localization.exchange import ExchangeError, read_exchange_file
from guide_cms.localization.services import ImportRefused, translation_export, translation_import

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
NAMES = st.sampled_from(["guide.xlf", "guide.xliff", "guide.po", "guide.xml", "guide.txt", "noextension"])
HOSTILE = [
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"<!ENTITY a 'aaaa'>", b"<![CDATA[", b"]]>", b"\x00", b"\xff\xfe",
    b"\xef\xbb\xbf", b'state="final"', b'state="signed-off"', b"<target>", b"</target>", b"<g id=\"1\">", b"<x id=\"9\"/>", b"msgstr \"",
    b"\"\n", b"#, fuzzy\n", b"\\", b"\\u202e", "\u202e".encode(), b"5O mg", b"<script>", b"<source>", b"</trans-unit>", b"<",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), name=NAMES)
def test_any_bytes_read_as_a_document_or_the_documented_error(data, name):
    try:
        read_exchange_file(data, name)
    except ExchangeError as exc:
        assert name in str(exc)


def damaged(original: bytes):
    """Strategies that damage a real file: cut it, splice bytes in, swap a slice for hostile markup."""
    position = st.integers(min_value=0, max_value=len(original))
    return st.one_of(
        position.map(lambda i: original[:i]),
        st.tuples(position, st.binary(min_size=1, max_size=8)).map(lambda t: original[:t[0]] + t[1] + original[t[0]:]),
        st.tuples(position, st.integers(0, 40), st.sampled_from(HOSTILE)).map(lambda t: original[:t[0]] + t[2] + original[t[0] + t[1]:]),
    )


def state():
    return (
        list(Section.objects.order_by("pk").values_list("title_es", "body_es")),
        list(Guide.objects.order_by("pk").values_list("title_es", "summary_es")),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xliff", "xliff2", "po"])
def test_a_damaged_exported_file_is_imported_whole_or_refused_with_nothing_written(approved_workflow, fmt):
    wf = approved_workflow
    original, filename = translation_export(guide=wf.guide, language="es", fmt=fmt, user=wf.translator_es)

    @SETTINGS
    @given(data=damaged(original))
    def check(data):
        before = state()
        with transaction.atomic():
            try:
                document = read_exchange_file(data, filename)
                translation_import(document=document, user=wf.translator_es, filename=filename)
            except ExchangeError as exc:
                assert filename in str(exc)
                assert state() == before
            except (ImportRefused, TextRefused):
                assert state() == before
            transaction.set_rollback(True)  # every example starts from the same drafts

    check()
