"""Characters sent to the LLM with template compression versus raw, on the Loghub samples.

    .venv/bin/python benchmarks/compression.py [SAMPLES_DIR]

Each sample is one ``[label]`` section, as a file input produces it. For each
provider budget it prints: raw and sent characters, the ratio, and how many
of the sample's distinct templates survive with their counts.

"Distinct template": a cluster Drain3 finds over the whole sample (the same
miner and masks the compressor uses). It survives when the output shows its
row with the exact count (``  1,234x <pattern>``), or, for a template seen
fewer than FOLD_MIN times (never folded), when all of its lines are there
verbatim. Targets: at least 20x fewer characters than raw on the median
sample, and every distinct template present. Redaction and compression
times are printed too (they run once per monitor run, before the LLM call).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logmonitor.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from logmonitor.lib.compression import FOLD_MIN, LINE_MAX_CHARS, budget_for, compress, mine  # noqa: E402
from logmonitor.lib.redaction import redact  # noqa: E402

DEFAULT_SAMPLES = ROOT.parent / "shared" / "data" / "loghub"


def surviving_templates(lines: list[str], output: str) -> tuple[int, int]:
    """(distinct templates in ``lines``, how many of them ``output`` still shows with their counts)."""
    cluster_of, templates = mine(lines)
    members: dict[int, list[str]] = {}
    for line, cluster_id in zip(lines, cluster_of):
        if cluster_id is not None:
            members.setdefault(cluster_id, []).append(line)
    present = 0
    for cluster_id, cluster_lines in members.items():
        if len(cluster_lines) >= FOLD_MIN:
            present += f"  {len(cluster_lines):,}x {templates[cluster_id][:LINE_MAX_CHARS]}" in output
        else:
            present += all(line[:LINE_MAX_CHARS] in output for line in cluster_lines)
    return len(members), present


def run(samples_dir: Path) -> int:
    samples = sorted(samples_dir.glob("*.log"))
    if not samples:
        print(f"no *.log samples in {samples_dir}", file=sys.stderr)
        return 2
    budgets = [("default", settings.LLM_BUDGET_CHARS), ("amazon_q", budget_for("amazon_q"))]
    ok = True
    for provider, budget in budgets:
        print(f"\nBudget {budget:,} characters ({'LLM_BUDGET_CHARS' if provider == 'default' else provider})\n")
        print("| sample | lines | raw chars | sent chars | fewer | templates kept / distinct | redact ms | compress ms |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        ratios, all_kept = [], True
        for path in samples:
            label = path.stem
            body = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
            raw = f"[{label}]\n{body}"
            started = time.perf_counter()
            redacted = redact(raw).text
            redact_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            result = compress(redacted, budget_chars=budget)
            compress_ms = (time.perf_counter() - started) * 1000
            lines = [line for line in redacted.split("\n")[1:] if line.strip()]
            distinct, present = surviving_templates(lines, result.text)
            ratio = len(raw) / len(result.text)
            ratios.append(ratio)
            all_kept &= present == distinct
            print(
                f"| {label} | {len(lines):,} | {len(raw):,} | {len(result.text):,} | {ratio:.1f}x "
                f"| {present} / {distinct} | {redact_ms:.0f} | {compress_ms:.0f} |"
            )
        median = statistics.median(ratios)
        print(f"\nmedian: {median:.1f}x fewer characters (target >= 20x: {'met' if median >= 20 else 'MISSED'}); "
              f"every distinct template present: {'yes' if all_kept else 'no'}")
        if provider == "default":
            ok &= median >= 20 and all_kept
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SAMPLES))
