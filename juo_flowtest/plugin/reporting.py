"""The reporting process's hooks (the controller under xdist): count verdicts, gather
coverage, write the run's outputs and print the summary.

Every test's duration is kept too, written as ``durations.json`` for a later ``--shard`` run.

Workers put each flow's verdict and coverage on the call's ``TestReport``
(``juo_verdict``, ``juo_coverage``); xdist ships reports to the controller as they are, so
these hooks see the same attributes serial or parallel. Nothing of this goes into
``user_properties``, so JUnit XML carries none of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base.outcome import INVALID_WORKFLOW_PREFIX, Tally, Verdict
from juo_flowtest.coverage import model as coverage
from juo_flowtest.coverage import render as coverage_render
from juo_flowtest.coverage.model import CoverageSample
from juo_flowtest.flowfile.files import is_flow_file, is_workflow_file
from juo_flowtest.plugin.outputs import WORKER_FAULTS, exit_status
from juo_flowtest.plugin.state import STATE
from juo_flowtest.plugin.traffic import read_production
from juo_flowtest.report import shards
from juo_flowtest.run.drafts import DraftBinding

VERDICT_ATTR = "juo_verdict"
COVERAGE_ATTR = "juo_coverage"
DRAFTS_ATTR = "juo_drafts"  # the drafts a flow ran (``--juo-draft``)


class FlowReporting:
    """Per-config hooks of the reporting process."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tally = Tally()
        self.samples: list[CoverageSample] = []
        self.seen_samples: set[str] = set()
        self.summary_lines: list[str] = []
        self.durations: dict[str, float] = {}
        self.drafts: dict[str, tuple[DraftBinding, Tally]] = {}  # label -> (draft, verdicts)
        # Production traffic, read before any flow runs (traffic-weighted coverage).
        self.production = read_production(config, config.stash[STATE].session.target)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # xdist replays workers' failed collection reports in the controller.
        name = report.nodeid.rsplit("/", 1)[-1]
        if report.failed and (is_flow_file(name) or is_workflow_file(name)):
            self.tally.invalid += 1
            state = self.config.stash[STATE]
            if state.alluredir:
                from juo_flowtest.report import allure

                with state.faults.guard(state.alluredir):
                    allure.write_invalid_file(state.alluredir, report.nodeid,
                                              str(report.longrepr))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # Every test's set-up + call + teardown, as pytest-split counts them (--shard).
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration
        if not is_flow_file(report.nodeid.split("::", 1)[0]):
            return
        if report.when == "setup" and report.outcome == "skipped":
            self.tally.count(Verdict.SKIPPED)
        if report.when != "call" or str(report.outcome) == "rerun":
            return  # a failed attempt pytest-rerunfailures will retry is not a verdict
        sample = getattr(report, COVERAGE_ATTR, None)
        if sample is not None:
            # pytest keeps every report to the end: the sample leaves it once read, and only
            # samples not seen before are kept (most flows of a suite repeat one), so a big
            # suite's reporting process keeps no coverage per flow.
            delattr(report, COVERAGE_ATTR)
            key = json.dumps(sample, sort_keys=True)
            if key not in self.seen_samples:
                self.seen_samples.add(key)
                self.samples.append(coverage.sample_from_data(sample))
        self.tally.count(_verdict(report), xfail=hasattr(report, "wasxfail"),
                         rerun=bool(getattr(report, "rerun", 0)))
        for data in getattr(report, DRAFTS_ATTR, ()):
            binding = DraftBinding.from_data(data)
            _, tally = self.drafts.setdefault(binding.label, (binding, Tally()))
            tally.count(_verdict(report))

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        if report.when == "call" and report.failed and _verdict(report) is Verdict.BROKEN:
            return "broken", "B", ("BROKEN", {"red": True})
        return None

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """An xdist worker is done: take the output faults it met."""
        faults = getattr(node, "workeroutput", {}).get(WORKER_FAULTS)
        if faults:
            self.config.stash[STATE].faults.merge(faults)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = self.config.stash[STATE]
        if self.durations:
            with state.faults.guard(state.layout.durations):
                shards.write_durations(state.layout.durations, self.durations)
        if self.tally.flows or self.tally.invalid:
            self.summary_lines = self.finish()
        session.exitstatus = exit_status(session.exitstatus, state.faults, self.tally.invalid)

    def finish(self) -> list[str]:
        """Write coverage and the report's run files; return the terminal summary lines."""
        state = self.config.stash[STATE]
        drafted = {b.workflow_id: b.name for b, _ in self.drafts.values()}
        names = {**self.production.names, **state.session.workflow_names(), **drafted}
        cov = coverage.merge(self.samples).named(names)
        # A draft under test has no production: its runs are this suite's, earlier.
        counts = {wid: c for wid, c in self.production.counts.items() if wid not in drafted}
        if counts:
            cov = cov.weighed(counts, {b.workflow_id: b.stands_for for b, _ in self.drafts.values()
                                       if b.stands_for})
        with state.faults.guard(state.layout.coverage_json):
            coverage.write(cov, str(state.layout.coverage_json))
        page = coverage_render.render_html(cov, state.session.definitions())
        with state.faults.guard(state.layout.coverage_html):
            state.layout.coverage_html.write_text(page, encoding="utf-8")
        if state.alluredir:
            from juo_flowtest.report import allure

            environment = state.session.environment()
            shard = self.config.pluginmanager.get_plugin("juo_flowtest_shard")
            if shard is not None:
                environment["shard"] = str(shard.spec)  # the report says which slice it shows
            for label in self.drafts:
                environment[f"draft.{self.drafts[label][0].name}"] = label
            with state.faults.guard(state.alluredir):
                allure.write_run_files(state.alluredir, environment, cov, page)
        note = [self.production.note] if self.production.note else []
        return [self.tally.summary(), *self._draft_lines(),
                *coverage_render.render_terminal(cov), *note]

    def _draft_lines(self) -> list[str]:
        """``Draft under test: <name> v1 (draft <id>, <file>): 9 flows: 9 passed``."""
        return [f"Draft under test: {label}: {t.flows} flow{'' if t.flows == 1 else 's'}: "
                f"{t.passed} passed, {t.failed} failed, {t.broken} broken"
                for label, (_, t) in sorted(self.drafts.items())]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        # pytest lists only the "failed" category under FAILURES; broken flows get their own.
        for rep in terminalreporter.stats.get("broken", []):
            terminalreporter.write_sep("_", f"BROKEN {rep.head_line or rep.nodeid}", red=True)
            terminalreporter.write_line(rep.longreprtext)
        faults = self.config.stash[STATE].faults.lines()
        if self.summary_lines or faults:
            terminalreporter.section("juo-flowtest")
            for line in self.summary_lines:
                terminalreporter.write_line(line)
            for line in faults:
                terminalreporter.write_line(line, red=True, bold=True)


