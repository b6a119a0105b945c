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


#: Modules whose tests run whole pytest sessions, subprocesses, npm or a browser, beside
#: everything under tests/e2e/ and every test using ``pytester``. ``pytest -m "not e2e"`` runs
#: the fast layer alone.
E2E_MODULES = frozenset({
    "tests/cli/test_cli_run.py", "tests/report/test_report_html.py",
    "tests/report/test_report_allure.py", "tests/gate/test_gate_verdict.py",
    "tests/gate/test_gate_results.py", "tests/sandbox/test_sandbox_bench_smoke.py",
    "tests/coverage/test_coverage_diagram.py",
    "tests/reliability/test_reliability_outputs.py", "tests/reliability/test_reliability_canary.py",
    "tests/reliability/test_reliability_collection.py", "tests/reliability/test_reliability_files.py",
    "tests/reliability/test_reliability_admin.py",
})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        if (where.startswith("tests/e2e/") or where in E2E_MODULES
                or "pytester" in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
