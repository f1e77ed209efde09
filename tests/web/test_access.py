"""Every page needs a staff login: anonymous users go to the login page, non-staff get 403."""

import pytest
from django.urls import reverse

from tests.factories import LogSourceFactory, MonitorRunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls():
    run = MonitorRunFactory()
    source = LogSourceFactory(target=run.monitor.target)
    monitor, target = run.monitor, run.monitor.target
    return {
        "GET": [
            reverse("runs:dashboard"),
            reverse("runs:monitor", args=[monitor.pk]),
            reverse("monitors:create"),
            reverse("monitors:edit", args=[monitor.pk]),
            reverse("monitors:delete", args=[monitor.pk]),
            reverse("runs:run", args=[run.pk]),
            reverse("monitors:target-list"),
            reverse("monitors:target-create"),
            reverse("monitors:target-edit", args=[target.pk]),
            reverse("monitors:log-source-list"),
            reverse("monitors:log-source-create"),
            reverse("monitors:log-source-edit", args=[source.pk]),
        ],
        "POST": [
            reverse("runs:run-now", args=[monitor.pk]),
            reverse("runs:preview", args=[monitor.pk]),
            reverse("monitors:enabled", args=[monitor.pk]),
            reverse("monitors:log-source-test", args=[source.pk]),
            reverse("monitors:target-delete", args=[target.pk]),
        ],
    }


def test_anonymous_users_are_sent_to_the_login_page(client, urls):
    for method, paths in urls.items():
        for path in paths:
            response = client.generic(method, path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(f"{reverse('login')}?next="), path


def test_logged_in_users_who_are_not_staff_are_refused(client, urls):
    client.force_login(UserFactory(username="visitor", is_staff=False))
    for method, paths in urls.items():
        for path in paths:
            assert client.generic(method, path).status_code == 403, path


def test_staff_can_open_every_page(staff_client, urls):
    for path in urls["GET"]:
        assert staff_client.get(path).status_code == 200, path


def test_the_root_redirects_to_the_dashboard(root_client):
    response = root_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("runs:dashboard")


def test_the_login_page_logs_in_and_lands_on_the_dashboard(client, staff_user):
    page = client.get(reverse("login"))
    assert b'for="id_username"' in page.content and b'for="id_password"' in page.content

    response = client.post(reverse("login"), {"username": "olga", "password": "pw-for-tests"})

    assert response.status_code == 302 and response["Location"] == reverse("runs:dashboard")


def test_logout_ends_the_session(root_client):
    response = root_client.post(reverse("logout"))

    assert response.status_code == 302
    assert root_client.get(reverse("runs:dashboard")).status_code == 302
