"""``juo-flowtest run``: pytest with the plugin, the CI reports, and a stable exit code.

Arguments are pytest's (``-k``, ``-m``, ``-n auto``, ``--reruns 2``, ``--juo-env staging``...)
plus ``--html`` (build the single-file HTML report afterwards). With no path, ``flows/`` runs.
Allure results go to ``reports/allure-results`` and JUnit XML to ``reports/junit.xml`` unless the
arguments say otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.run.session import Tally

REPORTS = Path("reports")


class _TallyGrabber:
    """Keeps the run's config so the verdict counts can be read after pytest returns."""

    def __init__(self) -> None:
        self.config: pytest.Config | None = None

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config

    def tally(self) -> Tally | None:
        from juo_flowtest.plugin import TALLY_KEY

        return None if self.config is None else self.config.stash.get(TALLY_KEY, None)


def pytest_args(argv: Sequence[str]) -> tuple[list[str], bool]:
    """The pytest command line for ``argv``, and whether ``--html`` was asked for."""
    args = [a for a in argv if a != "--html"]
    html = len(args) != len(argv)
    if not any(_is_path(a) for a in args):
        args.append("flows")
    if not any(a == "--alluredir" or a.startswith("--alluredir=") for a in args):
        args += ["--alluredir", str(REPORTS / "allure-results")]
    if not any(a.startswith(("--junitxml", "--junit-xml")) for a in args):
        args += [f"--junitxml={REPORTS / 'junit.xml'}"]
    return args, html


def _is_path(arg: str) -> bool:
    return not arg.startswith("-") and (Path(arg.split("::", 1)[0]).exists())


def _alluredir(args: list[str]) -> str:
    for i, arg in enumerate(args):
        if arg.startswith("--alluredir="):
            return arg.split("=", 1)[1]
        if arg == "--alluredir" and i + 1 < len(args):
            return args[i + 1]
    return str(REPORTS / "allure-results")


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


def run(argv: Sequence[str]) -> int:
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return pytest.main(["--help"])
    args, html = pytest_args(argv)
    grabber = _TallyGrabber()
    code = exit_code(pytest.main(args, plugins=[grabber]), grabber.tally())
    if html and code not in (ExitCode.USAGE, ExitCode.NO_FLOWS):
        from juo_flowtest.base.errors import JuoFlowtestError
        from juo_flowtest.report.html import build_html

        try:
            index = build_html(_alluredir(args), str(REPORTS / "allure-report"),
                               str(REPORTS / "history"))
        except JuoFlowtestError as exc:
            print(f"juo-flowtest: the HTML report was not built: {exc}", file=sys.stderr)
            return int(ExitCode.BROKEN if code == ExitCode.PASSED else code)
        print(f"HTML report: {index}")
    return int(code)
