"""Big suites: a generated suite of 10,000 flow files, collected, then run with ``-n 2``.

    python bench/big_suite.py [--files 10000] [--steps 10] [--repeats 3] [--output FILE]

Also called by ``bench/run.py`` (its "Big suites" section). Every child is a fresh process
measured as in ``bench/run.py``:

- **Collection**: ``pytest --collect-only`` of the K files, R repeats, median wall and CPU.
- **Memory per flow**: the suite runs with ``-n 2`` against one sandbox process, every pytest
  process probed by ``bench/memprobe.py`` (RSS at start, after collection, at the end). Growth
  per flow run = (RSS at the end − RSS after collection) / flows that worker ran: what a
  process keeps for each flow it runs. What collection keeps per file is reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench
import scenario


@dataclass
class MemoryRun:
    flows: int
    wall: float
    processes: list[dict[str, Any]]  # memprobe's record of each pytest process
    sandbox_kb: int


def _sandbox_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_run(python: str, folder: Path, flows: int, base_url: str, sandbox_pid: int
               ) -> MemoryRun:
    """The suite with ``-n 2`` against the sandbox, every process probed by ``memprobe``."""
    probes = bench.fresh(folder.parent / "memprobe")
    probes.mkdir(parents=True)
    env = {**bench.child_env(), "MEMPROBE_DIR": str(probes),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH),
                                                      os.environ.get("PYTHONPATH")]))}
    argv = bench.pytest_argv(python, folder, *bench.NO_ALLURE, "-p", "no:tavern", "-p",
                             "memprobe", "-n", "2", f"--juo-base-url={base_url}",
                             f"--juo-reports-dir={folder.parent / 'reports'}")
    log = folder.parent / "big-run.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        code = subprocess.run(argv, cwd=folder, env=env, stdout=sink, stderr=subprocess.STDOUT,
                              check=False).returncode
        wall = time.perf_counter() - started
    text = log.read_text(errors="replace")
    if code != 0 or f"{flows} passed" not in text:
        raise bench.BenchError(f"the big suite run exited {code}:\n{text[-2000:]}")
    processes = [json.loads(p.read_text()) for p in sorted(probes.glob("*.json"))]
    return MemoryRun(flows, wall, processes, _sandbox_rss_kb(sandbox_pid))


def run(python: str, out: Path, files: int, steps: int, repeats: int) -> list[str]:
    """The "Big suites" section of the results, as Markdown lines."""
    suite = scenario.write_juo(bench.fresh(out / "big" / f"k{files}"), files, steps)
    collect = []
    for _ in range(repeats):
        collect.append(bench.measure(
            bench.pytest_argv(python, suite, "--collect-only", *bench.NO_ALLURE, "-p",
                              "no:tavern"), suite, rf"\b{files} tests collected"))
    with bench.sandbox(python, out / "big-sandbox.log") as (base_url, pid):
        before = _sandbox_rss_kb(pid)
        mem = memory_run(python, suite, files, base_url, pid)
    workers = [p for p in mem.processes if p["worker"] != "controller"]
    controller = next((p for p in mem.processes if p["worker"] == "controller"), None)
    if controller is None or len(workers) != 2 or sum(w["ran"] for w in workers) != files:
        raise bench.BenchError(f"memprobe did not see the run whole: {mem.processes}")
    wall = statistics.median(x.wall for x in collect)
    cpu = statistics.median(x.cpu for x in collect)
    footprint = [(w["collected_kb"] - w["start_kb"]) / w["collected"] for w in workers]
    growth = [(w["end_kb"] - w["collected_kb"]) / w["ran"] for w in workers]
    rows = [
        (f"| collecting {files:,} files (`--collect-only`, median of {repeats}) | "
         f"{wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS "
         f"{max(x.maxrss_mb for x in collect):.0f} MB | < 10 s: "
         f"{'met' if wall < 10 else '**missed**'} |"),
        f"| running them with `-n 2` against one sandbox process | {mem.wall:.0f} s wall | |",
        (f"| memory growth per flow run, each worker (RSS at the end − after collection, "
         f"/ flows it ran) | {', '.join(f'{x:.2f}' for x in growth)} KB | a few KB |"),
        (f"| memory growth per flow, the controller (RSS at the end − at start, / flows) | "
         f"{(controller['end_kb'] - controller['start_kb']) / files:.2f} KB | a few KB |"),
        (f"| what collection keeps per file, each worker (RSS after − before, / files) | "
         f"{', '.join(f'{x:.1f}' for x in footprint)} KB | |"),
        ("| RSS of each worker: start, after collection, end | "
         + "; ".join(f"{w['start_kb'] / 1024:.0f}, {w['collected_kb'] / 1024:.0f}, "
                     f"{w['end_kb'] / 1024:.0f} MB" for w in workers) + " | |"),
        (f"| the sandbox process: RSS before, after the run (it keeps every run) | "
         f"{before / 1024:.0f}, {mem.sandbox_kb / 1024:.0f} MB | |"),
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
