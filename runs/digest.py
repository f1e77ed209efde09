"""What the LLM reads: the collected logs, redacted, judged by the severity floor, and compressed.

``digest(monitor, collection, provider_name=...)`` is the one place the
collected text is turned into what leaves the host, in this order:

1. redact (the monitor's ``redaction_config``): the run stores, the LLM reads
   and notifications quote only this text, so a secret never reaches any of them;
2. compute the severity floor (built-in rules plus ``severity_rules``) on the
   redacted text *before* compression, so a folded line still counts;
3. compress to the provider's budget (``budget_for``).

The run page's collect preview, ``POST /monitors/{id}/collect`` and
``runmonitor --collect-only`` show ``llm_text``, exactly what a run would send.
Pure: no database writes, no network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from logmonitor.lib.compression import CompressionStats, budget_for, compress
from logmonitor.lib.redaction import redact
from monitors.collectors import Collection
from monitors.models import Monitor
from monitors.selectors import monitor_collect
from runs.floor import Floor, FloorRule, compute_floor
from runs.llm import provider_name_for


@dataclass(frozen=True)
class Digest:
    """The collection as stored (``collection.logs_text`` redacted, uncompressed) and as sent (``llm_text``)."""

    collection: Collection
    llm_text: str
    floor: Floor
    compression: CompressionStats
    redactions: dict[str, int]

    @property
    def stored_text(self) -> str:
        return self.collection.logs_text

    def as_preview(self) -> dict:
        """The collect preview's shape (``POST /monitors/{id}/collect``): ``logs_text`` is the text the LLM would get."""
        return {
            **self.collection.as_dict(),
            "logs_text": self.llm_text,
            "redactions": self.redactions,
            "compression": self.compression.as_dict(),
            "floor": self.floor.as_dict(),
        }


def digest(monitor: Monitor, collection: Collection, *, provider_name: str) -> Digest:
    """Redact, floor and compress ``collection.logs_text`` for ``monitor`` and ``provider_name``'s budget."""
    config = monitor.redaction
    redacted = redact(collection.logs_text, extra_patterns=config.extra_patterns, enabled=config.enabled)
    floor = compute_floor(redacted.text, [FloorRule.from_spec(rule) for rule in monitor.floor_rules])
    compressed = compress(redacted.text, budget_chars=budget_for(provider_name))
    return Digest(
        collection=replace(collection, logs_text=redacted.text),
        llm_text=compressed.text,
        floor=floor,
        compression=compressed.stats,
        redactions=dict(redacted.counts_by_kind),
    )


def digest_preview(monitor: Monitor) -> Digest:
    """Collect now and digest for the monitor's provider, exactly as a run would; moves no cursor, sends nothing."""
    return digest(monitor, monitor_collect(monitor), provider_name=provider_name_for(monitor))
