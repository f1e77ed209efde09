"""The LLM provider family: one verb, ``analyze(request) -> Analysis``.

Every provider returns a validated ``Verdict`` or raises ``ProviderError``;
an answer that does not fit the verdict contract is an error, never healthy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from monitors.schemas import ConfigError, Schema, parse


class ProviderError(Exception):
    """The provider failed or answered badly; ``raw_response`` keeps what it said."""

    def __init__(self, message: str, *, permanent: bool = False, raw_response: str = "", request: str = ""):
        super().__init__(message)
        self.permanent = permanent
        self.raw_response = raw_response
        self.request = request


class Verdict(BaseModel):
    """The contract every provider must meet (architecture.md, "Verdict")."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    status: Literal["HEALTHY", "WARNING", "CRITICAL"]
    summary: str = Field(min_length=1)
    report: str = Field(min_length=1)
    recommendations: list[str] = []


@dataclass
class AnalysisRequest:
    """What a provider is asked: the operator's prompt and the collected logs."""

    prompt: str
    logs_text: str
    monitor_name: str = ""
    metadata: dict = field(default_factory=dict)


@dataclass
class Analysis:
    """A provider's validated answer and what it cost."""

    verdict: Verdict
    model: str = ""
    request: str = ""
    response: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class NoMetadata(Schema):
    pass


class Provider:
    """Base class. ``metadata_schema`` validates ``monitor.llm_provider_metadata``."""

    name = ""
    metadata_schema: type[Schema] = NoMetadata

    def analyze(self, request: AnalysisRequest) -> Analysis:
        raise NotImplementedError

    def options(self, request: AnalysisRequest) -> Schema:
        """The monitor's ``llm_provider_metadata``, validated (it was checked on save; settings may have changed since)."""
        try:
            return parse("llm_provider_metadata", self.metadata_schema, request.metadata)
        except ConfigError as exc:
            raise ProviderError(f"invalid provider metadata: {exc}", permanent=True) from None
