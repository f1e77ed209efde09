import json
import time

import pytest

from runs.llm import AnalysisRequest, ProviderError
from runs.llm.openai import OpenAIProvider

LOGS = "[nginx]\n2024-05-01 10:00:00 [error] upstream timed out\n2024-05-01 10:00:01 [error] upstream timed out"


def analyze(metadata=None):
    return OpenAIProvider().analyze(AnalysisRequest(prompt="Look for upstream errors.", logs_text=LOGS, monitor_name="web", metadata=metadata or {}))


def test_it_returns_the_servers_verdict_with_model_and_tokens(openai_server):
    openai_server.answer_verdict(status="WARNING", summary="Upstream timeouts.", recommendations=["Check the app server."])

    analysis = analyze()

    assert analysis.verdict.status == "WARNING"
    assert analysis.verdict.summary == "Upstream timeouts."
    assert analysis.verdict.recommendations == ["Check the app server."]
    assert (analysis.model, analysis.prompt_tokens, analysis.completion_tokens) == ("fake-model-1", 321, 54)
    assert json.loads(analysis.response)["status"] == "WARNING"


def test_it_asks_for_structured_output_with_the_verdict_schema(openai_server):
    analyze()

    body = openai_server.requests[0].json
    assert body["response_format"]["type"] == "json_schema"
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["status"]["enum"] == ["HEALTHY", "WARNING", "CRITICAL"]
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "upstream timed out" in body["messages"][1]["content"]


def test_it_sends_the_key_only_in_the_authorization_header_and_never_stores_it(openai_server):
    analysis = analyze()

    assert openai_server.requests[0].headers["authorization"] == "Bearer sk-test-do-not-leak"
    assert "sk-test-do-not-leak" not in json.dumps(openai_server.requests[0].json)
    assert "sk-test-do-not-leak" not in analysis.request
    assert json.loads(analysis.request)["messages"][1]["content"].startswith("Monitor: web")


def test_it_falls_back_to_json_mode_when_the_server_rejects_json_schema_like_llama_cpp(openai_server):
    openai_server.like_llama_cpp()
    openai_server.answer_verdict(status="CRITICAL")

    analysis = analyze()

    assert analysis.verdict.status == "CRITICAL"
    assert openai_server.formats_asked == ["json_schema", "json_object"]
    stored = json.loads(analysis.request)
    assert stored["response_format"] == {"type": "json_object"}
    assert "json_schema: HTTP 400" in stored["rejected_response_formats"][0]


def test_it_remembers_the_format_the_server_accepted(openai_server):
    openai_server.like_llama_cpp()
    analyze()
    analyze()

    assert openai_server.formats_asked == ["json_schema", "json_object", "json_object"]


def test_it_falls_back_to_plain_text_and_still_validates(openai_server):
    openai_server.accepted_formats = {"text"}
    openai_server.answer("Sure! " + json.dumps({"status": "HEALTHY", "summary": "ok", "report": "ok", "recommendations": []}))

    analysis = analyze()

    assert analysis.verdict.status == "HEALTHY"
    assert openai_server.formats_asked == ["json_schema", "json_object", "text"]
    assert "response_format" not in openai_server.requests[-1].json


def test_a_non_json_answer_is_an_error_with_the_raw_answer(openai_server):
    openai_server.answer("Everything looks healthy to me!")

    with pytest.raises(ProviderError) as caught:
        analyze()

    assert "no JSON object" in str(caught.value)
    assert caught.value.raw_response == "Everything looks healthy to me!"
    assert json.loads(caught.value.request)["model"] == "fake-model-1"


def test_a_wrong_status_value_is_an_error_not_healthy(openai_server):
    openai_server.answer({"status": "OK", "summary": "fine", "report": "fine", "recommendations": []})

    with pytest.raises(ProviderError) as caught:
        analyze()

    assert "status: must be HEALTHY, WARNING or CRITICAL (got 'OK')" in str(caught.value)


def test_an_answer_cut_off_by_max_tokens_says_so(openai_server):
    openai_server.answer('{"status": "WARNING", "summary": "Upstre', finish_reason="length")

    with pytest.raises(ProviderError, match="cut off by max_tokens"):
        analyze()


def test_a_server_slower_than_the_timeout_is_a_transient_error(openai_server, settings):
    settings.LLM_TIMEOUT_SECONDS = 0.3
    openai_server.hang_seconds = 5

    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        analyze()

    assert time.monotonic() - started < 2
    assert "within LLM_TIMEOUT_SECONDS=0.3s" in str(caught.value)
    assert caught.value.permanent is False
    assert len(openai_server.requests) == 1  # LLM_MAX_RETRIES=0: no retry


@pytest.mark.parametrize(
    ("status", "message", "permanent", "expected"),
    [
        (401, "Incorrect API key provided.", True, "HTTP 401: Incorrect API key provided. (check OPENAI_API_KEY)"),
        (404, "The model `gpt-9` does not exist", True, "(check the model name and OPENAI_BASE_URL)"),
        (429, "Rate limit reached", False, "HTTP 429: Rate limit reached"),
        (503, "overloaded", False, "HTTP 503: overloaded"),
    ],
)
def test_server_errors_say_what_happened_and_whether_a_retry_can_help(openai_server, status, message, permanent, expected):
    openai_server.fail(status, message)

    with pytest.raises(ProviderError) as caught:
        analyze()

    assert expected in str(caught.value)
    assert caught.value.permanent is permanent
    assert len(openai_server.requests) == 1  # an error that is not about the format is not retried with another


def test_an_unreachable_server_is_a_transient_error(settings):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # the discard port: nothing listens
    settings.OPENAI_API_KEY = "sk-x"
    settings.LLM_MAX_RETRIES = 0

    with pytest.raises(ProviderError) as caught:
        analyze()

    assert "cannot reach http://127.0.0.1:9/v1" in str(caught.value)
    assert caught.value.permanent is False


def test_it_refuses_to_call_openai_without_a_key(settings):
    settings.OPENAI_BASE_URL = None
    settings.OPENAI_API_KEY = ""

    with pytest.raises(ProviderError, match="OPENAI_API_KEY is not set") as caught:
        analyze()

    assert caught.value.permanent is True


def test_a_local_server_needs_no_key(openai_server, settings):
    settings.OPENAI_API_KEY = ""

    assert analyze().verdict.status == "HEALTHY"


def test_per_monitor_metadata_overrides_model_temperature_and_max_tokens(openai_server):
    analyze({"model": "llama3.1:8b", "temperature": 0.1, "max_tokens": 800})

    body = openai_server.requests[0].json
    assert (body["model"], body["temperature"], body["max_tokens"]) == ("llama3.1:8b", 0.1, 800)
