"""The pytest plugin: hooks and the File/Item classes only; every decision is delegated.

Registered through the ``pytest11`` entry point, so ``pytest flows/`` collects ``*.flow.yaml``.
State lives in ``config.stash`` (one ``FlowSession`` per process), never in globals.
Under pytest-xdist each worker has its own HTTP client and, on the sandbox, its own sandbox;
the controller gathers verdicts and coverage from the reports workers send it.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base.errors import ConfigError, FlowFileError, JuoFlowtestError
from juo_flowtest.coverage import model as coverage
from juo_flowtest.flowfile.model import Case, Flow
from juo_flowtest.run.result import FlowResult, Verdict
from juo_flowtest.run.session import FlowSession, Tally, is_flow_file

SESSION_KEY = pytest.StashKey[FlowSession]()
TALLY_KEY = pytest.StashKey[Tally]()
TAGS_KEY = pytest.StashKey[set[str]]()
VERDICT_PROP = "juo_verdict"
COVERAGE_PROP = "juo_coverage"


class FlowFailed(AssertionError):
    """An expectation did not hold (Allure: failed)."""


class FlowBroken(Exception):
    """The flow could not be judged: the target or the contract is at fault (Allure: broken)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("juo-flowtest", "juo-flowtest: Juo workflow flows")
    group.addoption("--juo-env", help="target environment name (default: sandbox; env JUO_ENV)")
    group.addoption("--juo-base-url", help="override the target's base URL for this run")
    group.addoption("--juo-tenant", help="override the target's tenant (X-Tenant-ID)")
    group.addoption("--juo-timeout", type=float, help="connect/read timeout in seconds")
    group.addoption(
        "--juo-sandbox-workflows", help="workflow definitions directory for the sandbox"
    )
    group.addoption(
        "--juo-allow-protected", action="store_true", help="allow a protected environment"
    )
    group.addoption(
        "--juo-reports-dir", help="where coverage.json goes and the default Allure results dir"
    )
    parser.addini("juo_sandbox_workflows", "workflow definitions directory for the sandbox")
    parser.addini("juo_reports_dir", "reports directory (default: reports)", default="reports")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    try:
        session = FlowSession.create(
            options=_options(config),
            rootdir=Path(config.rootpath),
            environ=os.environ,
            alluredir=_alluredir(config),
            is_worker=hasattr(config, "workerinput"),
        )
    except ConfigError as exc:
        raise pytest.UsageError(f"juo-flowtest: {exc}") from None
    config.stash[SESSION_KEY] = session
    config.stash[TALLY_KEY] = Tally()
    # An invalid flow file is a collection error, but the other files must still run.
    config.option.continue_on_collection_errors = True
    if session.is_worker:
        return
    if session.alluredir and not config.option.collectonly:
        from juo_flowtest.report import allure as report_module

        report_module.clean_results_dir(session.alluredir)  # once per run, before any worker
    config.pluginmanager.register(FlowReporting(config), "juo_flowtest_reporting")


def _alluredir(config: pytest.Config) -> str | None:
    """Allure results go to <reports>/allure-results unless --alluredir says otherwise."""
    if not hasattr(config.option, "allure_report_dir"):
        return None  # allure-pytest disabled (-p no:allure_pytest)
    if config.option.allure_report_dir is None:
        reports = config.getoption("juo_reports_dir") or config.getini("juo_reports_dir")
        config.option.allure_report_dir = str(Path(config.rootpath) / reports / "allure-results")
    return str(config.option.allure_report_dir) or None  # "" turns Allure off


def _options(config: pytest.Config) -> dict[str, Any]:
    names = ("juo_env", "juo_base_url", "juo_tenant", "juo_timeout", "juo_sandbox_workflows",
             "juo_allow_protected", "juo_reports_dir")
    values: dict[str, Any] = {name: config.getoption(name) for name in names}
    values["ini_sandbox_workflows"] = config.getini("juo_sandbox_workflows") or None
    values["ini_reports_dir"] = config.getini("juo_reports_dir")
    return values


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Any:
    # Collection allocates many small containers and no cycles worth collecting, and what it
    # builds (flows, steps, matchers) lives for the whole session. So the cyclic collector is
    # paused while collecting, and the result frozen out of its reach afterwards: otherwise
    # every later full pass (pytest runs several at exit) walks ~430 objects per flow file.
    # 1,000 flow files: 3.8 s -> 1.4 s to collect (bench/).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_flow_file(file_path.name):
        return FlowFileCollector.from_parent(parent, path=file_path)
    return None


