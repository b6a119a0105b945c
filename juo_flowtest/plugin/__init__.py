"""The pytest plugin: hooks only; every decision is delegated.

Registered through the ``pytest11`` entry point, so ``pytest flows/`` collects ``*.flow.yaml``.
State lives in ``config.stash`` (``state.PluginState``), never in globals. Under
pytest-xdist each worker has its own HTTP client and, on the sandbox, its own sandbox; the
controller gathers verdicts and coverage from the reports workers send it
(``reporting.FlowReporting``).

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.coverage import model as coverage
from juo_flowtest.flowfile.files import is_flow_file
from juo_flowtest.plugin import drafts, options, outputs
from juo_flowtest.plugin.items import FlowFileCollector, FlowItem, unreadable_entries
from juo_flowtest.plugin.logs import hide_secrets_in_logs
from juo_flowtest.plugin.reporting import (
    COVERAGE_ATTR,
    DRAFTS_ATTR,
    VERDICT_ATTR,
    FlowReporting,
    invalid_workflows_report,
)
from juo_flowtest.plugin.sharding import ShardSelection
from juo_flowtest.plugin.state import STATE, PluginState
from juo_flowtest.report.shards import remove_records as remove_shard_records
from juo_flowtest.run.session import FlowSession


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    options.initial_paths(early_config)


def pytest_configure(config: pytest.Config) -> None:
    try:
        target = options.target(config)
    except ConfigError as exc:
        raise pytest.UsageError(f"juo-flowtest: {exc}") from None
    layout = options.layout(config)
    options.apply_run_defaults(config, layout)
    state = PluginState(FlowSession(target), layout, options.alluredir(config, layout),
                        is_worker=hasattr(config, "workerinput"))
    state.alluredir = outputs.usable_alluredir(config, state.alluredir, state.faults)
    config.stash[STATE] = state
    state.term.install()
    state.workflow_error = state.session.check_workflows()
    if state.workflow_error is None:
        drafts.configure(config, state)
    # An invalid flow file is a collection error, but the other files must still run.
    config.option.continue_on_collection_errors = True
    shard = options.shard(config)
    if shard is not None:
        config.pluginmanager.register(
            ShardSelection(shard, options.durations(config), state.alluredir),
            "juo_flowtest_shard")
    if state.is_worker:
        return
    if state.alluredir and not config.option.collectonly:
        from juo_flowtest.report import allure

        with state.faults.guard(state.alluredir):
            allure.clean_results_dir(state.alluredir)  # once per run, before any worker
            remove_shard_records(state.alluredir)
    config.pluginmanager.register(FlowReporting(config), "juo_flowtest_reporting")


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    state = session.config.stash.get(STATE, None)
    if state is None:
        return
    # After every plugin's configure: pytest's logging handlers, JUnit and Allure writers exist.
    hide_secrets_in_logs(session.config, state.session.secret_set)
    outputs.guard_junit(session.config, state.faults)
    if state.alluredir:
        from juo_flowtest.report import allure

        allure.guard_results_writer(state.faults)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(STATE, None)
    workeroutput = getattr(session.config, "workeroutput", None)
    if state is not None and workeroutput is not None:  # before xdist sends it
        workeroutput[outputs.WORKER_FAULTS] = state.faults.to_data()


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is not None:
        state.term.uninstall()
        state.session.close()


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Any:
    # Collection allocates many small containers and no cycles worth collecting, and what it
    # builds (flows, steps, matchers) lives for the whole session. So the cyclic collector is
    # paused while collecting, and the result frozen out of its reach afterwards: otherwise
    # every later full pass (pytest runs several at exit) walks ~430 objects per flow file.
    # 1,000 flow files: 3.8 s -> 1.4 s to collect (bench/).
    state = session.config.stash[STATE]
    if state.workflow_error is not None and not state.is_worker:
        session.ihook.pytest_collectreport(report=invalid_workflows_report(session.config))
    enabled = gc.isenabled()
    gc.disable()
    try:
        return (yield)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    drafts.deselect(config, config.stash[STATE], items)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_flow_file(file_path.name):
        return FlowFileCollector.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """A folder's entries named like flow files that are no regular file are reported."""
    report = yield
    if isinstance(collector, pytest.Directory) and report.passed and report.result is not None:
        report.result.extend(unreadable_entries(collector))
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Put the flow's verdict and coverage on its call report, and give Allure the flow's own
    message instead of a Python exception's (this wrapper's end runs after allure-pytest's)."""
    report = yield
    if isinstance(item, FlowItem) and call.when == "call":
        run = item.result
        if item.verdict is not None:
            setattr(report, VERDICT_ATTR, item.verdict.value)
        state = item.config.stash[STATE]
        if item.result is not None:
            # A sample sent before adds nothing to the merged coverage. Only a passed call is
            # final: a failed one may become a rerun, which the receiver does not read.
            sample = item.result.coverage
            key = coverage.sample_key(sample) if report.passed else None
            if key is None or key not in state.sent_samples:
                if key is not None:
                    state.sent_samples.add(key)
                setattr(report, COVERAGE_ATTR, coverage.sample_to_data(sample))
            # The result holds every exchange (parsed bodies, headers) and the item lives to the
            # end of the session: ~150 KB a flow of 10 calls, kept for nothing (bench/).
            item.result = None
        if item.drafts:
            setattr(report, DRAFTS_ATTR, [b.to_data() for b in item.drafts])
        if call.excinfo is not None and state.alluredir:
            from juo_flowtest.report import allure

            allure.settle_status(item.config.pluginmanager.get_plugin("allure_listener"),
                                 item.nodeid, str(call.excinfo.value), run,
                                 state.session.secrets)
    return report
