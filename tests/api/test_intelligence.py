"""The API for log intelligence: redaction and severity rules on monitors, run facts, and usage per day."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from monitors.models import Monitor
from tests.factories import MonitorFactory, MonitorRunFactory, TargetFactory

pytestmark = pytest.mark.django_db

RULE = {"pattern": "upstream timed out", "min_status": "WARNING", "min_count": 5, "label": "nginx upstream timeouts"}


def monitor_body(**overrides):
    body = {
        "name": "nginx", "target_id": TargetFactory().pk, "prompt": "Look for 5xx bursts.", "llm_provider": "stub",
        "inputs": [{"label": "nginx", "mode": "command", "command": "echo all good"}],
    }
    return {**body, **overrides}


def test_a_monitor_takes_and_shows_its_redaction_config_and_severity_rules(api):
    body = monitor_body(redaction_config={"extra_patterns": [r"ACME-\d{6}"]}, severity_rules=[RULE, {"pattern": "FATAL", "min_status": "CRITICAL"}])

    created = api.post("/monitors", body, format="json")

    assert created.status_code == 201, created.json()
    assert created.json()["redaction_config"] == {"enabled": True, "extra_patterns": [r"ACME-\d{6}"]}
    assert created.json()["severity_rules"] == [RULE, {"pattern": "FATAL", "min_status": "CRITICAL", "min_count": 1, "label": ""}]
    monitor = Monitor.objects.get()
    assert monitor.redaction_config["extra_patterns"] == [r"ACME-\d{6}"] and len(monitor.severity_rules) == 2


def test_a_monitor_without_them_redacts_with_the_built_in_rules_only(api):
    created = api.post("/monitors", monitor_body(), format="json").json()

    assert created["redaction_config"] == {"enabled": True, "extra_patterns": []}
    assert created["severity_rules"] == []


@pytest.mark.parametrize(
    ("field", "value", "errors"),
    [
        ("severity_rules", [RULE, {"pattern": "(unclosed", "min_status": "WARNING"}],
         [{}, {"pattern": ["'(unclosed' is not a valid regular expression (missing ), unterminated subpattern at position 0)"]}]),
        ("severity_rules", [{"pattern": "x", "min_status": "HEALTHY", "min_count": 0}],
         [{"min_status": ["Input should be 'WARNING' or 'CRITICAL'"], "min_count": ["Input should be greater than or equal to 1"]}]),
        ("severity_rules", [{"min_status": "WARNING"}], [{"pattern": ["This field is required."]}]),
        ("redaction_config", {"extra_patterns": ["ok-\\d+", ".*"]}, {"extra_patterns": [{}, ["'.*' matches an empty string; it would match everywhere"]]}),
        ("redaction_config", {"enabled": "sometimes"}, {"enabled": ["Input should be a valid boolean, unable to interpret input"]}),
    ],
)
def test_a_bad_rule_or_pattern_is_a_400_naming_the_field(api, field, value, errors):
    response = api.post("/monitors", monitor_body(**{field: value}), format="json")

    assert response.status_code == 400
    assert response.json() == {field: errors}
    assert not Monitor.objects.exists()


def test_an_update_is_validated_the_same_way(api):
    monitor = MonitorFactory()
    body = monitor_body(name=monitor.name, target_id=monitor.target_id, severity_rules=[{"pattern": "", "min_status": "WARNING"}])

    response = api.put(f"/monitors/{monitor.pk}", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"severity_rules": [{"pattern": ["may not be blank"]}]}


def test_runs_show_tokens_cost_and_what_the_llm_read(api):
    floor = {"status": "CRITICAL", "matches": [{"label": "out-of-memory kill", "count": 1, "samples": ["Out of memory: Killed process 1"], "min_status": "CRITICAL"}]}
    run = MonitorRunFactory(
        status="alert", llm_status="HEALTHY", floor_won=True, floor=floor, redactions={"secret": 2},
        compression={"compressed": False, "budget_chars": 24000}, prompt_tokens=321, completion_tokens=54, cost_usd=Decimal("0.000429"),
    )

    listed = api.get(f"/monitors/{run.monitor_id}/runs").json()["results"][0]
    detail = api.get(f"/runs/{run.pk}").json()

    assert {k: listed[k] for k in ("floor_won", "prompt_tokens", "completion_tokens", "cost_usd")} == {
        "floor_won": True, "prompt_tokens": 321, "completion_tokens": 54, "cost_usd": "0.000429",
    }
    assert detail["floor"] == floor and detail["redactions"] == {"secret": 2} and detail["compression"]["budget_chars"] == 24000


def test_a_run_that_read_nothing_has_no_floor(api):
    run = MonitorRunFactory(status="error")

    assert api.get(f"/runs/{run.pk}").json()["floor"] == {"status": "HEALTHY", "matches": []}


def test_usage_per_day_with_totals(api):
    monitor = MonitorFactory()
    today = timezone.localtime().replace(hour=12)
    MonitorRunFactory(monitor=monitor, started_at=today, prompt_tokens=1000, completion_tokens=100, cost_usd=Decimal("0.000210"))
    MonitorRunFactory(monitor=monitor, started_at=today - timedelta(days=2), prompt_tokens=500, completion_tokens=50, cost_usd=Decimal("0.000105"))

    body = api.get(f"/monitors/{monitor.pk}/usage", {"days": 7}).json()

    assert body["monitor_id"] == monitor.pk and body["days"] == 7
    assert [(day["date"], day["runs"], day["prompt_tokens"], day["cost_usd"]) for day in body["by_day"]] == [
        (today.date().isoformat(), 1, 1000, "0.000210"),
        ((today - timedelta(days=2)).date().isoformat(), 1, 500, "0.000105"),
    ]
    assert body["totals"] == {"runs": 2, "llm_calls": 2, "prompt_tokens": 1500, "completion_tokens": 150, "cost_usd": "0.000315"}


def test_usage_refuses_a_bad_period_naming_the_parameter(api):
    monitor = MonitorFactory()

    response = api.get(f"/monitors/{monitor.pk}/usage", {"days": 0})

    assert response.status_code == 400 and list(response.json()) == ["days"]
    assert api.get("/monitors/999999/usage").status_code == 404
