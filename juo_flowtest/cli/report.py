"""``juo-flowtest report``: the single-file HTML report of a finished run, with the release
gate's verdict on its Quality Gates tab when a policy is configured.

    juo-flowtest report [--results DIR] [--output DIR] [--history DIR]
                        [--policy FILE] [--coverage FILE...]

The report itself is ``report.html.build_html``; the verdict is ``gate.qualitygate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.gate.qualitygate import report_gate
from juo_flowtest.report.html import HtmlReportError, build_html
from juo_flowtest.report.layout import ReportsLayout

DEFAULT = ReportsLayout()


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``juo-flowtest report``."""
    parser.description = "Build the single-file Allure 3 HTML report from allure-results."
    parser.add_argument("--results", default=str(DEFAULT.allure_results),
                        help=f"Allure results directory (default: {DEFAULT.allure_results})")
    parser.add_argument("--output", default=str(DEFAULT.html_report),
                        help=f"report directory; index.html goes here "
                             f"(default: {DEFAULT.html_report})")
    parser.add_argument("--history", default=str(DEFAULT.history),
                        help=f"history directory kept across runs (default: {DEFAULT.history})")
    parser.add_argument("--policy", type=Path, metavar="FILE",
                        help="release policy whose verdict the Quality Gates tab shows (default: "
                             "[tool.juo_flowtest.gate] in pyproject.toml; without either, the "
                             "tab stays empty)")
    parser.add_argument("--coverage", type=Path, nargs="+", action="extend", metavar="FILE",
                        help="coverage.json for the policy's coverage rules, several merged "
                             "(e.g. --coverage reports/shard-*/coverage.json; default: "
                             "coverage.json beside the results directory)")


def command(args: argparse.Namespace) -> int:
    """0 and the path on success, 4 with a clear message otherwise."""
    results = Path(args.results)
    coverage = args.coverage or [results.parent / "coverage.json"]
    gate = report_gate([results], coverage, args.policy, Path()) if results.is_dir() else None
    try:
        index = build_html(args.results, args.output, args.history, quality_gate=gate)
    except HtmlReportError as exc:
        print(f"juo-flowtest report: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    print(f"HTML report: {index}")
    return int(ExitCode.PASSED)
