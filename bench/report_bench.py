"""What the reports cost at scale: Allure results, the single-file HTML report, its build.

    python bench/report_bench.py [--flows 100,1000] [--steps 10] [--quick]

For each size N: N generated flows of M respond steps (bench/scenario.py, the same scenario as
bench/run.py) run once against one sandbox with Allure on; then ``juo-flowtest report`` builds
the single-file HTML report from those results in a fresh child process. Measured: the run's
wall time, the Allure results (bytes, files), the HTML file's size, the build's wall time and
peak memory (``os.wait4``: the child's peak RSS includes Node.js, the grandchild that does the
work), and whether the report opens: headless Chromium loads it and must render one flow's page
(its name and its steps). The figures go into the "Reports at scale" section of
bench/RESULTS.md (between markers, so bench/run.py keeps them when it rewrites the file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as bench  # bench/ is not a package: the scripts run from any cwd
import scenario

START, END = bench.REPORT_SECTION


@dataclass
class ReportFigures:
    flows: int
    calls: int
    run: bench.Sample
    results_bytes: int
    results_files: int
    build: bench.Sample
    html_bytes: int
    opens_s: float  # Chromium: load until the flow page rendered; negative = it did not
    attempts: int


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.iterdir() if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def chromium_opens(index: Path, flow_name: str, step_text: str) -> tuple[float, int]:
    """Seconds until headless Chromium rendered the page of ``flow_name`` (-1 if it never did)
    and the attempts it took: on a loaded machine a first load can stop at "Failed to fetch"
    or a spinner, so up to three, each with a fresh profile."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise bench.BenchError("headless Chromium is needed: apt-get install -y chromium")
    results = json.loads((index.parent / "test-results.json").read_text())
    test_id = next(k for k, v in results["byId"].items() if v["name"] == flow_name)
    for attempt in range(1, 4):
        with tempfile.TemporaryDirectory(prefix="juo-bench-chrome-") as profile:
            started = time.perf_counter()
            done = subprocess.run(
                [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=30000",
                 "--dump-dom", f"{index.as_uri()}#{test_id}"],
                capture_output=True, text=True, timeout=600, check=False)
            took = time.perf_counter() - started
        if flow_name in done.stdout and step_text in done.stdout:
            return took, attempt
    return -1.0, 3


def measure_size(python: str, base_url: str, pid: int, out: Path, flows: int,
                 steps: int) -> ReportFigures:
    root = bench.fresh(out / f"report-n{flows}")
    folder = scenario.write_juo(root / "flows", flows, steps)
    results, report = root / "allure-results", root / "allure-report"
    argv = bench.pytest_argv(python, folder, "-p", "no:tavern", f"--juo-base-url={base_url}",
                             f"--alluredir={results}", f"--juo-reports-dir={root / 'reports'}")
    ran = bench.measure(argv, folder, bench.pytest_expect(flows), pid)
    results_bytes, results_files = folder_size(results)
    build_argv = [python, "-m", "juo_flowtest.cli.main", "report", f"--results={results}",
                  f"--output={report}", f"--history={root / 'history'}"]
    built = bench.measure(build_argv, root, r"HTML report: ")
    index = report / "index.html"
    opens, attempts = chromium_opens(index, "bench flow 00000",
                                     f"respond {scenario.plan(1)[0].response}")
    return ReportFigures(flows, flows * (steps + 1), ran, results_bytes, results_files, built,
                         index.stat().st_size, opens, attempts)


def mb(n: int) -> str:
    return f"{n / 1e6:.1f}"


def section(figures: list[ReportFigures], steps: int, command: str) -> str:
    rows = [
        ("| flows | calls | run wall (s) | Allure results (MB, files) | results / call (KB) "
         "| HTML report (MB) | build wall (s) | build peak RSS (MB) | opens in Chromium |"),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        tries = f" (attempt {f.attempts})" if f.attempts > 1 else ""
        opens = f"yes, {f.opens_s:.0f} s{tries}" if f.opens_s >= 0 else "**no**"
        rows.append(
            f"| {f.flows} | {f.calls} | {f.run.wall:.1f} | {mb(f.results_bytes)} "
            f"({f.results_files}) | {f.results_bytes / f.calls / 1000:.2f} | "
            f"{mb(f.html_bytes)} | {f.build.wall:.1f} | {f.build.maxrss_mb:.0f} | {opens} |")
    return "\n".join([
        START, "## Reports at scale (`bench/report_bench.py`)", "",
        (f"Written by `{command}`. Each size: the flows ({steps} respond steps each, plus the "
         "start call) run once with Allure on; `juo-flowtest report` builds the single-file "
         "HTML report in a fresh process (peak RSS includes Node.js); Chromium must render a "
         "flow's page from the file. One run per size, on the shared 2-core machine."), "",
        *rows, END,
    ])


def splice(path: Path, text: str) -> None:
    """Put ``text`` in place of the marked section of ``path`` (appended when absent)."""
    old = path.read_text() if path.exists() else ""
    if START in old and END in old:
        head, rest = old.split(START, 1)
        new = head + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text + "\n"
    path.write_text(new)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python bench/report_bench.py",
                                description=__doc__.split("\n")[0])
    p.add_argument("--flows", default=None, help="comma-separated sizes (default 100,1000)")
    p.add_argument("--steps", type=int, default=10, help="respond steps per flow (default 10)")
    p.add_argument("--quick", action="store_true",
                   help="smoke mode: 5 flows; writes bench/out/RESULTS.report.quick.md")
    p.add_argument("--out", type=Path, default=BENCH / "out", help="generated files")
    p.add_argument("--output", type=Path, help="Markdown file whose section is replaced")
    a = p.parse_args(argv)
    a.sizes = [int(x) for x in (a.flows or ("5" if a.quick else "100,1000")).split(",")]
    a.output = a.output or (a.out / "RESULTS.report.quick.md" if a.quick
                            else BENCH / "RESULTS.md")
    return a


def main(argv: Sequence[str] | None = None) -> int:
    a = parse(argv)
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    figures = []
    try:
        with bench.sandbox(python, out / "sandbox-report.log") as (base_url, pid):
            for flows in a.sizes:
                print(f"report bench: {flows} flows x {a.steps} steps", flush=True)
                figures.append(measure_size(python, base_url, pid, out, flows, a.steps))
    except bench.BenchError as exc:
        print(f"report bench: FAILED: {exc}", file=sys.stderr)
        return 1
    command = " ".join(["python bench/report_bench.py", *(argv or sys.argv[1:])])
    text = section(figures, a.steps, command)
    a.output.parent.mkdir(parents=True, exist_ok=True)
    splice(a.output, text)
    print(text)
    print(f"written: {a.output}")
    return 0 if all(f.opens_s >= 0 for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
