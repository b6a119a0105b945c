"""The client's cost per call counted in instructions: one run, no noise from other processes.

    python bench/instructions.py                 # ~10 min on 2 cores; writes its section of
                                                 # bench/RESULTS.md
    python bench/instructions.py --steps 10 --flows 10 --output -   # a quick look, printed

Needs Valgrind (``valgrind --tool=callgrind``). The CPU-time figures of ``bench/run.py`` swing
with whatever else the machine runs (on a shared 2-core box one repeat of 30 vs 60 flows can
come out anywhere from 1.2x to 5x the floor); the instructions a process executes do not. Each
tool runs the scenario of ``bench/run.py`` (same files, same sandbox, same options) once with N
flows and once with 2N under callgrind, and the figure per respond call is
(instructions(2N) - instructions(N)) / (N x (M + 1)) — the same difference as the CPU figure,
so start-up, imports and the fixed part of collection cancel, and each flow's collection, test
item, report and its M + 1 calls stay in. The ratio to the floor is the figure to read.

What instructions do not show: time in the kernel (socket calls: the same calls on both sides)
and time lost to cache misses. ``bench/run.py`` stays the measure of time; this is the measure
of work, and where the two disagree, the machine was busy.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # bench/ is not a package

SECTION = run.INSTRUCTIONS_SECTION


def counted(argv: list[str], cwd: Path, expect: str) -> int:
    """Instructions executed by ``argv`` (user space, the whole process) under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        full = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv]
        done = subprocess.run(full, cwd=cwd, env=run.child_env(), capture_output=True, check=False,
                              text=True, errors="replace")
        text = done.stdout + done.stderr
        if done.returncode != 0 or not re.search(expect, text):
            tail = "\n".join(text.splitlines()[-20:])
            raise run.BenchError(f"{' '.join(argv)} exited {done.returncode}:\n{tail}")
        found = re.search(r"^summary:\s+(\d+)", out.read_text(errors="replace"), re.MULTILINE)
        if not found:
            raise run.BenchError(f"no instruction count in callgrind's output for {argv}")
        return int(found.group(1))


def warm_up(work: list[tuple[str, int, int, list[str], Path, str]]) -> None:
    """Each tool's first command once, outside callgrind, before anything is counted.

    After a change to the sources, the first run compiles the changed modules' bytecode (and
    pytest rewrites its plugins' asserts into its own cache): counted in the N-flow run and
    not in the 2N one, that start-up work would come off the difference and make a tool look
    cheaper per call than it is (one changed tree measured 0.89x the floor cold, 1.21x warm).
    """
    seen: set[str] = set()
    for name, _steps, _flows, argv, folder, expect in work:
        if name in seen:
            continue
        seen.add(name)
        # Its outputs go elsewhere: the counted runs must find their own folders as fresh.
        scratch = folder.parent / f"warm-up-{folder.name}"
        argv = [f"{arg.split('=', 1)[0]}={scratch / arg.split('=', 1)[0].strip('-')}"
                if arg.startswith(("--juo-reports-dir=", "--alluredir=")) else arg
                for arg in argv]
        done = subprocess.run(argv, cwd=folder, env=run.child_env(), capture_output=True,
                              check=False, text=True, errors="replace")
        if done.returncode != 0 or not re.search(expect, done.stdout + done.stderr):
            raise run.BenchError(f"warm-up of {name} exited {done.returncode}")


def measure(s: run.Settings, base_url: str, jobs: int) -> dict[tuple[str, int], float]:
    """Instructions per respond call, by (tool, steps)."""
    tools = [t for t in run.make_tools(s, base_url) if t.name != run.TAVERN]
    work = []
    for tool in tools:
        for steps in s.steps:
            for flows in (s.flows, 2 * s.flows):
                folder = run.scenario_folder(s, tool, steps, flows, base_url)
                # Runs measured at once must not share a reports folder.
                argv = [f"--juo-reports-dir={folder.parent / ('reports-' + folder.name)}"
                        if arg.startswith("--juo-reports-dir=") else arg
                        for arg in tool.command(folder, flows)]
                work.append((tool.name, steps, flows, argv, folder, tool.expect(flows)))
    warm_up(work)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        counts = list(pool.map(lambda w: counted(w[3], w[4], w[5]), work))
    by = {(name, steps, flows): n for (name, steps, flows, *_), n in zip(work, counts)}
    for (name, steps, flows), n in by.items():
        print(f"  {name}, {flows} flows x {steps} responds: {n:,} instructions", flush=True)
    return {(t.name, m): (by[(t.name, m, 2 * s.flows)] - by[(t.name, m, s.flows)])
            / (s.flows * (m + 1)) for t in tools for m in s.steps}


