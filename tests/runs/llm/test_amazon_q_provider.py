import json
import time

import pytest

from runs.llm import AnalysisRequest, ProviderError
from runs.llm.amazon_q import AmazonQProvider
from tests.fakes.amazon_q_server import APPLICATION_ID

LOGS = "[app]\n2024-05-01 10:00:00 ERROR payment gateway refused connection"
OTHER_APPLICATION_ID = "ffffffff-1111-4222-8333-444444444444"


def analyze(logs=LOGS, metadata=None, prompt="Look for payment failures."):
    return AmazonQProvider().analyze(AnalysisRequest(prompt=prompt, logs_text=logs, monitor_name="payments", metadata=metadata or {}))


def test_it_sends_chat_sync_to_the_application_and_validates_the_answer(amazon_q_server):
    amazon_q_server.answer_verdict(status="CRITICAL", summary="Payments failing.")

    analysis = analyze()

    assert analysis.verdict.status == "CRITICAL"
    assert analysis.verdict.summary == "Payments failing."
    request = amazon_q_server.requests[0]
    assert request.path == f"/applications/{APPLICATION_ID}/conversations"
    assert "sync" in request.query and "userId" not in request.query
    message = request.json["userMessage"]
    assert "Look for payment failures." in message and "payment gateway refused connection" in message
    assert "Answer with exactly one JSON object" in message  # ChatSync has no system role
    assert analysis.model == f"amazon-q:{APPLICATION_ID}"
    assert json.loads(analysis.request)["userMessage"] == message


def test_it_signs_with_the_configured_credentials_and_never_stores_the_secret(amazon_q_server):
    analysis = analyze()

    assert "Credential=AKIAFAKEFORTESTS/" in amazon_q_server.requests[0].headers["authorization"]
    assert "fake-secret-do-not-leak" not in analysis.request
    assert "fake-secret-do-not-leak" not in json.dumps(amazon_q_server.requests[0].json)


def test_it_sends_the_user_id_when_one_is_set(amazon_q_server, settings):
    settings.AMAZON_Q_USER_ID = "ops@example.com"

    analyze()

    assert amazon_q_server.requests[0].query["userId"] == "ops@example.com"


def test_per_monitor_metadata_overrides_the_application_and_chat_mode(amazon_q_server):
    analyze(metadata={"application_id": OTHER_APPLICATION_ID, "chat_mode": "CREATOR_MODE"})

    request = amazon_q_server.requests[0]
    assert request.path == f"/applications/{OTHER_APPLICATION_ID}/conversations"
    assert request.json["chatMode"] == "CREATOR_MODE"


def test_it_trims_the_oldest_lines_to_the_input_limit_and_says_so(amazon_q_server, settings):
    settings.AMAZON_Q_MAX_INPUT_CHARS = 4000
    logs = "[app]\n" + "\n".join(f"2024-05-01 10:00:{i % 60:02d} INFO request {i} served" for i in range(500))

    analyze(logs=logs)

    message = amazon_q_server.requests[0].json["userMessage"]
    assert len(message) <= 4000
    assert "request 499 served" in message and "request 0 served" not in message
    assert "only the newest" in message and "older lines omitted" in message


def test_a_prompt_that_cannot_fit_the_limit_is_a_permanent_error(amazon_q_server, settings):
    settings.AMAZON_Q_MAX_INPUT_CHARS = 500

    with pytest.raises(ProviderError, match="AMAZON_Q_MAX_INPUT_CHARS=500") as caught:
        analyze()

    assert caught.value.permanent is True
    assert amazon_q_server.requests == []


def test_without_an_application_id_it_fails_permanently_before_calling(amazon_q_server, settings):
    settings.AMAZON_Q_APPLICATION_ID = ""

    with pytest.raises(ProviderError, match="AMAZON_Q_APPLICATION_ID") as caught:
        analyze()

    assert caught.value.permanent is True
    assert amazon_q_server.requests == []


def test_an_answer_without_a_verdict_is_an_error_with_the_raw_answer(amazon_q_server):
    amazon_q_server.answer("I could not find an answer in your documents.")

    with pytest.raises(ProviderError) as caught:
        analyze()

    assert caught.value.raw_response == "I could not find an answer in your documents."
    assert "userMessage" in caught.value.request


def test_access_denied_is_permanent_and_throttling_is_not(amazon_q_server):
    amazon_q_server.fail(403, "AccessDeniedException", "User is not authorized")
    with pytest.raises(ProviderError) as denied:
        analyze()
    amazon_q_server.fail(429, "ThrottlingException", "Rate exceeded")
    with pytest.raises(ProviderError) as throttled:
        analyze()

    assert denied.value.permanent is True
    assert "AccessDeniedException (HTTP 403): User is not authorized" in str(denied.value)
    assert throttled.value.permanent is False


def test_a_service_slower_than_the_timeout_is_a_transient_error(amazon_q_server, settings):
    settings.LLM_TIMEOUT_SECONDS = 0.3
    amazon_q_server.hang_seconds = 5

    started = time.monotonic()
    with pytest.raises(ProviderError, match="within LLM_TIMEOUT_SECONDS=0.3s") as caught:
        analyze()

    assert time.monotonic() - started < 2
    assert caught.value.permanent is False
    assert len(amazon_q_server.requests) == 1
