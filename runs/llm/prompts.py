"""The prompt every LLM provider sends: templates/llm/system.txt and user.txt.

The logs go between delimiters that carry a random per-render nonce
(runs/prompt_guard.py), with any delimiter look-alike removed from the logs,
so a log line cannot close the data block and smuggle instructions outside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string

from monitors.collectors.window import truncate
from runs.llm.base import AnalysisRequest, ProviderError
from runs.prompt_guard import fence


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str

    def messages(self) -> list[dict]:
        """Chat messages in the OpenAI shape."""
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]

    def as_one_message(self) -> str:
        """For APIs without a system role (Amazon Q): the instructions first, then the request."""
        return f"{self.system}\n\n{self.user}"


def render(request: AnalysisRequest, *, logs_text: str | None = None, note: str = "") -> Prompt:
    """Render both templates for ``request`` (``logs_text`` overrides the request's, e.g. when trimmed).

    Each call fences the logs with a fresh nonce; the system prompt names the same delimiters.
    """
    logs = request.logs_text if logs_text is None else logs_text
    fenced = fence(logs.rstrip("\n"))
    context = {
        "opening": fenced.opening,
        "closing": fenced.closing,
        "fenced_logs": fenced.text,
        "monitor_name": request.monitor_name,
        "prompt": request.prompt.strip(),
        "line_count": len(logs.splitlines()),
        "note": note,
    }
    return Prompt(
        system=render_to_string("llm/system.txt", context).strip(),
        user=render_to_string("llm/user.txt", context).strip(),
    )


# Room kept for the trimming note (its numbers vary) when fitting a size limit.
_NOTE_ALLOWANCE = 300


def render_within(request: AnalysisRequest, *, max_chars: int, limit_name: str) -> tuple[Prompt, str]:
    """Render a one-message prompt of at most ``max_chars``, dropping the oldest log lines if needed.

    Returns the prompt and the note that tells the model what was cut ("" when
    nothing was). Raises a permanent ``ProviderError`` when even the prompt
    without logs does not fit.
    """
    full = render(request)
    if len(full.as_one_message()) <= max_chars:
        return full, ""
    overhead = len(render(request, logs_text="").as_one_message()) + _NOTE_ALLOWANCE
    budget = max_chars - overhead
    if budget <= 0:
        raise ProviderError(
            f"the prompt alone ({overhead} characters with its instructions) exceeds {limit_name}={max_chars}; "
            "shorten the monitor's prompt or raise the limit",
            permanent=True,
        )
    kept, _, _ = truncate(request.logs_text, max_lines=None, max_chars=budget)
    total = len(request.logs_text.splitlines())
    kept_lines = len(kept.splitlines())
    note = (
        f"the logs were cut to fit the {max_chars}-character input limit: only the newest {kept_lines} "
        f"of {total} lines are included ({total - kept_lines} older lines omitted)."
    )
    return render(request, logs_text=kept, note=note), note
