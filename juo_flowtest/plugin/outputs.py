"""The run's outputs are written whatever happens: where a write fails, one line and exit 3;
on SIGTERM, the same outputs as on Ctrl-C.

- **Faults.** Every writer is guarded (``report.faults.OutputFaults``): ours (coverage,
  durations, the Allure run files), allure-pytest's results writer (``allure.
  guard_results_writer``) and pytest's JUnit XML writer (``guard_junit``). A fault is recorded
  and the run goes on; the reporting process prints one line per path at the end and ends with
  exit code 3 (unless an invalid file already makes it 2). xdist workers hand their faults to
  the controller in ``workeroutput``.
- **An Allure results folder that cannot even be created** (``reports`` is a file, a read-only
  parent) is a fault at start: Allure is turned off for the run, everything else still runs.
- **SIGTERM** (a CI job cancelled, ``timeout``, ``kill``) is turned into ``KeyboardInterrupt``
  while the run is on, so pytest finishes the session as it does for Ctrl-C: JUnit XML,
  coverage and the Allure results of the finished flows are written. A second SIGTERM ends the
  process at once.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from juo_flowtest.report.faults import OutputFaults, remove_partial

#: ``config.workeroutput`` key under which a worker hands its faults to the controller.
WORKER_FAULTS = "juo_output_faults"
#: pytest's code for a run cut short by a fault of its own; ours for "broken" too.
FAULT_EXIT = 3


def usable_alluredir(config: pytest.Config, alluredir: str | None,
                     faults: OutputFaults) -> str | None:
    """``alluredir`` if its folder exists or can be made; else None, Allure turned off, and
    the fault recorded (allure-pytest would stop the run with a traceback making it)."""
    if not alluredir:
        return alluredir
    try:
        os.makedirs(alluredir, exist_ok=True)
    except OSError as exc:
        faults.record(alluredir, exc)
        config.option.allure_report_dir = ""
        return None
    return alluredir


def guard_junit(config: pytest.Config, faults: OutputFaults) -> None:
    """Make pytest's JUnit XML writer record an ``OSError`` instead of an INTERNALERROR.

    The writer is a plugin object of pytest's; its two hooks are wrapped on the object itself
    and the object registered again (the same object: pytest still unregisters it at the end).
    Its "generated xml file" line is left out when the file was not written.
    """
    xml = next((p for p in config.pluginmanager.get_plugins()
                if type(p).__name__ == "LogXML" and hasattr(p, "logfile")), None)
    if xml is None:
        return
    write: Callable[[], None] = xml.pytest_sessionfinish
    summary: Callable[[Any, pytest.Config], None] = xml.pytest_terminal_summary
    failed: list[bool] = []

    def pytest_sessionfinish() -> None:
        try:
            write()
        except OSError as exc:
            faults.record(xml.logfile, exc)
            remove_partial(xml.logfile)
            failed.append(True)

    def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
        if not failed:
            summary(terminalreporter, config)

    config.pluginmanager.unregister(xml)
    xml.pytest_sessionfinish = pytest_sessionfinish
    xml.pytest_terminal_summary = pytest_terminal_summary
    config.pluginmanager.register(xml)


def exit_status(status: int, faults: OutputFaults, invalid: int) -> int:
    """The session's exit status once its outputs are written: 3 when one could not be,
    unless the run already says something more fundamental (invalid files, usage, nothing)."""
    if faults and not invalid and status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return FAULT_EXIT
    return status


class TermAsInterrupt:
    """SIGTERM raises ``KeyboardInterrupt`` in the main thread while installed."""

    def __init__(self) -> None:
        self._installed = False

    def install(self) -> None:
        """Only in the main thread, and only over the default action (never over a handler
        someone else installed)."""
        if threading.current_thread() is not threading.main_thread():
            return
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return
        signal.signal(signal.SIGTERM, self._handle)
        self._installed = True

    def uninstall(self) -> None:
        if self._installed and signal.getsignal(signal.SIGTERM) == self._handle:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        self._installed = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
        raise KeyboardInterrupt("SIGTERM: the run was terminated; writing its outputs")
