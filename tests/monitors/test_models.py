"""Invariants held by the database and by the shared config validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from monitors import services
from monitors.models import Monitor
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory, MonitorRunFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_zero_interval():
    monitor = MonitorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Monitor.objects.filter(pk=monitor.pk).update(interval_seconds=0)


def test_the_database_refuses_two_running_runs_of_one_monitor():
    monitor = MonitorFactory()
    MonitorRunFactory(monitor=monitor, status="", finished_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitorRunFactory(monitor=monitor, status="", finished_at=None)


def test_the_database_refuses_a_finished_run_without_a_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitorRunFactory(status="")


def test_monitor_names_are_unique():
    MonitorFactory(name="web")
    with pytest.raises(ValidationError) as excinfo:
        services.monitor_create(name="web", target=TargetFactory(), prompt="x", interval_seconds=60)
    assert "name" in excinfo.value.message_dict


def test_a_bad_nested_config_names_the_field_and_stores_nothing():
    with pytest.raises(ValidationError) as excinfo:
        services.monitor_create(
            name="web", target=TargetFactory(), prompt="Look.", interval_seconds=60,
            inputs=[{"label": "ok", "command": "true"}, {"label": "broken", "mode": "command"}],
        )
    assert excinfo.value.message_dict["inputs"] == ["inputs[1].command: This field is required when mode is 'command'."]
    assert not Monitor.objects.exists()


def test_a_log_source_config_is_checked_against_its_driver():
    with pytest.raises(ValidationError) as unknown:
        services.log_source_create(name="ftp", driver="ftp", config={"path": "/var/log/x"})
    with pytest.raises(ValidationError) as wrong_keys:
        services.log_source_create(name="web", driver="docker", config={"path": "/var/log/x"})
    source = services.log_source_create(name="app", driver="file", config={"path": "/var/log/app.log"})

    assert "Unknown driver 'ftp'." in unknown.value.message_dict["driver"]
    assert wrong_keys.value.message_dict["config"] == ["config.container: This field is required.", "config.path: Unknown field."]
    assert source.config == {"path": "/var/log/app.log", "max_lines": 200}


def test_a_new_enabled_monitor_is_due_at_once_and_a_disabled_one_is_off_schedule():
    monitor = services.monitor_create(name="web", target=TargetFactory(), prompt="Look.", interval_seconds=60)
    assert monitor.next_run_at is not None

    services.monitor_set_enabled(monitor, False)
    monitor.refresh_from_db()
    assert (monitor.enabled, monitor.next_run_at) == (False, None)


def test_history_is_pruned_to_the_configured_size(settings):
    settings.MAX_RUN_HISTORY_PER_MONITOR = 3
    monitor = MonitorFactory()

    for _ in range(5):
        run_monitor(monitor)
    assert MonitorRun.objects.filter(monitor=monitor).count() == 3
