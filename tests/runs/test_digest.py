"""runs/digest.py: what the LLM reads is redacted, judged by the floor, and compressed to the provider's budget."""

import pytest

from monitors.collectors import Collection, Section
from runs.digest import digest
from tests.factories import MonitorFactory

pytestmark = pytest.mark.django_db

OOM = "kernel: Out of memory: Killed process 4242 (java) total-vm:8123456kB"


def collection_of(text: str, label: str = "app") -> Collection:
    return Collection(sections=[Section(label=label, text=text)], logs_text=f"[{label}]\n{text}")


def test_it_redacts_before_storing_and_before_sending():
    monitor = MonitorFactory()
    seen = digest(monitor, collection_of("login ok password=hunter2 from ops@example.com"), provider_name="openai")

    for text in (seen.stored_text, seen.llm_text):
        assert "hunter2" not in text and "ops@example.com" not in text
        assert "password=[REDACTED:secret]" in text
    assert seen.redactions == {"secret": 1, "email": 1}
    assert seen.collection.sections[0].label == "app"  # sections kept for the run record


def test_the_monitors_own_patterns_are_redacted_and_the_switch_turns_redaction_off():
    custom = MonitorFactory(redaction_config={"extra_patterns": [r"ACME-\d{6}"]})
    off = MonitorFactory(redaction_config={"enabled": False})
    text = "order ACME-123456 paid, password=hunter2"

    assert digest(custom, collection_of(text), provider_name="openai").redactions == {"secret": 1, "custom": 1}
    untouched = digest(off, collection_of(text), provider_name="openai")
    assert untouched.llm_text == f"[app]\n{text}" and untouched.redactions == {}


def test_the_floor_counts_built_in_and_operator_rules_on_the_uncompressed_text(settings):
    settings.LLM_BUDGET_CHARS = 1_000  # forces compression: the floor must still see every line
    rules = [{"pattern": "upstream timed out", "min_status": "WARNING", "min_count": 50, "label": "nginx upstream timeouts"}]
    monitor = MonitorFactory(severity_rules=rules)
    lines = [f"2024-05-01 10:00:{i % 60:02d} upstream timed out while reading from 10.0.0.{i % 9}" for i in range(60)] + [OOM]

    seen = digest(monitor, collection_of("\n".join(lines)), provider_name="openai")

    assert seen.compression.compressed and seen.compression.templates >= 1
    assert seen.floor.status == "CRITICAL"
    assert [(m.label, m.count) for m in seen.floor.matches] == [("out-of-memory kill", 1), ("nginx upstream timeouts", 60)]
    assert seen.floor.matches[0].samples == (OOM,)


def test_openai_gets_a_compressed_text_and_the_stub_the_whole_window(loghub_samples):
    sample = next(path for path in loghub_samples if path.name.startswith("Apache"))
    raw = collection_of(sample.read_text().rstrip(), label="apache")
    monitor = MonitorFactory()

    for_openai = digest(monitor, raw, provider_name="openai")
    for_stub = digest(monitor, raw, provider_name="stub")

    assert len(raw.logs_text) >= 20 * len(for_openai.llm_text)
    assert for_openai.llm_text.startswith("[compressed to fit 24,000 characters")
    assert for_openai.stored_text == raw.logs_text  # the run keeps every (redacted) line
    assert not for_stub.compression.compressed and for_stub.llm_text == raw.logs_text


def test_the_preview_shape_says_what_would_be_sent():
    monitor = MonitorFactory()
    preview = digest(monitor, collection_of(f"{OOM}\ntoken=abc123"), provider_name="openai").as_preview()

    assert preview["logs_text"] == f"[app]\n{OOM}\ntoken=[REDACTED:secret]"
    assert preview["redactions"] == {"secret": 1}
    assert preview["floor"]["status"] == "CRITICAL"
    assert preview["compression"]["compressed"] is False
    assert preview["sections"][0]["label"] == "app"
