"""``juo-flowtest run``: pytest with the plugin, the CI reports, and a stable exit code."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.base.outcome import Tally
from juo_flowtest.plugin.options import RUN_DEFAULTS_FLAG, SHARD_OPTION
from juo_flowtest.plugin.reporting import FlowReporting
from juo_flowtest.plugin.state import STATE, PluginState


class _RunWatcher:
    """Keeps the run's config so the verdicts and the reports folder can be read afterwards."""

    def __init__(self) -> None:
        self.config: pytest.Config | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def state(self) -> PluginState | None:
        return None if self.config is None else self.config.stash.get(STATE, None)

    def tally(self) -> Tally | None:
        if self.config is None:
            return None
        reporting = self.config.pluginmanager.get_plugin("juo_flowtest_reporting")
        return reporting.tally if isinstance(reporting, FlowReporting) else None


def pytest_args(argv: Sequence[str]) -> tuple[list[str], bool]:
    """The pytest command line for ``argv``, and whether ``--html`` was asked for.

    Paths are left to pytest: the plugin (told by ``--juo-run-defaults``) collects ``flows/``
    when pytest was given none, and writes JUnit XML into the reports folder unless
    ``--junitxml`` says otherwise. Decided inside pytest, an option's value (say
    ``--juo-reports-dir reports``) is never taken for a path, and xdist workers agree.
    """
    args = [a for a in argv if a != "--html"]
    html = len(args) != len(argv)
    # `--shard K/N` is the plugin's --juo-shard (pytest's own namespace stays clear of it).
    args = [SHARD_OPTION if a == "--shard" else
            SHARD_OPTION + a[len("--shard"):] if a.startswith("--shard=") else a for a in args]
    return [*args, RUN_DEFAULTS_FLAG], html


def exit_code(pytest_code: int, tally: Tally | None) -> ExitCode:
    """Map pytest's exit code and the verdict counts to ``ExitCode`` (see exitcodes.py)."""
    if pytest_code == pytest.ExitCode.USAGE_ERROR:
        return ExitCode.USAGE
    if pytest_code in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR):
        return ExitCode.BROKEN
    t = tally or Tally()
    if t.invalid:
        return ExitCode.INVALID
    if pytest_code == pytest.ExitCode.NO_TESTS_COLLECTED:
        return ExitCode.NO_FLOWS
    if t.broken:
        return ExitCode.BROKEN
    if t.failed or pytest_code == pytest.ExitCode.TESTS_FAILED:
        return ExitCode.FAILED
    return ExitCode.PASSED


HELP = """\
usage: juo-flowtest run [PATHS] [pytest options] [--html] [--shard K/N]

Runs flow files (default: the flows/ folder) with pytest and the juo-flowtest plugin, and
writes every output into the reports folder (--juo-reports-dir, default reports/): Allure
results, junit.xml, coverage.json, and with --html the single-file HTML report.

  --html                  build reports/allure-report/index.html afterwards (needs Node.js);
                          with a release policy in pyproject.toml, its Quality Gates tab
                          shows the gate's verdict
  -k EXPR, -m TAGS        select flows by name or by tag (pytest's own selection)
  -n auto                 run in parallel (pytest-xdist)
  --reruns N              rerun failing flows; a pass on a rerun is counted flaky
  --shard K/N             run slice K of N of the suite (a CI matrix); --juo-durations FILE
                          balances the slices by a previous run's durations.json
  --juo-env NAME          the target environment (default: sandbox)

Exit codes: 0 passed, 1 failed, 2 invalid input, 3 broken, 4 usage, 5 no flows.
Every pytest option follows (juo-flowtest options under "juo-flowtest"):
"""


def run(argv: Sequence[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(HELP)
        return pytest.main(["--help"])
    args, html = pytest_args(argv)
    watcher = _RunWatcher()
    code = exit_code(pytest.main(args, plugins=[watcher]), watcher.tally())
    state = watcher.state()
    if html and state is not None and code not in (ExitCode.USAGE, ExitCode.NO_FLOWS):
        from juo_flowtest.base.errors import JuoFlowtestError
        from juo_flowtest.gate.qualitygate import report_gate
        from juo_flowtest.report.html import build_html

        layout = state.layout
        results = state.alluredir or str(layout.allure_results)
        # The Quality Gates tab shows the verdict of the policy in ./pyproject.toml, if any.
        gate = report_gate([Path(results)], [layout.coverage_json], None, Path())
        try:
            index = build_html(results, str(layout.html_report), str(layout.history),
                               quality_gate=gate)
        except JuoFlowtestError as exc:
            print(f"juo-flowtest: the HTML report was not built: {exc}", file=sys.stderr)
            return int(ExitCode.BROKEN if code == ExitCode.PASSED else code)
        print(f"HTML report: {index}")
    return int(code)
