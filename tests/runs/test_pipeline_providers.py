"""run_monitor end to end with the real providers: the openai one against a loopback server, the stub on demo logs."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from runs.pipeline import run_monitor
from tests.factories import MonitorFactory

pytestmark = pytest.mark.django_db

DEMO_LOGS = Path(settings.BASE_DIR) / "demo" / "logs"


def openai_monitor(**fields):
    inputs = [{"label": "app", "mode": "command", "command": "echo 'ERROR payment gateway refused connection'"}]
    return MonitorFactory(llm_provider="openai", inputs=inputs, **fields)


@pytest.mark.parametrize(("llm_status", "run_status"), [("HEALTHY", "ok"), ("WARNING", "warn"), ("CRITICAL", "alert")])
def test_it_maps_the_llms_verdict_to_the_runs_status(openai_server, llm_status, run_status):
    openai_server.answer_verdict(status=llm_status, summary=f"It is {llm_status}.", recommendations=["Call the bank."])

    run = run_monitor(openai_monitor())

    assert (run.status, run.llm_status) == (run_status, llm_status)
    assert run.summary == f"It is {llm_status}."
    assert run.recommendations == ["Call the bank."]


def test_it_records_model_tokens_request_and_response(openai_server):
    run = run_monitor(openai_monitor())

    run.refresh_from_db()
    assert (run.llm_provider, run.llm_model) == ("openai", "fake-model-1")
    assert (run.prompt_tokens, run.completion_tokens, run.total_tokens) == (321, 54, 375)
    assert "payment gateway refused connection" in json.loads(run.llm_request)["messages"][1]["content"]
    assert "sk-test-do-not-leak" not in run.llm_request
    assert json.loads(run.llm_response)["status"] == "HEALTHY"


def test_per_monitor_metadata_reaches_the_server(openai_server):
    run_monitor(openai_monitor(llm_provider_metadata={"model": "qwen2.5:7b", "temperature": 0}))

    body = openai_server.requests[0].json
    assert (body["model"], body["temperature"]) == ("qwen2.5:7b", 0)


def test_a_non_json_answer_ends_the_run_in_error_with_the_raw_answer(openai_server):
    openai_server.answer("All systems nominal, nothing to report.")

    run = run_monitor(openai_monitor())

    run.refresh_from_db()
    assert run.status == "error"
    assert run.llm_status == ""
    assert "LLM provider 'openai' failed: invalid verdict: the answer contains no JSON object" in run.error
    assert run.llm_response == "All systems nominal, nothing to report."
    assert json.loads(run.llm_request)["model"] == "fake-model-1"


def test_a_wrong_status_ends_the_run_in_error_never_ok(openai_server):
    openai_server.answer({"status": "FINE", "summary": "ok", "report": "ok", "recommendations": []})

    run = run_monitor(openai_monitor())

    assert run.status == "error"
    assert "got 'FINE'" in run.error
    assert '"FINE"' in run.llm_response


def test_a_hung_server_ends_the_run_in_error_within_the_timeout(openai_server, settings):
    settings.LLM_TIMEOUT_SECONDS = 0.3
    openai_server.hang_seconds = 5

    run = run_monitor(openai_monitor())

    assert run.status == "error"
    assert "within LLM_TIMEOUT_SECONDS=0.3s" in run.error
    assert run.duration_ms < 3000


def test_the_stub_alerts_on_the_openssh_demo_sample():
    monitor = MonitorFactory(
        llm_provider="stub",
        inputs=[{"label": "openssh", "mode": "file", "path": str(DEMO_LOGS / "OpenSSH_2k.log"), "max_lines": 2000}],
    )

    run = run_monitor(monitor)

    assert (run.status, run.llm_status, run.llm_model) == ("alert", "CRITICAL", "stub")
    assert "183.62.140.253" in run.summary
    assert "== Section [openssh]: CRITICAL ==" in run.report
