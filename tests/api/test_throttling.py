"""run-once, collect and test share a per-caller budget (API_EXPENSIVE_THROTTLE)."""

import pytest

from tests.factories import LogSourceFactory, MonitorFactory


@pytest.fixture
def two_per_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"expensive": "2/min"}}


def test_expensive_actions_share_one_budget_then_get_a_429_with_retry_after(api, two_per_minute, log_file):
    monitor = MonitorFactory()
    source = LogSourceFactory(config={"path": str(log_file)})
    assert api.post(f"/monitors/{monitor.pk}/collect").status_code == 200
    assert api.post(f"/log-sources/{source.pk}/test").status_code == 200
    response = api.post(f"/monitors/{monitor.pk}/run-once")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]


def test_cheap_endpoints_are_not_throttled(api, two_per_minute):
    monitor = MonitorFactory()
    for _ in range(5):
        assert api.get(f"/monitors/{monitor.pk}/status").status_code == 200


def test_each_caller_has_its_own_budget(api, two_per_minute, client_for, user_key, staff_user):
    monitor = MonitorFactory()
    for _ in range(2):
        api.post(f"/monitors/{monitor.pk}/collect")
    assert api.post(f"/monitors/{monitor.pk}/collect").status_code == 429
    olga = client_for(user_key(staff_user))
    assert olga.post(f"/monitors/{monitor.pk}/collect").status_code == 200