def table(s: run.Settings, per_call: dict[tuple[str, int], float]) -> list[str]:
    names = sorted({name for name, _ in per_call}, key=[run.FLOOR, run.JUO, run.ALLURE].index)
    lines = [SECTION[0],
             "## Instructions per call (`bench/instructions.py`)",
             "",
             (f"Written by `python bench/instructions.py`: each tool ran {s.flows} and "
              f"{2 * s.flows} flows under `valgrind --tool=callgrind` (one run each; instruction "
              "counts do not move with the machine's load). Per call = the difference / "
              f"({s.flows} × (M + 1)); every flow's collection, test item, report and start call "
              "are in it. Targets of the CPU figures: ≤ 1.2× the floor, ≤ 1.5× with Allure."),
             "",
             "| tool | " + " | ".join(f"M={m}: instructions per call | × floor" for m in s.steps)
             + " |",
             "|---|" + "---|---|" * len(s.steps)]
    for name in names:
        cells = []
        for m in s.steps:
            value, floor = per_call[(name, m)], per_call[(run.FLOOR, m)]
            cells += [f"{value / 1e6:.3f} M", f"{value / floor:.2f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, *split(s, per_call, names), SECTION[1]]


def split(s: run.Settings, per_call: dict[tuple[str, int], float], names: list[str]) -> list[str]:
    """A flow's instructions = fixed + M x per respond, solved from two step counts."""
    if len(s.steps) != 2:
        return []
    low, high = sorted(s.steps)

    def parts(name: str) -> tuple[float, float]:
        flow_low, flow_high = (per_call[(name, m)] * (m + 1) for m in (low, high))
        respond = (flow_high - flow_low) / (high - low)
        return flow_low - low * respond, respond

    floor_fixed = parts(run.FLOOR)[0]
    lines = ["", (f"Per flow, solved from M={low} and M={high}: a flow's instructions = fixed + "
                  "M × per respond. The fixed part is what a flow costs whatever its length (its "
                  "file's collection, its test item, its start call, its report); \"beyond the "
                  "floor's\" is that minus the floor's own (its start call)."), "",
             "| tool | fixed per flow | beyond the floor's | per respond |", "|---|---|---|---|"]
    for name in names:
        fixed, respond = parts(name)
        lines.append(f"| {name} | {fixed / 1e6:.2f} M | {(fixed - floor_fixed) / 1e6:.2f} M | "
                     f"{respond / 1e6:.3f} M |")
    return lines


def write(path: Path, lines: list[str]) -> None:
    """Replace this benchmark's section of ``path`` (or append it)."""
    block = "\n".join(lines)
    old = path.read_text() if path.exists() else ""
    start, end = SECTION
    if start in old and end in old:
        new = old.split(start, 1)[0] + block + old.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(new)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=30, help="N (the large run has 2N)")
    parser.add_argument("--steps", default="10,20", help="respond steps per flow, e.g. 10,20")
    parser.add_argument("--jobs", type=int, default=2, help="processes measured at once")
    parser.add_argument("--out", type=Path, default=BENCH / "out" / "instructions")
    parser.add_argument("--output", default=str(BENCH / "RESULTS.md"),
                        help="the results file to update, or - to print only")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("bench/instructions.py needs Valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    s = run.parse(["--no-tavern", f"--flows={args.flows}", f"--steps={args.steps}",
                   f"--out={args.out}", "--big-files=0"])
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with run.sandbox(s.python, args.out / "sandbox.log") as (base_url, _):
            per_call = measure(s, base_url, args.jobs)
    except run.BenchError as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    lines = table(s, per_call)
    print("\n".join(lines))
    if args.output != "-":
        write(Path(args.output), lines)
        print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
