"""Template compression: fold repeats into counted templates, keep rare and newest lines, say what was cut."""

import random

import pytest
from django.test import override_settings

from logmonitor.lib.compression import budget_for, compress


def repeated(n: int, start: int = 0) -> list[str]:
    return [f"2024-05-01 10:{i // 60 % 60:02d}:{i % 60:02d} INFO worker: Connection from 10.0.{i % 7}.{i % 200} port {40000 + i} closed" for i in range(start, start + n)]


def distinct(n: int, *, seed: int = 7) -> list[str]:
    """Lines that share no template: random words, random lengths."""
    rng = random.Random(seed)
    word = lambda: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))  # noqa: E731
    return [f"{i:04d} " + " ".join(word() for _ in range(rng.randint(4, 12))) for i in range(n)]


def section(label: str, lines: list[str]) -> str:
    return f"[{label}]\n" + "\n".join(lines)


def test_it_sends_text_that_fits_the_budget_unchanged():
    text = section("app", repeated(10))

    result = compress(text, budget_chars=10_000)

    assert result.text == text
    assert result.stats.compressed is False


def test_it_folds_repeated_lines_into_a_template_with_its_count():
    text = section("app", repeated(300))

    result = compress(text, budget_chars=4_000)

    assert "  300x <TIME> INFO worker: Connection from <IP> port <NUM> closed" in result.text
    assert result.stats.lines_folded == 300
    assert result.stats.templates == 1
    assert len(result.text) < len(text) / 10


def test_it_keeps_rare_lines_verbatim_in_their_order():
    lines = repeated(150) + ["2024-05-01 11:00:00 ERROR disk: /dev/sda1 failing SMART self-test"] + repeated(150, start=150)
    lines.insert(40, "2024-05-01 10:00:40 WARN pool: 3 of 4 replicas unreachable")

    result = compress(section("app", lines), budget_chars=8_000)

    warn = result.text.index("2024-05-01 10:00:40 WARN pool: 3 of 4 replicas unreachable")
    error = result.text.index("2024-05-01 11:00:00 ERROR disk: /dev/sda1 failing SMART self-test")
    assert warn < error
    assert result.stats.lines_verbatim == 2 + 20  # the two rare lines and the 20 newest


def test_it_keeps_the_newest_lines_and_says_how_many_older_ones_it_omitted_when_the_budget_is_tight():
    lines = distinct(400)

    result = compress(section("jobs", lines), budget_chars=1_500)

    assert len(result.text) <= 1_500
    assert lines[-1] in result.text
    assert lines[0] not in result.text
    assert result.stats.lines_omitted > 300
    assert f"{result.stats.lines_omitted:,} older lines" in result.text.splitlines()[0]
    assert f"[... {result.stats.lines_omitted:,} older lines omitted to fit the budget ...]" in result.text


def test_its_first_line_says_exactly_what_was_folded_and_cut():
    lines = repeated(300) + distinct(40)

    result = compress(section("app", lines), budget_chars=2_500)

    note = result.text.splitlines()[0]
    stats = result.stats
    assert note.startswith("[compressed to fit 2,500 characters: 340 lines in; 300 repeated lines folded into 1 templates")
    assert f"{stats.lines_verbatim:,} rare or newest lines verbatim" in note
    assert f"omitted: {stats.lines_omitted:,} older lines" in note
    assert stats.lines_verbatim + stats.lines_omitted + stats.lines_folded - sum(
        1 for line in lines[-20:] if "Connection" in line
    ) == 340


def test_it_compresses_within_each_section_and_keeps_the_headers():
    text = "\n\n".join([section("nginx", repeated(200)), section("db", [f"checkpoint {i} complete: wrote {i * 3} buffers" for i in range(200)])])

    result = compress(text, budget_chars=3_000)

    body = result.text.splitlines()
    assert body.index("[nginx]") < body.index("[db]")
    nginx, db = result.text.split("\n\n[db]\n")
    assert "200x <TIME> INFO worker: Connection from" in nginx
    assert "200x checkpoint <NUM> complete: wrote <NUM> buffers" in db


def test_it_never_drops_the_collectors_own_notes():
    text = section("cron", distinct(500) + ["[command exited with status 2]"])
    text = "[... truncated: 120 older lines omitted ...]\n" + text

    result = compress(text, budget_chars=1_000)

    assert "[command exited with status 2]" in result.text
    assert "[... truncated: 120 older lines omitted ...]" in result.text
    assert "[cron]" in result.text


def test_it_is_deterministic():
    text = "\n\n".join([section("a", repeated(300)), section("b", distinct(100) + [f"event {i % 13} seen {i} times" for i in range(300)])])

    assert compress(text, budget_chars=2_000) == compress(text, budget_chars=2_000)


def test_it_stays_within_the_budget_on_real_logs(loghub_samples):
    text = "\n\n".join(section(path.stem, path.read_text().splitlines()) for path in loghub_samples)

    for budget in (1_000, 5_000, 20_000, 100_000):
        result = compress(text, budget_chars=budget)
        assert len(result.text) <= budget
        assert result.stats.chars_out == len(result.text)
        assert all(f"[{path.stem}]" in result.text for path in loghub_samples) or budget == 1_000


def test_it_refuses_a_budget_too_small_for_its_note():
    with pytest.raises(ValueError, match="budget_chars"):
        compress("x" * 5_000, budget_chars=100)


@override_settings(LLM_BUDGET_CHARS=30_000, LLM_BUDGET_CHARS_BY_PROVIDER={"amazon_q": 5_000})
def test_each_provider_has_its_budget():
    assert budget_for("amazon_q") == 5_000
    assert budget_for("openai") == 30_000
