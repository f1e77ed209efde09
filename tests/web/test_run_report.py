"""The run report: verdict, readable report, logs, LLM exchange, deliveries; model text never runs as HTML."""

import json

import pytest
from django.urls import reverse

from notifications.models import Delivery
from tests.factories import DeliveryFactory, MonitorRunFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>window.__pwned=1</script><b>bold?</b>"


def report_page(client, run) -> str:
    response = client.get(reverse("runs:run", args=[run.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_verdict_facts_and_readable_report(root_client):
    run = MonitorRunFactory(
        status="alert", llm_status="CRITICAL", summary="Disk almost full on db-1.",
        report="## Findings\nThe disk is at 97%.\nIt grows 2% a day.\n\n- /var/lib/postgres is 80 GB\n- WAL is 12 GB\n\n1. Rotate logs\n2. Grow the volume",
        recommendations=["Delete old WAL segments", "Add an alert at 90%"],
        duration_ms=2300, prompt_tokens=1200, completion_tokens=300, llm_provider="openai", llm_model="gpt-4o-mini",
    )

    body = report_page(root_client, run)

    assert "Alert" in body and "CRITICAL" in body and "Disk almost full on db-1." in body
    assert "<h4>Findings</h4>" in body
    assert "<p>The disk is at 97%.<br>It grows 2% a day.</p>" in body
    assert "<ul><li>/var/lib/postgres is 80 GB</li><li>WAL is 12 GB</li></ul>" in body
    assert "<ol><li>Rotate logs</li><li>Grow the volume</li></ol>" in body
    assert "<li>Delete old WAL segments</li>" in body
    assert "2.3 s" in body and "1500" in body and "gpt-4o-mini" in body


def test_model_text_is_escaped_everywhere(root_client):
    run = MonitorRunFactory(
        summary=HOSTILE, report=f"Intro {HOSTILE}\n\n- item {HOSTILE}\n## {HOSTILE}", recommendations=[HOSTILE],
        error=HOSTILE, logs_text=f"[app]\n{HOSTILE}", sections=[{"label": "app", "lines": 1}],
        llm_request=HOSTILE, llm_response=json.dumps({"summary": HOSTILE}),
    )
    DeliveryFactory(run=run, error=HOSTILE, recipient=HOSTILE)

    body = report_page(root_client, run)

    assert "<script>" not in body.replace('<script src="/static/js/app.js" defer></script>', "")
    assert "<b>bold?</b>" not in body
    assert body.count("&lt;script&gt;window.__pwned=1&lt;/script&gt;") >= 8


def test_it_shows_each_collected_section_with_its_text_and_error(root_client):
    run = MonitorRunFactory(
        logs_text="[... truncated: 5 older lines omitted ...]\n[web]\nGET / 500\n\n[db]\n[error: connection refused]",
        sections=[{"label": "web", "lines": 1, "truncated": True}, {"label": "db", "lines": 0, "error": "connection refused"}],
    )

    body = report_page(root_client, run)

    assert "[... truncated: 5 older lines omitted ...]" in body
    assert "<code>[web]</code> · 1 lines" in body and "GET / 500" in body and "truncated" in body
    assert "<code>[db]</code>" in body and "connection refused" in body


def test_the_llm_exchange_is_collapsed_and_pretty_printed(root_client):
    run = MonitorRunFactory(llm_request="the prompt and logs", llm_response='{"status":"HEALTHY","summary":"fine"}')

    body = report_page(root_client, run)

    assert "<details><summary>Request sent to" in body and "the prompt and logs" in body
    assert "&quot;status&quot;: &quot;HEALTHY&quot;,\n  &quot;summary&quot;" in body


def test_every_delivery_is_listed_with_its_outcome_and_error(root_client):
    run = MonitorRunFactory(status="alert")
    DeliveryFactory(run=run, channel=Delivery.Channel.EMAIL, recipient="oncall@example.com", outcome="sent")
    DeliveryFactory(run=run, channel=Delivery.Channel.SMS, recipient="+15551234567", outcome="failed", error="Twilio said 401", attempt=2)
    DeliveryFactory(run=run, channel=Delivery.Channel.REMEDIATION, recipient="https://agent.example.com", outcome="failed", response_code=503)

    body = report_page(root_client, run)

    for text in ("oncall@example.com", "Sent", "+15551234567", "Twilio said 401", "attempt 2", "https://agent.example.com", "HTTP 503", "Remediation"):
        assert text in body, text


def test_a_run_without_deliveries_says_nobody_was_told(root_client):
    assert "Nobody was told about this run." in report_page(root_client, MonitorRunFactory())


def test_an_unknown_run_is_404(root_client):
    assert root_client.get(reverse("runs:run", args=[999999])).status_code == 404
