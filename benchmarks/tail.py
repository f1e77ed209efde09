"""The last 1,000 lines of a 1 MB and a 1 GB log file: in-process ``tail_lines`` versus GNU ``tail -n 1000``.

    .venv/bin/python benchmarks/tail.py [--repeat N]

The files are real lines (the Loghub samples repeated, with a running line
number so no two lines are alike), written once to /tmp and reused; a sparse
file would not count. Both readers run on the same files in the same run.
Time is the median of N calls (the page cache is warm for both, as it is for
a log file a service is writing). Memory: the in-process read's peak Python
allocation (tracemalloc), and GNU tail's peak resident size (GNU time). Targets: the 1 GB read costs at most 1.2x the 1 MB read; the
in-process read is within 2x of tail's wall time; peak memory under 50 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logmonitor.settings")

import django  # noqa: E402

django.setup()

from monitors.collectors.file import tail_lines  # noqa: E402

SAMPLES = ROOT / "demo" / "logs"
FILES = {"1 MB": (Path("/tmp/logmonitor-bench-1mb.log"), 1 << 20), "1 GB": (Path("/tmp/logmonitor-bench-1gb.log"), 1 << 30)}
LINES = 1000


def ensure_file(path: Path, size: int) -> None:
    """Write ``size`` bytes of real log lines to ``path`` unless a file of that size is already there."""
    if path.exists() and path.stat().st_size == size and path.stat().st_blocks * 512 >= size:
        return
    source = [line for sample in sorted(SAMPLES.glob("*_2k.log")) for line in sample.read_text().splitlines() if line]
    partial = path.with_suffix(".partial")
    written, number = 0, 0
    with partial.open("wb") as out:
        while written < size:
            chunk = []
            for line in source:
                number += 1
                chunk.append(f"{number:010d} {line}\n")
            data = "".join(chunk).encode()[: size - written]
            if written + len(data) == size and not data.endswith(b"\n"):
                data = data[:-1] + b"\n"  # end on a whole line, like a real log
            out.write(data)
            written += len(data)
    partial.rename(path)


def interleaved_medians(calls: dict[str, callable], repeat: int) -> dict[str, float]:
    """Median ms per call; the calls take turns so load from other processes hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()  # warm the page cache and the code path
    for _ in range(repeat):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def in_process_peak_mb(path: Path) -> tuple[float, str]:
    tracemalloc.start()
    result = tail_lines(path, LINES)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / (1 << 20), result.text


def tail_args(path: Path) -> list[str]:
    return ["tail", "-n", str(LINES), str(path)]


def peak_rss_mb(args: list[str]) -> float:
    """Peak resident size of a command, measured by GNU time (a child forked from this
    process would report this process's size: Linux keeps the pre-exec high-water mark)."""
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return int(done.stderr.split()[-1]) / 1024


def run(repeat: int) -> int:
    for path, size in FILES.values():
        started = time.perf_counter()
        ensure_file(path, size)
        if time.perf_counter() - started > 1:
            print(f"(wrote {path}, {size:,} bytes, in {time.perf_counter() - started:.1f} s)")
    calls = {}
    for name, (path, _) in FILES.items():
        calls[("ours", name)] = lambda path=path: tail_lines(path, LINES)
        calls[("tail", name)] = lambda path=path: subprocess.run(tail_args(path), stdout=subprocess.DEVNULL, check=True)
    medians = interleaved_medians(calls, repeat)
    rows = {}
    for name, (path, _) in FILES.items():
        ours_mb, ours_text = in_process_peak_mb(path)
        tail_text = subprocess.run(tail_args(path), capture_output=True, check=True).stdout.decode("utf-8", "replace")
        same = ours_text == tail_text.rstrip("\n")
        rows[name] = (medians[("ours", name)], ours_mb, medians[("tail", name)], peak_rss_mb(tail_args(path)), same)
    print(f"\nLast {LINES:,} lines, median of {repeat} calls each\n")
    print("| file | in-process ms | in-process peak MB | GNU tail ms | GNU tail peak RSS MB | same lines |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, (ours_ms, ours_mb, tail_ms, tail_mb, same) in rows.items():
        print(f"| {name} | {ours_ms:.2f} | {ours_mb:.2f} | {tail_ms:.2f} | {tail_mb:.1f} | {'yes' if same else 'NO'} |")
    small, big = rows["1 MB"], rows["1 GB"]
    growth = big[0] / small[0]
    versus_tail = max(big[0] / big[2], small[0] / small[2])
    peak = max(small[1], big[1])
    checks = [
        (f"1 GB read / 1 MB read = {growth:.2f}x (target <= 1.2x)", growth <= 1.2),
        (f"in-process / GNU tail = {versus_tail:.2f}x at worst (target <= 2x)", versus_tail <= 2),
        (f"in-process peak {peak:.2f} MB (target < 50 MB)", peak < 50),
        ("same lines as GNU tail", small[4] and big[4]),
    ]
    print()
    for text, ok in checks:
        print(f"{'met   ' if ok else 'MISSED'} {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    sys.exit(run(parser.parse_args().repeat))
