"""Big suites: a generated suite of 10,000 flow files, collected, then run with ``-n 2``.

    python bench/big_suite.py [--files 10000] [--steps 10] [--repeats 3] [--output FILE]

Also called by ``bench/run.py`` (its "Big suites" section). Every child is a fresh process
measured as in ``bench/run.py``:

- **Collection**: ``pytest --collect-only`` of the K files, R repeats, median wall and CPU.
- **Memory per flow**: the suite runs with ``-n 2`` against one sandbox process, once with K/2
  files and once with K; while it runs, the peak RSS (``VmHWM``) of the controller and of each
  xdist worker is read from ``/proc`` every 0.2 s. Growth per flow = (peak with K − peak with
  K/2) / (flows that process handled in the difference): what a process keeps for each flow
  it runs, whatever it loads once.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench
import scenario


@dataclass
class MemoryRun:
    flows: int
    wall: float
    controller_kb: int
    workers_kb: list[int]
    sandbox_kb: int


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _watch(pid: int, peaks: dict[int, int], done: threading.Event) -> None:
    """Record each process's peak RSS (controller and xdist workers) until ``done``."""
    while not done.is_set():
        for p in (pid, *_children(pid)):
            peaks[p] = max(peaks.get(p, 0), _hwm_kb(p))
        done.wait(0.2)


def memory_run(python: str, folder: Path, flows: int, base_url: str, sandbox_pid: int,
               env: dict[str, str]) -> MemoryRun:
    argv = bench.pytest_argv(python, folder, *bench.NO_ALLURE, "-p", "no:tavern", "-n", "2",
                             f"--juo-base-url={base_url}",
                             f"--juo-reports-dir={folder.parent / 'reports'}")
    peaks: dict[int, int] = {}
    done = threading.Event()
    log = folder.parent / "big-run.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=folder, env=env, stdout=sink,
                                 stderr=subprocess.STDOUT)
        watcher = threading.Thread(target=_watch, args=(child.pid, peaks, done), daemon=True)
        watcher.start()
        code = child.wait()
        done.set()
        watcher.join()
        wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if code != 0 or f"{flows} passed" not in text:
        raise bench.BenchError(f"the big suite run exited {code}:\n{text[-2000:]}")
    controller = peaks.pop(child.pid, 0)
    workers = sorted(peaks.values(), reverse=True)[:2]
    return MemoryRun(flows, wall, controller, workers, _hwm_kb(sandbox_pid))


def run(python: str, out: Path, files: int, steps: int, repeats: int) -> list[str]:
    """The "Big suites" section of the results, as Markdown lines."""
    env = bench.child_env()
    half = files // 2
    suite = scenario.write_juo(bench.fresh(out / "big" / f"k{files}"), files, steps)
    halved = scenario.write_juo(bench.fresh(out / "big" / f"k{half}"), half, steps)
    collect = []
    for _ in range(repeats):
        collect.append(bench.measure(
            bench.pytest_argv(python, suite, "--collect-only", *bench.NO_ALLURE, "-p",
                              "no:tavern"), suite, rf"\b{files} tests collected"))
    with bench.sandbox(python, out / "big-sandbox.log") as (base_url, pid):
        small = memory_run(python, halved, half, base_url, pid, env)
        large = memory_run(python, suite, files, base_url, pid, env)
    per_flow_controller = (large.controller_kb - small.controller_kb) / (files - half)
    # Each worker runs about half of the flows.
    worker_growth = [(b - a) / ((files - half) / 2)
                     for a, b in zip(small.workers_kb, large.workers_kb)]
    wall = statistics.median(x.wall for x in collect)
    cpu = statistics.median(x.cpu for x in collect)
    rows = [
        (f"| collecting {files:,} files (`--collect-only`, median of {repeats}) | "
         f"{wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS "
         f"{max(x.maxrss_mb for x in collect):.0f} MB | < 10 s: "
         f"{'met' if wall < 10 else '**missed**'} |"),
        (f"| running {half:,} then {files:,} files with `-n 2` | {small.wall:.0f} s, "
         f"{large.wall:.0f} s wall | |"),
        (f"| peak RSS, controller ({half:,} / {files:,} flows) | "
         f"{small.controller_kb / 1024:.0f} / {large.controller_kb / 1024:.0f} MB | |"),
        (f"| peak RSS, each worker ({half:,} / {files:,} flows) | "
         f"{' and '.join(f'{x / 1024:.0f}' for x in small.workers_kb)} / "
         f"{' and '.join(f'{x / 1024:.0f}' for x in large.workers_kb)} MB | |"),
        f"| memory growth per flow, controller | {per_flow_controller:.2f} KB | a few KB |",
        (f"| memory growth per flow, each worker | "
         f"{', '.join(f'{x:.2f}' for x in worker_growth)} KB | a few KB |"),
        (f"| the sandbox process after both runs (every run kept in memory) | "
         f"{large.sandbox_kb / 1024:.0f} MB peak RSS | |"),
    ]
    return [f"## Big suites: {files:,} generated files ({steps} responds each)", "",
            "| figure | value | target |", "|---|---|---|", *rows, ""]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=10_000)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", type=Path, default=BENCH / "out")
    p.add_argument("--output", type=Path, help="also write the section to this file")
    a = p.parse_args(argv)
    try:
        lines = run(sys.executable, a.out.resolve(), a.files, a.steps, a.repeats)
    except bench.BenchError as exc:
        print(f"big suite: FAILED: {exc}", file=sys.stderr)
        return 1
    text = "\n".join(lines)
    print(text)
    if a.output:
        a.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