class FlowFileCollector(pytest.File):
    """A ``*.flow.yaml`` file: validated as a whole when collected, one item per flow/case."""

    def collect(self) -> list[pytest.Item]:
        from juo_flowtest.flowfile import loader

        try:
            flow_file = loader.load_file(self.path)
        except FlowFileError as exc:
            raise self.CollectError(f"INVALID FLOW FILE: {self.path}\n{exc}") from None
        items: list[pytest.Item] = []
        for flow in flow_file.flows:
            for case in flow.cases or (None,):
                items.append(FlowItem.from_parent(
                    self, name=loader.report_name(flow, case), flow=flow, case=case))
        return items


class FlowItem(pytest.Item):
    """One flow, or one parametrized case of it."""

    def __init__(self, *, flow: Flow, case: Case | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.case = case
        registered = self.config.stash.setdefault(TAGS_KEY, set())
        for tag in flow.tags:
            if tag not in registered:  # so --strict-markers accepts flow tags
                registered.add(tag)
                self.config.addinivalue_line("markers", f"{tag}: flow tag")
            self.add_marker(getattr(pytest.mark, tag))
        if flow.skip is not None:
            self.add_marker(pytest.mark.skip(reason=flow.skip))
        if flow.xfail is not None:
            self.add_marker(pytest.mark.xfail(reason=flow.xfail, raises=FlowFailed, strict=True))
        if self.config.stash[SESSION_KEY].alluredir:  # allure's marks need allure-pytest
            from juo_flowtest.report import allure as report_module

            for mark in report_module.collection_marks(flow, case):
                self.add_marker(mark)

    def runtest(self) -> None:
        session = self.config.stash[SESSION_KEY]
        try:
            outcome = session.run(self.flow, self.case)
        except JuoFlowtestError as exc:  # e.g. the sandbox cannot load its workflows
            self.user_properties.append((VERDICT_PROP, Verdict.BROKEN.value))
            raise FlowBroken(str(exc)) from None
        self.user_properties.append((VERDICT_PROP, outcome.verdict.value))
        self.user_properties.append((COVERAGE_PROP, coverage.sample_to_json(outcome.coverage)))
        _raise_for(outcome)

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


def _raise_for(outcome: FlowResult) -> None:
    if outcome.verdict is Verdict.FAILED:
        raise FlowFailed(outcome.message)
    if outcome.verdict is Verdict.BROKEN:
        raise FlowBroken(outcome.message)


class FlowReporting:
    """Per-config hooks that count verdicts and print the summary (controller under xdist)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.tally = config.stash[TALLY_KEY]
        self.summary_lines: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        # xdist replays workers' failed collection reports in the controller.
        if report.failed and is_flow_file(report.nodeid.rsplit("/", 1)[-1]):
            self.tally.invalid += 1
            alluredir = self.config.stash[SESSION_KEY].alluredir
            if alluredir:
                from juo_flowtest.report import allure as report_module

                report_module.write_invalid_file(alluredir, report.nodeid, str(report.longrepr))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if _is_flow_nodeid(report.nodeid):
            self.tally.record(report.when, report.outcome, dict(report.user_properties),
                              hasattr(report, "wasxfail"), getattr(report, "rerun", 0) or 0)

    def pytest_report_teststatus(
        self, report: pytest.TestReport
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        props = dict(getattr(report, "user_properties", ()))  # collect reports have none
        if report.when == "call" and report.failed and props.get(VERDICT_PROP) == "broken":
            return "broken", "B", ("BROKEN", {"red": True})
        return None

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if self.tally.flows or self.tally.invalid:
            self.summary_lines = self.config.stash[SESSION_KEY].finish(self.tally)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        # pytest lists only the "failed" category under FAILURES; broken flows get their own.
        for rep in terminalreporter.stats.get("broken", []):
            terminalreporter.write_sep("_", f"BROKEN {rep.head_line or rep.nodeid}", red=True)
            terminalreporter.write_line(rep.longreprtext)
        if self.summary_lines:
            terminalreporter.section("juo-flowtest")
            for line in self.summary_lines:
                terminalreporter.write_line(line)


def _is_flow_nodeid(nodeid: str) -> bool:
    return is_flow_file(nodeid.split("::", 1)[0])
