"""``juo-flowtest lint``: validate flow files and workflow definitions without running them.

Every error of every file is printed (``path:line:col``, the line, a caret, a hint). Flow
files (``*.flow.yaml``) are checked one by one; workflow definitions (``*.workflow.yaml``,
``.yml``, ``.json``) are checked folder by folder, as the sandbox loads them (one published
workflow per trigger type, one id and version per file).

Exit codes: 0 every file is valid, 2 some file is invalid, 4 a path does not exist, 5 there
is nothing to check.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from juo_flowtest.base.errors import InvalidInputError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.files import (
    FLOW_SUFFIXES,
    WORKFLOW_SUFFIXES,
    is_flow_file,
    is_workflow_file,
)
from juo_flowtest.sandbox.loading import load_files


@dataclass
class Found:
    """What the given paths hold: flow files, workflow definitions by folder, other files."""

    flows: list[Path] = field(default_factory=list)
    workflows: dict[Path, list[Path]] = field(default_factory=dict)
    others: list[Path] = field(default_factory=list)


def find(paths: Sequence[str]) -> Found:
    """Files named, or found (recursively, sorted) under the folders named."""
    found = Found()
    for raw in paths:
        path = Path(raw)
        for file in [path] if not path.is_dir() else _walk(path):
            if is_flow_file(file.name):
                found.flows.append(file)
            elif is_workflow_file(file.name):
                found.workflows.setdefault(file.parent, []).append(file)
            else:
                found.others.append(file)
    return found


def _walk(folder: Path) -> list[Path]:
    """Flow and workflow files under ``folder``, sorted, following symlinked folders once."""
    suffixes = (*FLOW_SUFFIXES, *WORKFLOW_SUFFIXES)
    out: list[Path] = []
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up the tree
            dirs.clear()
            continue
        seen.add(real)
        out.extend(Path(root, f) for f in files if f.endswith(suffixes))
    return sorted(p for p in out if p.is_file())


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``juo-flowtest lint``."""
    parser.description = ("Check flow files and workflow definitions (folders recursively) "
                          "without running them. Exit 0 all valid, 2 some invalid, 4 a path "
                          "does not exist, 5 nothing to check.")
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["flows"],
                        help="files or folders (default: flows)")


def command(args: argparse.Namespace) -> int:
    """Check each file; print every diagnostic; return an ``ExitCode``."""
    paths: list[str] = args.paths
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        print(f"juo-flowtest lint: no such file or directory: {', '.join(missing)}",
              file=sys.stderr)
        return ExitCode.USAGE
    found = find(paths)
    invalid = flows = 0
    for other in found.others:
        print(f"{other}: error: not a flow file or a workflow definition (expected "
              "*.flow.yaml, *.flow.yml, *.workflow.yaml, *.workflow.yml or *.workflow.json)\n")
        invalid += 1
    for path in found.flows:
        try:
            flows += len(loader.load_file(path).flows)
        except InvalidInputError as exc:
            invalid += 1
            print(exc, end="\n\n")
    definitions = sum(len(files) for files in found.workflows.values())
    for files in found.workflows.values():
        try:
            load_files(files)
        except InvalidInputError as exc:
            invalid += len({d.position.path for d in exc.diagnostics} & {str(f) for f in files})
            print(exc, end="\n\n")
    if not found.flows and not definitions and not found.others:
        print(f"juo-flowtest lint: no flow files or workflow definitions under "
              f"{', '.join(paths)}", file=sys.stderr)
        return ExitCode.NO_FLOWS
    checked = f"{len(found.flows)} file(s) checked, {flows} flow(s)"
    if definitions:
        checked += f", {definitions} workflow definition(s)"
    print(f"{checked}, {invalid} invalid file(s)")
    return ExitCode.INVALID if invalid else ExitCode.PASSED