def _verdict(report: pytest.TestReport) -> Verdict:
    """A flow's verdict from its call report: pytest's outcome, and broken apart from failed."""
    if report.passed:
        return Verdict.PASSED
    if report.skipped:  # skipped inside the test, or an xfail that failed as expected
        return Verdict.SKIPPED
    broken = getattr(report, VERDICT_ATTR, None) == Verdict.BROKEN.value
    return Verdict.BROKEN if broken else Verdict.FAILED


def invalid_workflows_report(config: pytest.Config) -> pytest.CollectReport:
    """The one collection error of invalid workflow definitions: every problem of every file,
    under the first file's path (so ``-rE`` and JUnit XML name a real file)."""
    error = config.stash[STATE].workflow_error
    assert error is not None
    first = error.diagnostics[0].position.path if error.diagnostics else "workflows"
    root = Path(config.rootpath)
    where = Path(first)
    nodeid = where.relative_to(root).as_posix() if where.is_relative_to(root) else first
    count = len(error.diagnostics)
    text = (f"{INVALID_WORKFLOW_PREFIX} {nodeid}\n{error}\n{count} problem"
            f"{'s' if count != 1 else ''} in the sandbox's workflow definitions: no flow was run")
    return pytest.CollectReport(nodeid, "failed", text, [])
