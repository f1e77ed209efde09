"""LLM usage per monitor per day: runs, tokens and estimated cost, in one query."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from runs.selectors import usage_by_day, usage_totals
from tests.factories import MonitorFactory, MonitorRunFactory

pytestmark = pytest.mark.django_db


def run_at(monitor, when, prompt=None, completion=None, cost=None):
    return MonitorRunFactory(monitor=monitor, started_at=when, prompt_tokens=prompt, completion_tokens=completion, cost_usd=cost)


@pytest.fixture
def history():
    """Two priced runs and an unpriced one today, one run yesterday, one too old to count, and another monitor's run."""
    monitor = MonitorFactory()
    now = timezone.localtime().replace(hour=12)
    run_at(monitor, now, 1000, 200, Decimal("0.000270"))
    run_at(monitor, now - timedelta(hours=1), 3000, 100, Decimal("0.000510"))
    run_at(monitor, now - timedelta(hours=2))  # the stub reports no tokens
    run_at(monitor, now - timedelta(days=1), 500, 50, None)  # a model without a price
    run_at(monitor, now - timedelta(days=45), 9999, 9999, Decimal("9"))
    run_at(MonitorFactory(), now, 7777, 7777, Decimal("7"))
    return monitor, now


def test_it_sums_runs_tokens_and_cost_per_day_newest_first_in_one_query(history, django_assert_num_queries):
    monitor, now = history

    with django_assert_num_queries(1):
        rows = usage_by_day(monitor, days=30)

    assert rows == [
        {"date": now.date(), "runs": 3, "llm_calls": 2, "prompt_tokens": 4000, "completion_tokens": 300, "cost_usd": Decimal("0.000780")},
        {"date": (now - timedelta(days=1)).date(), "runs": 1, "llm_calls": 1, "prompt_tokens": 500, "completion_tokens": 50, "cost_usd": None},
    ]
    assert usage_totals(rows) == {"runs": 4, "llm_calls": 3, "prompt_tokens": 4500, "completion_tokens": 350, "cost_usd": Decimal("0.000780")}


def test_the_period_is_today_and_the_days_before_it(history):
    monitor, now = history

    assert [row["date"] for row in usage_by_day(monitor, days=1)] == [now.date()]
    assert len(usage_by_day(monitor, days=60)) == 3
