"""Pages for log intelligence: redaction and severity rules on the monitor form, the floor and cost on the report, usage on the monitor page."""

import html
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Monitor
from tests.factories import MonitorFactory, MonitorRunFactory, TargetFactory
from tests.web.test_monitor_form import CREATE, error_beside, form_data

pytestmark = pytest.mark.django_db

INPUTS = [{"label": "up", "mode": "command", "command": "uptime"}]
RULES = [{"pattern": "upstream timed out", "min_status": "WARNING", "min_count": 5, "label": "nginx upstream timeouts"}]


def test_the_form_saves_extra_patterns_one_per_line_and_rules_as_json(root_client):
    data = form_data(
        TargetFactory(), inputs=INPUTS,
        redaction_extra_patterns="ACME-\\d{6}\n\n  cust_[0-9]{1,3},x  \n", severity_rules=json.dumps(RULES),
    )

    response = root_client.post(CREATE, data)

    assert response.status_code == 302
    monitor = Monitor.objects.get()
    assert monitor.redaction_config == {"enabled": True, "extra_patterns": ["ACME-\\d{6}", "cust_[0-9]{1,3},x"]}
    assert monitor.severity_rules == RULES


def test_redaction_stays_on_unless_the_box_says_otherwise(root_client):
    root_client.post(CREATE, form_data(TargetFactory(), inputs=INPUTS, name="kept"))
    root_client.post(CREATE, form_data(TargetFactory(), inputs=INPUTS, name="off", redaction_off="on"))

    assert Monitor.objects.get(name="kept").redaction_config["enabled"] is True
    assert Monitor.objects.get(name="off").redaction_config["enabled"] is False


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"redaction_extra_patterns": "ok-\\d+\n(x"}, "id_redaction_extra_patterns",
         "redaction_config.extra_patterns[1]: '(x' is not a valid regular expression (missing ), unterminated subpattern at position 0)"),
        ({"severity_rules": '[{"pattern": "a|", "min_status": "WARNING"}]'}, "id_severity_rules",
         "severity_rules[0].pattern: 'a|' matches an empty string; it would match everywhere"),
        ({"severity_rules": '[{"pattern": "FATAL", "min_status": "PANIC"}]'}, "id_severity_rules",
         "severity_rules[0].min_status: Input should be 'WARNING' or 'CRITICAL'"),
        ({"severity_rules": "[{"}, "id_severity_rules", "Enter valid JSON: Expecting property name enclosed in double quotes (line 1, column 3)."),
    ],
)
def test_bad_patterns_and_rules_are_reported_beside_their_box(root_client, overrides, field_id, message):
    response = root_client.post(CREATE, form_data(TargetFactory(), inputs=INPUTS, **overrides))

    assert response.status_code == 400
    assert message in error_beside(response.content.decode(), field_id)
    assert not Monitor.objects.exists()


def test_editing_shows_the_current_patterns_and_rules_and_keeps_them(root_client):
    monitor = MonitorFactory(redaction_config={"enabled": False, "extra_patterns": ["ACME-\\d{6}"]}, severity_rules=RULES)

    body = html.unescape(root_client.get(reverse("monitors:edit", args=[monitor.pk])).content.decode())

    assert re.search(r'<input type="checkbox" name="redaction_off"[^>]* checked', body)
    assert "ACME-\\d{6}</textarea>" in body
    assert '"label": "nginx upstream timeouts"' in body


def test_the_monitor_page_shows_the_rules_and_usage_per_day(root_client):
    monitor = MonitorFactory(redaction_config={"extra_patterns": ["ACME-\\d{6}"]}, severity_rules=RULES)
    today = timezone.localtime().replace(hour=12)
    MonitorRunFactory(monitor=monitor, started_at=today, prompt_tokens=1200, completion_tokens=300, cost_usd=Decimal("0.000360"))
    MonitorRunFactory(monitor=monitor, started_at=today - timedelta(days=1), prompt_tokens=800, completion_tokens=100, cost_usd=None)

    body = root_client.get(reverse("runs:monitor", args=[monitor.pk])).content.decode()

    usage = re.search(r'<section class="card" aria-labelledby="usage-h".*?</section>', body, re.S).group(0)
    assert "LLM usage, last 30 days" in usage
    assert today.strftime("%Y-%m-%d") in usage and "$0.000360" in usage and "1200" in usage and "800" in usage
    assert re.search(r"<th scope=\"row\">Total</th>.*2000.*400.*\$0\.000360", usage, re.S)
    assert "ACME-\\d{6}" in body and "upstream timed out" in body and "nginx upstream timeouts" in body


def test_the_report_says_when_the_floor_overruled_the_llm_and_what_was_redacted_and_what_it_cost(root_client):
    floor = {"status": "CRITICAL", "matches": [
        {"label": "out-of-memory kill", "count": 2, "samples": ["kernel: Out of memory: Killed process 42 (java)"], "min_status": "CRITICAL"},
    ]}
    run = MonitorRunFactory(
        status="alert", llm_status="HEALTHY", floor_won=True, floor=floor, redactions={"aws_key": 1, "secret": 3},
        compression={"compressed": True, "budget_chars": 24000, "chars_in": 169000, "chars_out": 2500, "lines_folded": 1990,
                     "templates": 6, "lines_verbatim": 21, "lines_omitted": 0, "templates_omitted": 0},
        prompt_tokens=900, completion_tokens=100, cost_usd=Decimal("0.000195"),
    )

    body = html.unescape(root_client.get(reverse("runs:run", args=[run.pk])).content.decode())

    assert "raised to CRITICAL by the severity floor" in body
    assert "out-of-memory kill: 2 lines → at least CRITICAL" in body and "Killed process 42 (java)" in body
    assert "raised the LLM's HEALTHY" in body
    assert "1 × <code>aws_key</code>" in body and "3 × <code>secret</code>" in body  # (jsonb keeps no key order)
    assert "169000 → 2500 characters (budget 24000): 1990 repeated lines folded into 6 templates" in body
    assert "$0.000195" in body
