"""``juo-flowtest lint``: validate flow files and workflow definitions without running them.

Every error of every file is printed (``path:line:col``, the line, a caret, a hint). Flow
files (``*.flow.yaml``) are checked one by one; workflow definitions (``*.workflow.yaml``,
``.yml``, ``.json``) are checked folder by folder, as the sandbox loads them (one published
workflow per trigger type, one id and version per file). With definitions at hand
(``--juo-sandbox-workflows``, those found under the paths, else ``flows/workflows``), each flow
is also checked against the workflows of its trigger type (``workflows.flowrefs``): a step id,
action type or response type that none of them offers is an error at the flow's place.

Workflow definitions that load are also checked for findings (``paths.findings``: unreachable
steps, transitions never taken, responses with no transition, steps with no way to an end,
experiments whose variants route alike): warnings, or errors with ``--strict``.

Exit codes: 0 every file is valid, 2 some file is invalid (or has a finding, with
``--strict``), 4 a path does not exist, 5 there is nothing to check.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.errors import InvalidInputError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.files import (
    FLOW_SUFFIXES,
    WORKFLOW_SUFFIXES,
    is_flow_file,
    is_workflow_file,
)
from juo_flowtest.paths.findings import findings
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.loading import load_directories, load_files
from juo_flowtest.source.userfile import not_regular
from juo_flowtest.workflows.flowrefs import by_trigger, check_flow_file
from juo_flowtest.workflows.juoschema import juo_schema_warnings

DEFAULT_DEFINITIONS = Path("flows/workflows")
FOLDER = "a folder"


@dataclass
class Found:
    """What the given paths hold: flow files, workflow definitions by folder, other files."""

    flows: list[Path] = field(default_factory=list)
    workflows: dict[Path, list[Path]] = field(default_factory=dict)
    others: list[Path] = field(default_factory=list)
    #: Entries named like flow or workflow files that are no regular file, and why.
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def find(paths: Sequence[str]) -> Found:
    """Files named, or found (recursively, sorted) under the folders named."""
    found = Found()
    for raw in paths:
        path = Path(raw)
        for file in [path] if not path.is_dir() else _walk(path, found.skipped):
            if is_flow_file(file.name):
                found.flows.append(file)
            elif is_workflow_file(file.name):
                found.workflows.setdefault(file.parent, []).append(file)
            else:
                found.others.append(file)
    return found


def _walk(folder: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
    """Flow and workflow files under ``folder``, sorted, following symlinked folders once.

    Entries named like one that are no regular file (a broken link, a FIFO, a device, a
    folder) go to ``skipped`` with the reason: a user must hear that they were not checked.
    """
    suffixes = (*FLOW_SUFFIXES, *WORKFLOW_SUFFIXES)
    out: list[Path] = []
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up the tree
            dirs.clear()
            continue
        seen.add(real)
        for name in files:
            if name.endswith(suffixes):
                why = not_regular(Path(root, name))
                if why is None:
                    out.append(Path(root, name))
                else:
                    skipped.append((Path(root, name), why))
        skipped.extend((Path(root, d), FOLDER) for d in dirs if d.endswith(suffixes))
    skipped.sort()
    return sorted(out)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``juo-flowtest lint``."""
    parser.description = ("Check flow files and workflow definitions (folders recursively) "
                          "without running them. Exit 0 all valid, 2 some invalid, 4 a path "
                          "does not exist, 5 nothing to check.")
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["flows"],
                        help="files or folders (default: flows)")
    parser.add_argument("--strict", action="store_true",
                        help="workflow findings (unreachable steps, transitions never taken, "
                        "...) are errors, not warnings")
    parser.add_argument("--juo-sandbox-workflows", action="append", default=[], metavar="DIR",
                        help="check the flows against these workflow definitions (repeatable; "
                             "default: the definitions found under PATH, else flows/workflows)")


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
    for entry, why in found.skipped:
        if why == FOLDER:  # its files are still checked: only a warning
            print(f"{entry}: warning: a folder named like a flow file or a workflow definition; "
                  "the files in it are checked as any folder's\n")
        else:
            print(f"{entry}: error: named like a flow file or a workflow definition, but "
                  f"{why}: not checked\n")
            invalid += 1
    for other in found.others:
        print(f"{other}: error: not a flow file or a workflow definition (expected "
              "*.flow.yaml, *.flow.yml, *.workflow.yaml, *.workflow.yml or *.workflow.json)\n")
        invalid += 1
    valid_flows: list[Path] = []
    for path in found.flows:
        try:
            flows += len(loader.load_file(path).flows)
            valid_flows.append(path)
        except InvalidInputError as exc:
            invalid += 1
            print(exc, end="\n\n")
    definitions = sum(len(files) for files in found.workflows.values())
    loaded: list[Workflow] = []
    noted = 0
    for files in found.workflows.values():
        try:
            folder = load_files(files)
        except InvalidInputError as exc:
            invalid += len({d.position.path for d in exc.diagnostics} & {str(f) for f in files})
            print(exc, end="\n\n")
            continue
        loaded += folder
        for workflow in folder:
            notes = findings(workflow)
            if args.strict:
                notes = [replace(d, severity="error") for d in notes]
                invalid += bool(notes)
            noted += len(notes)
            for note in notes:
                print(note.render(), end="\n\n")
    # What Juo's own Admin schema refuses (sandbox extensions): warnings, even with --strict.
    warnings = [w for workflow in loaded
                for w in juo_schema_warnings(Path(workflow.source), workflow.definition)]
    for warning in warnings:
        print(warning.render(), end="\n\n")
    stale, usage = _against_definitions(args.juo_sandbox_workflows, loaded, valid_flows)
    if usage is not None:
        print(f"juo-flowtest lint: {usage}", file=sys.stderr)
        return ExitCode.USAGE
    for path, problems in stale:
        invalid += 1
        print("\n".join(d.render() for d in problems), end="\n\n")
    if not found.flows and not definitions and not found.others and not found.skipped:
        print(f"juo-flowtest lint: no flow files or workflow definitions under "
              f"{', '.join(paths)}", file=sys.stderr)
        return ExitCode.NO_FLOWS
    checked = f"{len(found.flows)} file(s) checked, {flows} flow(s)"
    if definitions:
        checked += f", {definitions} workflow definition(s)"
        checked += f", {noted} finding(s)" if noted else ""
    warned = f"; {len(warnings)} warning(s) against Juo's schema" if warnings else ""
    print(f"{checked}, {invalid} invalid file(s){warned}")
    return ExitCode.INVALID if invalid else ExitCode.PASSED


def _against_definitions(folders: list[str], found: list[Workflow], flows: list[Path]
                         ) -> tuple[list[tuple[Path, list[Diagnostic]]], str | None]:
    """Each valid flow file's references no workflow of its trigger offers; or a usage error.

    The definitions: ``--juo-sandbox-workflows``, else those found under the linted paths,
    else ``flows/workflows`` when it exists (none: nothing to check against).
    """
    workflows = found
    if folders:
        missing = [f for f in folders if not Path(f).is_dir()]
        if missing:
            return [], f"no workflow folder at {', '.join(missing)}"
        try:
            workflows = load_directories([Path(f) for f in folders])
        except InvalidInputError as exc:
            return [], f"the definitions to check the flows against are invalid:\n{exc}"
    elif not workflows and DEFAULT_DEFINITIONS.is_dir():
        try:
            workflows = load_directories([DEFAULT_DEFINITIONS])
        except InvalidInputError:
            workflows = []  # reported when that folder is linted itself
    if not workflows:
        return [], None
    offers = by_trigger(workflows)
    checked = [(path, check_flow_file(path, offers)) for path in flows]
    return [(path, problems) for path, problems in checked if problems], None
