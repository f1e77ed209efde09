"""Cost estimates: tokens times the model's price per 1M tokens, in Decimal."""

from decimal import Decimal

import pytest

from runs.cost import estimate_cost


def test_it_prices_prompt_and_completion_tokens(settings):
    settings.LLM_PRICES = {"gpt-4o-mini": ("0.15", "0.60")}

    assert estimate_cost("gpt-4o-mini", 10_000, 1_000) == Decimal("0.002100")


def test_a_dated_snapshot_uses_the_longest_matching_model_name(settings):
    settings.LLM_PRICES = {"gpt-4o": ("2.50", "10.00"), "gpt-4o-mini": ("0.15", "0.60")}

    assert estimate_cost("gpt-4o-mini-2024-07-18", 1_000_000, 0) == Decimal("0.150000")
    assert estimate_cost("gpt-4o-2024-08-06", 1_000_000, 0) == Decimal("2.500000")


def test_unknown_models_and_missing_counts_have_no_estimate(settings):
    settings.LLM_PRICES = {"gpt-4o": ("2.50", "10.00")}

    assert estimate_cost("llama3.1:8b", 100, 100) is None
    assert estimate_cost("gpt-4o", None, 100) is None
    assert estimate_cost("", 1, 1) is None


def test_a_tiny_call_is_not_rounded_to_zero(settings):
    settings.LLM_PRICES = {"gpt-4.1-nano": [0.10, 0.40]}  # as LLM_PRICES_JSON gives them

    assert estimate_cost("gpt-4.1-nano", 10, 1) == Decimal("0.000001")


def test_the_default_table_prices_the_default_models():
    from django.conf import settings

    assert estimate_cost(settings.OPENAI_MODEL, 1_000, 1_000) > 0
    assert estimate_cost("stub", 1_000, 1_000) == 0


def test_a_malformed_price_names_the_model(settings):
    settings.LLM_PRICES = {"local": "free"}

    with pytest.raises(ValueError, match=r"LLM_PRICES\['local'\]"):
        estimate_cost("local", 1, 1)
