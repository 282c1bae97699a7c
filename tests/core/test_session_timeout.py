"""Staff sessions end after 30 minutes without a request; every request renews them."""
import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from guide_cms.core.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def at(moment):
    """The clock reads moment (the session store asks django.utils.timezone)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_session_idle_for_more_than_30_minutes_must_log_in_again(client):
    client.force_login(make_user(Role.EDITOR))
    start = timezone.now()
    assert client.get(reverse("admin:index")).status_code == 200

    with at(start + datetime.timedelta(minutes=31)):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_each_request_keeps_an_active_session_alive(client):
    client.force_login(make_user(Role.EDITOR))
    start = timezone.now()

    for minutes in (20, 40, 60):
        with at(start + datetime.timedelta(minutes=minutes)):
            assert client.get(reverse("admin:index")).status_code == 200
