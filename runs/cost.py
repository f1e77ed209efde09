"""What a run's LLM call cost: tokens times the model's price from ``settings.LLM_PRICES``.

Prices are USD per 1M tokens, ``model -> (input, output)``; operators change
or add models with ``LLM_PRICES_JSON``. Money is Decimal, never float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings

PER_TOKENS = Decimal(1_000_000)
QUANTUM = Decimal("0.000001")  # a millionth of a dollar: a single cheap call is not rounded to zero


def price_for(model: str) -> tuple[Decimal, Decimal] | None:
    """(input, output) USD per 1M tokens for ``model``, or None when the table does not know it.

    An exact name wins; otherwise the longest name that ``model`` extends with
    ``-...`` (``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``, not ``gpt-4o``).
    """
    prices = settings.LLM_PRICES
    name = model if model in prices else max((key for key in prices if model.startswith(f"{key}-")), key=len, default=None)
    if name is None:
        return None
    try:
        prompt_price, completion_price = (Decimal(str(value)) for value in prices[name])
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"LLM_PRICES['{name}']: expected [input, output] USD per 1M tokens, got {prices[name]!r}") from None
    return prompt_price, completion_price


def estimate_cost(model: str, prompt_tokens: int | None, completion_tokens: int | None) -> Decimal | None:
    """USD for one call, to the micro-dollar; None when the model's price or the token counts are unknown."""
    price = price_for(model or "")
    if price is None or prompt_tokens is None or completion_tokens is None:
        return None
    prompt_price, completion_price = price
    cost = (prompt_tokens * prompt_price + completion_tokens * completion_price) / PER_TOKENS
    return cost.quantize(QUANTUM)
