"""A deterministic LLM provider for tests: the logs say what the verdict is.

A log line ``VERDICT=CRITICAL`` (or HEALTHY / WARNING) makes that the
verdict; ``VERDICT=FAIL`` raises a ProviderError (the run ends in error).
Register it with ``override_settings(LLM_PROVIDERS={..., "scripted": SCRIPTED})``
and set a monitor's inputs with ``inputs_saying("CRITICAL")``.
"""

from __future__ import annotations

import re

from runs.llm.base import Analysis, AnalysisRequest, Provider, ProviderError, Verdict

SCRIPTED = "tests.fakes.verdict_provider.ScriptedProvider"


def inputs_saying(status: str, *, extra: str = "") -> list[dict]:
    return [{"label": "app", "mode": "command", "command": f"echo 'VERDICT={status} {extra}'".strip()}]


class ScriptedProvider(Provider):
    name = "scripted"

    def analyze(self, request: AnalysisRequest) -> Analysis:
        match = re.search(r"VERDICT=(\w+)", request.logs_text)
        status = match.group(1) if match else "HEALTHY"
        if status == "FAIL":
            raise ProviderError("scripted provider: the LLM is down", raw_response="503 Service Unavailable")
        verdict = Verdict(
            status=status,
            summary=f"Scripted verdict {status}.",
            report=f"The logs asked for {status}.\nSecond line of the report.",
            recommendations=[f"Look at {status.lower()} things", "Restart the widget"],
        )
        return Analysis(verdict=verdict, model="scripted-1", request=request.logs_text, response=verdict.model_dump_json())


def run_saying(monitor, status: str):
    """Run ``monitor`` through the real pipeline with logs that make the scripted provider answer ``status``."""
    from runs.pipeline import run_monitor

    monitor.inputs = inputs_saying(status)
    monitor.save(update_fields=["inputs"])
    return run_monitor(monitor)
