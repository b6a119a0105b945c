"""Shared fixtures of the project's own test suite."""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # The suite's own Allure results must not wipe a user's reports/ from a flow run.
    if config.getoption("juo_reports_dir", None) is None:
        config.option.juo_reports_dir = ".pytest_cache/juo-selftest-reports"
