"""Offline analyzer placeholder; replaced by the evidence-based analyzer."""

from runs.llm.base import Analysis, AnalysisRequest, Provider, Verdict


class StubProvider(Provider):
    name = "stub"

    def analyze(self, request: AnalysisRequest) -> Analysis:
        verdict = Verdict(status="HEALTHY", summary="stub", report="stub", recommendations=[])
        return Analysis(verdict=verdict, model="stub")
