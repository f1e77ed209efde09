"""Each provider validates its own ``llm_provider_metadata``; monitors get field-level messages."""

import pytest

from monitors.schemas import ConfigError
from monitors.services import validate_monitor_fields


def validate(provider: str, metadata):
    return validate_monitor_fields(
        prompt="Look for errors.", inputs=[], window_config={}, notification_config={}, remediation_config={},
        llm_provider=provider, llm_provider_metadata=metadata,
    )


def test_it_keeps_valid_openai_overrides():
    cleaned = validate("openai", {"model": " gpt-4o ", "temperature": 0.2, "max_tokens": 1000})

    assert cleaned["llm_provider_metadata"] == {"model": "gpt-4o", "temperature": 0.2, "max_tokens": 1000}


@pytest.mark.parametrize(
    ("metadata", "line"),
    [
        ({"temperature": 3}, "llm_provider_metadata.temperature: Input should be less than or equal to 2"),
        ({"max_tokens": 0}, "llm_provider_metadata.max_tokens: Input should be greater than 0"),
        ({"model": ""}, "llm_provider_metadata.model: String should have at least 1 character"),
        ({"api_key": "sk-123"}, "llm_provider_metadata.api_key: Unknown field."),
    ],
)
def test_it_names_the_bad_openai_field(metadata, line):
    with pytest.raises(ConfigError) as caught:
        validate("openai", metadata)

    assert line in caught.value.lines


def test_it_checks_the_amazon_q_application_id_and_chat_mode():
    with pytest.raises(ConfigError) as caught:
        validate("amazon_q", {"application_id": "my-app", "chat_mode": "FREE"})

    fields = sorted(line.split(":")[0] for line in caught.value.lines)
    assert fields == ["llm_provider_metadata.application_id", "llm_provider_metadata.chat_mode"]


def test_the_stub_takes_no_metadata():
    with pytest.raises(ConfigError, match="llm_provider_metadata.model: Unknown field."):
        validate("stub", {"model": "x"})
