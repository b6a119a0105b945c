"""``juo-flowtest lint``: validate flow files without running them; every error of every file."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from juo_flowtest.base.errors import FlowFileError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.files import FLOW_SUFFIXES, is_flow_file


def flow_files(paths: Sequence[str]) -> Iterator[Path]:
    """Flow files named or found (recursively, sorted) under the given paths."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for suffix in FLOW_SUFFIXES for p in path.rglob(f"*{suffix}"))
            yield from sorted(p for p in found if p.is_file())
        else:
            yield path


def lint_command(argv: Sequence[str]) -> int:
    """Check each file; print diagnostics; exit 2 if any file is invalid, 5 if none found."""
    if any(a in ("-h", "--help") for a in argv):
        print("usage: juo-flowtest lint PATHS\n\nChecks flow files (directories recursively); "
              "exit 0 all valid, 2 some invalid, 4 a path does not exist, 5 no flow files.")
        return ExitCode.PASSED
    paths = list(argv) or ["flows"]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"juo-flowtest lint: no such file or directory: {', '.join(missing)}",
              file=sys.stderr)
        return ExitCode.USAGE
    checked = flows = invalid = 0
    for path in flow_files(paths):
        if not is_flow_file(path.name):
            print(f"{path}: error: not a flow file (expected *.flow.yaml or *.flow.yml)")
            invalid += 1
            continue
        checked += 1
        try:
            flows += len(loader.load_file(path).flows)
        except FlowFileError as exc:
            invalid += 1
            print(exc, end="\n\n")
    if checked == 0 and invalid == 0:
        print(f"juo-flowtest lint: no flow files under {', '.join(paths)}", file=sys.stderr)
        return ExitCode.NO_FLOWS
    print(f"{checked} file(s) checked, {flows} flow(s), {invalid} invalid file(s)")
    return ExitCode.INVALID if invalid else ExitCode.PASSED
