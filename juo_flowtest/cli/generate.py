"""``juo-flowtest generate``: flow files that together reach every path of workflows.

::

    juo-flowtest generate --workflows flows/workflows --out flows/generated [--workflow ID]...

One file per workflow version, named after the workflow; the same definitions give the same
bytes. Each file says which units (transitions, end steps) it cannot reach and why, and so does
the summary printed. Exit 0 when written; 2 when a definition is invalid; 4 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from juo_flowtest.base.errors import FlowFileError, WorkflowDefinitionError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.flowfile.loader import load_text
from juo_flowtest.generate import naming
from juo_flowtest.generate.suite import WorkflowSuite, build
from juo_flowtest.paths.plan import plan
from juo_flowtest.paths.units import workflow_key
from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.loading import load_directory


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.description = "Write flow files that reach every transition and end of workflows."
    parser.add_argument("--workflows", required=True, type=Path, metavar="DIR",
                        help="folder of *.workflow.yaml|yml|json definitions")
    parser.add_argument("--workflow", action="append", default=[], metavar="ID",
                        help="only this workflow (id, id@version or name); repeatable")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder to write the *.flow.yaml files into (created if needed)")


def _selected(workflows: list[Workflow], wanted: list[str]) -> list[Workflow] | str:
    if not wanted:
        return workflows
    unknown = [w for w in wanted if not any(w in (x.id, workflow_key(x), x.name)
                                            for x in workflows)]
    if unknown:
        known = ", ".join(workflow_key(w) for w in workflows)
        return f"no workflow {', '.join(repr(u) for u in unknown)} (known: {known})"
    return [w for w in workflows if any(x in (w.id, workflow_key(w), w.name) for x in wanted)]


def _startable(workflow: Workflow, catalog: Catalog) -> str | None:
    """Why no start request reaches this version, if none does."""
    found = catalog.find(workflow.trigger_type,
                         None if workflow.status == "published" else workflow.id)
    if found is workflow:
        return None
    other = f"{found.id}@{found.version}" if found is not None else "another version"
    return f"a start reaches {other} instead (only one version of a workflow id can be started)"


def _stems(workflows: list[Workflow]) -> dict[str, str]:
    stems: dict[str, str] = {}
    for w in workflows:
        stem = naming.file_stem(w.name)
        if stem in stems.values():
            stem = f"{stem}-{naming.file_stem(w.id)}-v{w.version}"
        stems[workflow_key(w)] = stem
    return stems


def command(args: argparse.Namespace) -> int:
    if not args.workflows.is_dir():
        print(f"juo-flowtest generate: no workflow folder at {args.workflows}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        loaded = load_directory(args.workflows)
    except WorkflowDefinitionError as exc:
        print(exc, file=sys.stderr)
        return ExitCode.INVALID
    chosen = _selected(sorted(loaded, key=workflow_key), args.workflow)
    if isinstance(chosen, str):
        print(f"juo-flowtest generate: {chosen}", file=sys.stderr)
        return ExitCode.USAGE
    catalog = Catalog(loaded)
    stems = _stems(chosen)
    args.out.mkdir(parents=True, exist_ok=True)
    total = flows = 0
    for workflow in chosen:
        why = _startable(workflow, catalog)
        if why is not None:
            print(f"{workflow.name} ({workflow_key(workflow)}): not generated: {why}")
            continue
        suite = build(workflow, plan(workflow), Path(workflow.source).name)
        target = args.out / f"{stems[workflow_key(workflow)]}.flow.yaml"
        try:
            load_text(suite.text, str(target))
        except FlowFileError as exc:  # pragma: no cover - a generator bug, said plainly
            print(f"juo-flowtest generate: the file for {workflow_key(workflow)} would be "
                  f"invalid (a bug, please report it):\n{exc}", file=sys.stderr)
            return ExitCode.BROKEN
        target.write_text(suite.text, encoding="utf-8")
        flows += suite.flows
        total += 1
        _report(suite, target)
    print(f"{flows} flows in {total} file(s) written to {args.out}")
    return ExitCode.PASSED


def _report(suite: WorkflowSuite, target: Path) -> None:
    w = suite.workflow
    transitions = [u for u in suite.units if len(u) == 3 and u not in suite.never]
    ends = [u for u in suite.units if len(u) == 2 and u not in suite.never]
    done_t = sum(u in suite.covered for u in transitions)
    done_e = sum(u in suite.covered for u in ends)
    print(f"{w.name} ({workflow_key(w)}): {suite.flows} flows -> {target}; transitions "
          f"{done_t}/{len(transitions)}, end steps {done_e}/{len(ends)}")
    for unit in suite.units:
        if unit in suite.never:
            label = (f"{unit[0]}/{unit[1]}" + (f"[{unit[2]}]" if unit[2] else "")
                     if len(unit) == 3 else f"{unit[0]} ({unit[1]})")
            print(f"  cannot be reached: {label}: {suite.never[unit]}")
