"""Shared configuration of the project's own test suite."""

from __future__ import annotations

import httpcore  # noqa: F401
import pytest

# Import every layer once in the outer process (httpcore above too). pytester's in-process
# runs restore sys.modules afterwards, so anything first imported inside a run is imported
# again by the next one, and PyYAML's C parser and httpx's lazily imported httpcore do not
# survive that: a re-imported yaml no longer recognises the node classes its C parser builds,
# and httpx no longer maps httpcore's errors to its own.
import juo_flowtest.flowfile.loader
import juo_flowtest.report.allure
import juo_flowtest.run.runner
import juo_flowtest.sandbox  # noqa: F401


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # The suite itself writes no Allure results: they would wipe a user's reports/ from a
    # flow run, and allure_commons keeps step state in a process-wide plugin manager that an
    # in-process pytester run (with its own Allure session) must have to itself. Runs below
    # this suite (pytester, subprocesses) are configured by their own command lines.
    if getattr(config.option, "allure_report_dir", None) is None:
        config.option.allure_report_dir = ""
    if config.getoption("juo_reports_dir", None) is None:
        config.option.juo_reports_dir = ".pytest_cache/juo-selftest-reports"
