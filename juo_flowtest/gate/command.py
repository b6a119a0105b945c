"""``juo-flowtest gate``: read a finished run (or several shards), judge it, write the summary.

Exit codes (``base.exitcodes.GateExit``): 0 the policy holds, 1 it does not, 2 there are no
readable results or the policy is invalid.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from juo_flowtest.base.errors import PolicyError, ResultsError
from juo_flowtest.base.exitcodes import GateExit
from juo_flowtest.coverage import model as coverage_model
from juo_flowtest.coverage.model import Coverage
from juo_flowtest.gate.locked import read_lock
from juo_flowtest.gate.policy import load_policy
from juo_flowtest.gate.results import read_results
from juo_flowtest.gate.summary import render, render_error
from juo_flowtest.gate.verdict import evaluate
from juo_flowtest.report.layout import ReportsLayout

DEFAULT = ReportsLayout()


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the ``gate`` options to ``parser``."""
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="YAML policy (default: [tool.juo_flowtest.gate] in pyproject.toml, "
        "else no failed, broken or invalid flows)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        action="append",
        metavar="DIR",
        help=f"allure-results directory; repeat to merge (default: {DEFAULT.allure_results})",
    )
    parser.add_argument(
        "--coverage",
        type=Path,
        action="append",
        metavar="FILE",
        help=f"coverage.json; repeat to merge (default: {DEFAULT.coverage_json} if present)",
    )
    parser.add_argument(
        "--reports",
        type=Path,
        nargs="+",
        action="extend",
        metavar="DIR",
        help="reports folders to merge (each job's --juo-reports-dir, e.g. the shards of a CI "
        "matrix): their allure-results and coverage.json; --reports reports/shard-*",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT.gate_summary,
        metavar="FILE",
        help=f"where to write the Markdown summary (default: {DEFAULT.gate_summary})",
    )


def command(args: argparse.Namespace, out: Callable[[str], None] = print) -> int:
    """Run the gate: print and write the summary, return a ``GateExit``."""
    try:
        policy = load_policy(args.policy, Path())
        results_dirs, coverage_files = _inputs(args)
        coverage = _read_coverage(coverage_files)
        results = read_results(results_dirs)
        lock = read_lock(policy.locked_workflows) if policy.locked_workflows else None
    except (PolicyError, ResultsError) as exc:
        print(f"juo-flowtest gate: {exc}", file=sys.stderr)
        _write(args.output, render_error(str(exc)))
        return GateExit.NO_RESULTS
    verdict = evaluate(results, coverage, policy, lock)
    markdown = render(verdict)
    _write(args.output, markdown)
    try:
        out(markdown)
    except BrokenPipeError:
        # `juo-flowtest gate | head`: the reader left; the verdict still is the exit code.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return GateExit.HOLDS if verdict.holds else GateExit.VIOLATED


def _inputs(args: argparse.Namespace) -> tuple[list[Path], list[Path] | None]:
    """The results directories and coverage files: ``--results``/``--coverage`` as given,
    plus each ``--reports`` folder's (its coverage.json only if the run wrote one)."""
    results: list[Path] = list(args.results or [])
    coverage: list[Path] = list(args.coverage or [])
    for folder in getattr(args, "reports", None) or []:
        layout = ReportsLayout(folder)
        if not folder.is_dir():
            raise ResultsError(f"no reports folder at {folder}")
        results.append(layout.allure_results)
        if layout.coverage_json.is_file():
            coverage.append(layout.coverage_json)
    return results or [DEFAULT.allure_results], coverage or None


def _read_coverage(paths: list[Path] | None) -> Coverage | None:
    if paths:
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise ResultsError(f"no coverage file at {missing[0]}")
        return coverage_model.read(paths)
    default = DEFAULT.coverage_json
    return coverage_model.read([default]) if default.is_file() else None


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        # The verdict on stdout and the exit code still stand; only the file is missing.
        print(f"juo-flowtest gate: cannot write {path}: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m juo_flowtest.gate``: the command without the ``juo-flowtest`` front end."""
    parser = argparse.ArgumentParser(prog="juo-flowtest gate")
    configure_parser(parser)
    return command(parser.parse_args(argv))
