"""A request that waits too long for a lock another request holds answers 503 with a message, and saves nothing:
never a traceback or an HTTP 500 (PostgreSQL's lock_timeout; SQLite's "database is locked" likewise)."""
import threading

import pytest
from django.db import OperationalError, connection, connections
from django.test import RequestFactory

from guide_cms.core.middleware import DatabaseBusyMiddleware, is_lock_timeout

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test runs this suite on it too)")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saving_a_guide_another_request_holds_locked_answers_busy_and_saves_nothing(client, editor):
    from guide_cms.guides.models import Guide
    from tests.factories import GuideFactory
    from tests.guides.admin_forms import post_data_from

    guide = GuideFactory(title_en="Baclofen")
    client.force_login(editor)
    url = f"/admin/guides/guide/{guide.pk}/change/"
    data = post_data_from(client.get(url))
    data["title_en"] = "Baclofen tablets"
    holding, release = threading.Event(), threading.Event()

    def hold_the_guide():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT id FROM guides_guide WHERE id = %s FOR UPDATE", [guide.pk])
                holding.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    thread = threading.Thread(target=hold_the_guide)
    thread.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")  # the settings' 20 s, shortened for the test
        response = client.post(url, data)
    finally:
        release.set()
        thread.join()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "The database is busy" in response.content.decode() and "Nothing of what you sent was saved" in response.content.decode()
    assert Guide.objects.get(pk=guide.pk).title_en == "Baclofen"


def test_only_lock_waits_are_answered_as_busy(rf: RequestFactory):
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = rf.post("/admin/")
    assert is_lock_timeout(OperationalError("database is locked"))
    assert not is_lock_timeout(OperationalError("no such table: guides_guide"))
    assert middleware.process_exception(request, OperationalError("no such table: guides_guide")) is None
