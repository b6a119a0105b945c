"""The pytest collection tree of flow files: one ``FlowFileCollector`` per file, one
``FlowItem`` per flow or parametrized case.

A file is validated as a whole when it is collected: an invalid file is one collection error
listing every problem (``path:line:col``, the line, a caret, a hint), never a traceback, and
the other files still run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base.errors import JuoFlowtestError
from juo_flowtest.base.outcome import INVALID_PREFIX, Verdict
from juo_flowtest.flowfile import loader
from juo_flowtest.flowfile.files import is_flow_file
from juo_flowtest.flowfile.model import Case, Flow
from juo_flowtest.plugin.state import STATE
from juo_flowtest.run.drafts import DraftBinding
from juo_flowtest.run.result import FlowResult


class FlowFailed(AssertionError):
    """An expectation did not hold (Allure: failed)."""


class FlowBroken(Exception):
    """The flow could not be judged: the target or the contract is at fault (Allure: broken)."""


class FlowFileCollector(pytest.File):
    """A ``*.flow.yaml`` file: validated as a whole when collected, one item per flow/case."""

    def collect(self) -> list[pytest.Item]:
        if self.config.stash[STATE].workflow_error is not None:
            return []  # no flow runs against definitions that do not load (reported once)
        try:
            flow_file = loader.load_file(self.path)
        except JuoFlowtestError as exc:
            raise self.CollectError(f"{INVALID_PREFIX} {self.path}\n{exc}") from None
        items: list[pytest.Item] = []
        for flow in flow_file.flows:
            for case in flow.cases or (None,):
                items.append(FlowItem.from_parent(
                    self, name=loader.report_name(flow, case), flow=flow, case=case))
        return items


def unreadable_entries(folder: pytest.Directory) -> list[pytest.Collector]:
    """Entries of ``folder`` named like flow files that pytest passes over because they are no
    regular file (a broken link, a FIFO, a device): each becomes a collector whose collection
    error says so, as ``juo-flowtest lint`` does, instead of being skipped in silence."""
    out: list[pytest.Collector] = []
    try:
        entries = sorted(os.scandir(folder.path), key=lambda e: e.name)
    except OSError:
        return out  # pytest has already said why it could not list the folder
    for entry in entries:
        if not is_flow_file(entry.name) or entry.is_dir() or entry.is_file():
            continue
        path = Path(entry.path)
        if folder.ihook.pytest_ignore_collect(collection_path=path, config=folder.config):
            continue
        out.append(FlowFileCollector.from_parent(folder, path=path))
    return out


class FlowItem(pytest.Item):
    """One flow, or one parametrized case of it.

    After ``runtest``, ``result`` holds what the runner returned (None if it never ran); the
    plugin puts its verdict and coverage on the call's test report, then lets it go.
    """

    def __init__(self, *, flow: Flow, case: Case | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.case = case
        self.result: FlowResult | None = None
        self.verdict: Verdict | None = None
        self.drafts: tuple[DraftBinding, ...] = ()  # the drafts it ran (--juo-draft)
        state = self.config.stash[STATE]
        for tag in flow.tags:
            state.register_tag(self.config, tag)
            self.add_marker(getattr(pytest.mark, tag))
        if flow.skip is not None:
            self.add_marker(pytest.mark.skip(reason=flow.skip))
        if flow.xfail is not None:
            self.add_marker(pytest.mark.xfail(reason=flow.xfail, raises=FlowFailed, strict=True))
        for mark in state.reporting_marks(flow, case):
            self.add_marker(mark)

    def runtest(self) -> None:
        state = self.config.stash[STATE]
        try:
            outcome = state.run(self.flow, self.case)
        except JuoFlowtestError as exc:  # e.g. the sandbox cannot start
            self.verdict = Verdict.BROKEN
            raise FlowBroken(str(exc)) from None
        self.result, self.verdict = outcome, outcome.verdict
        self.drafts = state.session.last_drafts
        if outcome.verdict is Verdict.SKIPPED:  # e.g. a wait too long for a real target
            pytest.skip(outcome.message)
        if outcome.verdict is Verdict.FAILED:
            raise FlowFailed(outcome.message)
        if outcome.verdict is Verdict.BROKEN:
            raise FlowBroken(outcome.message)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, FlowFailed):
            return str(excinfo.value)
        if isinstance(excinfo.value, FlowBroken):
            return f"BROKEN: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.flow.position.line - 1, self.name
