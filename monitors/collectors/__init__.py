"""Collectors: read every input of a monitor concurrently and join them into one text.

Registry of ``mode -> collector class`` (dotted paths, imported lazily).
Adding an input kind is one module and one line here.

Given ``cursors`` (a monitor's stored cursors by label; an empty mapping
before its first run), inputs are read incrementally: files and containers
from where the last answered run stopped. The cursors are only read here;
each section proposes its next one, and the caller decides to store them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from django.utils.module_loading import import_string

from monitors.collectors.base import Collection, CollectionError, Collector, Section
from monitors.collectors.window import apply_window, join_sections
from monitors.schemas import InputSpec, WindowConfig

logger = logging.getLogger(__name__)

COLLECTORS = {
    "command": "monitors.collectors.command.CommandCollector",
    "file": "monitors.collectors.file.FileCollector",
    "docker": "monitors.collectors.docker.DockerCollector",
}

# Inputs read at once per run; each is bounded by its own timeout, so the run
# takes about as long as its slowest input, not the sum.
MAX_PARALLEL_INPUTS = 16

__all__ = ["COLLECTORS", "Collection", "CollectionError", "Collector", "Section", "collect", "collect_one"]


def get_collector(mode: str) -> Collector:
    """A new collector for an input ``mode`` (a key of COLLECTORS), imported on first use."""
    return import_string(COLLECTORS[mode])()


def collect_one(spec: InputSpec, *, incremental: bool = False, cursor: dict | None = None) -> Section:
    """Read one input (only what is new since ``cursor`` when ``incremental``) and apply its own window.

    A failure is recorded in its section, never raised.
    """
    try:
        collector = get_collector(spec.mode)
        section = collector.read_new(spec, cursor) if incremental else collector.read(spec)
    except CollectionError as exc:
        return Section(label=spec.label, error=str(exc))
    except Exception as exc:  # a bug in one collector must not sink the other inputs
        logger.exception("collector %s failed on input %s", spec.mode, spec.label)
        return Section(label=spec.label, error=f"unexpected error: {exc!r}")
    return apply_window(section, max_lines=spec.max_lines, max_chars=spec.max_chars)


def collect(specs: list[InputSpec], window: WindowConfig, *, cursors: Mapping[str, dict] | None = None) -> Collection:
    """Read all inputs at once (each bounded by its own timeout), then apply the monitor's window.

    ``cursors`` None: read every input whole (its tail). A mapping: read incrementally from them.
    """
    if not specs:
        return Collection(sections=[], logs_text="")

    def read(spec: InputSpec) -> Section:
        if cursors is None:
            return collect_one(spec)
        return collect_one(spec, incremental=True, cursor=cursors.get(spec.label))

    with ThreadPoolExecutor(max_workers=min(len(specs), MAX_PARALLEL_INPUTS), thread_name_prefix="collect") as pool:
        sections = list(pool.map(read, specs))
    return join_sections(sections, window)
