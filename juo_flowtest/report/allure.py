"""Allure reporting: labels at collection, live steps from the runner, run-level files.

The one module importing allure. It only listens: the plugin calls ``collection_marks`` at
collection, ``begin_test`` / ``AllureListener`` / ``end_test`` inside the running test,
``settle_status`` when pytest reports the test, and the run-level writers
(``clean_results_dir``, ``write_run_files``, ``write_invalid_file``) once in the controller.
allure-pytest sets the test's own status from the exception the plugin raises; this module
makes the steps' statuses, times, attachments, the failure's message and the run files right.

Everything written is scrubbed again (``scrub``) although the client already redacts: a token
must never reach a report file even if a header or a body echoes it.

Nothing is written per call while a flow runs: the listener only opens and closes steps, and
``end_test`` writes the flow's calls as one "Requests and responses" log (``calllog``), plus,
for a flow that did not pass, each call's exchange on its step. Per-call attachment files were
most of the run's CPU with Allure on, and most of the single-file report's size.

Why this is over 300 lines: the failure's details and the synthetic result files exist only to
feed Allure, and splitting them out would spread the allure knowledge around.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import allure as _allure_module
from allure_commons import hookimpl as allure_hookimpl
from allure_commons import plugin_manager
from allure_commons.logger import INDENT as _ALLURE_INDENT
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import (
    ATTACHMENT_PATTERN,
    Attachment,
    Status,
    StatusDetails,
    TestStepResult,
)
from allure_commons.reporter import AllureReporter
from allure_commons.types import LabelType
from attr import asdict as _attrs_asdict

from juo_flowtest.base import prettyjson
from juo_flowtest.base.outcome import (
    DRAFT_LABEL,
    INVALID_PREFIX,
    INVALID_TAG,
    INVALID_WORKFLOW_PREFIX,
    WORKFLOW_LABEL,
    Mismatch,
    Verdict,
)
from juo_flowtest.base.redaction import known_secrets, scrub, scrub_json, scrub_text
from juo_flowtest.coverage import model as coverage_mod
from juo_flowtest.coverage import render as coverage_render
from juo_flowtest.flowfile import model
from juo_flowtest.report import calllog, exchanges, resultjson
from juo_flowtest.report.cleantexts import CLEAN
from juo_flowtest.report.faults import OutputFaults
from juo_flowtest.report.truncation import truncated
from juo_flowtest.run import result
from juo_flowtest.target.client import Exchange

# allure's API is untyped; one Any-typed alias keeps mypy --strict quiet without per-line ignores.
allure: Any = _allure_module

_SECRET_ENV_NAME = re.compile(r"token|secret|password|credential|api.?key", re.IGNORECASE)
_RESULT_FILES = re.compile(r".*-(result|container|globals)\.json|.*-attachment(\..*)?")
_RUN_FILES = {"categories.json", "environment.properties", "executor.json"}


#: Indented JSON for report files: the text of ``json.dumps(value, indent=2)``, 3x faster.
_json = prettyjson.dumps


def _attach(body: str, name: str, kind: Any) -> None:
    """``allure.attach``, bounded (``truncation``): a cut text is shown as text, with its note."""
    short = truncated(body)
    allure.attach(short, name=name,
                  attachment_type=kind if short is body else allure.attachment_type.TEXT)


# ----- collection and test level -----------------------------------------------------------


def _link_mark(link: model.Link) -> Any:
    kind = link.type.lower()
    if kind == "issue":
        return allure.issue(link.url, name=link.name)
    if kind in ("tms", "testcase", "test_case"):
        return allure.testcase(link.url, name=link.name)
    return allure.link(link.url, link_type=link.type, name=link.name)


def collection_marks(flow: model.Flow, case: model.Case | None) -> list[Any]:
    """Allure label/link marks for ``item.add_marker``, so ``--allure-features`` etc. filter.

    Tags are not added here: the plugin's pytest markers (one per tag) already become Allure
    tags, and adding ``allure.tag`` too would list each tag twice.
    """
    marks: list[Any] = []
    for label_type, value in (
        (LabelType.FEATURE, flow.feature),
        (LabelType.EPIC, flow.epic),
        (LabelType.STORY, flow.story),
        ("owner", flow.owner),
        (LabelType.SEVERITY, flow.severity),
    ):
        if value:
            marks.append(allure.label(label_type, value))
    marks.extend(_link_mark(link) for link in flow.links)
    if case is not None:
        # A label per case keeps parametrized cases apart in filters and in the tree even
        # when a case never runs (skipped before begin_test adds its parameters).
        marks.append(allure.label("case", case.id))
    return marks


def test_title(flow: model.Flow, case: model.Case | None) -> str:
    """The report name: the flow name, and ``[case id]`` for a parametrized case."""
    return flow.name if case is None else f"{flow.name}[{case.id}]"


def begin_test(flow: model.Flow, case: model.Case | None) -> None:
    """Title, description and one parameter per case value (distinct history per case)."""
    allure.dynamic.title(test_title(flow, case))
    if flow.description:
        allure.dynamic.description(flow.description)
    if case is not None:
        allure.dynamic.parameter("case", case.id)
        for name, value in case.values.items():
            if name != "id":
                allure.dynamic.parameter(name, scrub(value))


def end_test(run: result.FlowResult, listener: AllureListener | None = None, *,
             secrets: Iterable[str] | None = None, commons: RunCommons | None = None) -> None:
    """The flow's attachments: every call in one log; for a flow that did not pass, each
    call's exchange on its step and the saved variables. ``commons``: what the run's flows
    share (one per pytest process), written once as global attachments."""
    secrets = known_secrets(secrets)
    calls = listener.calls if listener is not None else []
    if calls:
        log = calllog.CallLog(secrets, commons)
        for call in calls:
            log.add(call.name, call.record.exchange)
        _attach(log.text(), CALLS_ATTACHMENT, allure.attachment_type.TEXT)
        if commons is not None:
            commons.write_new(secrets)
    if run.verdict is Verdict.PASSED:
        return
    for call in calls:
        if call.record.exchange is not None and call.item is not None:
            verdict, why = _call_verdict(call.record)
            error = None if verdict is Verdict.PASSED else (_ERROR_NAMES[verdict], why)
            text = exchanges.http_attachment(call.record.exchange, secrets, error)
            _attach_to(call.item, text, EXCHANGE_ATTACHMENT, exchanges.HTTP_TYPE, "json")
    if run.variables:
        _attach(scrub_json(run.variables, secrets), "Saved variables",
                allure.attachment_type.JSON)


def label_run(drafts: Iterable[str], workflows: Iterable[str]) -> None:
    """Label the running test with each draft it ran (``--juo-draft``) and each workflow version
    it saw (``<id>@<version>``): the gate reads them back."""
    for label in drafts:
        allure.dynamic.label(DRAFT_LABEL, label)
    for key in workflows:
        allure.dynamic.label(WORKFLOW_LABEL, key)


def settle_status(listener: Any, nodeid: str, message: str,
                  run: result.FlowResult | None = None,
                  secrets: Iterable[str] | None = None) -> None:
    """Give a failed or broken test the flow's own message, not a Python exception's, and
    put it, with its details, on the step that failed.

    allure-pytest writes ``exconly()`` (``...FlowFailed: ...``) and pytest's long repr as the
    trace, which repeat the message. Allure 3 shows a test's error at the top of its page and
    again in its body: on the step whose error is the same text, else as an extra entry at the
    end. So the step that failed carries the test's message (its enclosing steps none), and
    both carry the details (``failure_details``: each mismatch and where its expectation is
    written, then the call) that Allure 3 opens there.
    ``listener`` is allure-pytest's (``config.pluginmanager.get_plugin("allure_listener")``).
    """
    uuid = listener._cache.get(nodeid) if listener is not None else None
    test = listener.allure_logger.get_test(uuid) if uuid else None
    if test is None or test.status not in ("failed", "broken"):
        return
    secrets = known_secrets(secrets)
    details = failure_details(run, secrets) if run is not None else None
    test.statusDetails = StatusDetails(message=scrub_text(message, secrets), trace=details)
    path = _failing_path(test.steps)
    for step in path[:-1]:
        step.statusDetails = None
    if path:
        path[-1].statusDetails = test.statusDetails


def _failing_path(steps: list[Any]) -> list[Any]:
    """The last failed or broken step, then its last failed or broken sub-step, and so on."""
    for step in reversed(steps):
        if step.status in ("failed", "broken"):
            return [step, *_failing_path(step.steps)]
    return []


#: How much of the failing call a result's details show (the whole call is its attachment).
DETAILS_LIMIT = 64 * 1024


def failure_details(run: result.FlowResult, secrets: tuple[str, ...]) -> str | None:
    """What failed, where each expectation is written, then the call that showed it."""
    step = run.steps[-1] if run.steps else None
    if step is None or step.verdict is Verdict.PASSED:
        return None
    lines = []
    for m in _step_mismatches(step):
        where = f"   ({m.position})" if m.position else ""
        lines.append(scrub_text(f"{_mismatch_line(m)}{where}", secrets))
        if m.diff:
            lines.extend("    " + scrub_text(line, secrets) for line in m.diff.splitlines())
    calls = [call for s in run.steps for call in s.calls]
    if calls and calls[-1] in step.calls:
        if lines:
            lines.append("")
        lines.append(truncated(exchanges.call_alone(len(calls), calls[-1].title,
                                                    calls[-1].exchange, secrets), DETAILS_LIMIT))
    return "\n".join(lines) or None


# ----- live steps --------------------------------------------------------------------------


def _reporter() -> Any:
    """allure-pytest's reporter, to set real step times (None without ``--alluredir``)."""
    for plugin in plugin_manager.get_plugins():
        logger = getattr(plugin, "allure_logger", None)
        if isinstance(logger, AllureReporter):
            return logger
    return None


def _ms(epoch_s: float) -> int | None:
    return int(epoch_s * 1000) if epoch_s else None


class _StepFailed(AssertionError):
    """Passed to allure's stop_step so the step status is ``failed``."""


class _StepBroken(Exception):
    """Passed to allure's stop_step so the step status is ``broken``."""


def _running_test() -> Any:
    """The result allure-pytest keeps for the running test (None without ``--alluredir`` or
    outside a test): the listener adds its steps to it."""
    reporter = _reporter()
    return reporter.get_test(None) if reporter is not None else None


def _open_step(parent: Any, title: str, started_at: float = 0.0) -> tuple[str, Any]:
    """Start a step under ``parent`` (the test, or an open step); return its id and allure's
    step object.

    The step is added to its parent's steps, as allure-commons' reporter adds it, but not
    entered in the reporter's registry: nothing looks a flow's step up there (a flow attaches
    to its steps itself), and a step through the reporter cost two registry updates, a
    thread lookup each, and an id. Without a parent (no ``--alluredir``, or no test running)
    the step goes through allure's hooks, as ``allure.step`` does.
    """
    if parent is None:
        step_id = uuid.uuid4().hex
        plugin_manager.hook.start_step(uuid=step_id, title=title, params={})
        return step_id, None
    step = TestStepResult(name=title, start=_ms(started_at) or _now_ms())
    parent.steps.append(step)
    return "", step


_STEP_STATUS = {Verdict.FAILED: Status.FAILED, Verdict.BROKEN: Status.BROKEN}


def _close_step(
    step_id: str, step: Any, title: str, verdict: Verdict, message: str,
    times: tuple[float, float],
) -> None:
    """Stop a step with its verdict, its real start and stop and a clean status message."""
    status = _STEP_STATUS.get(verdict, Status.PASSED)
    if step is None:
        error: Exception | None = None
        if verdict is Verdict.FAILED:
            error = _StepFailed(message)
        elif verdict is Verdict.BROKEN:
            error = _StepBroken(message)
        plugin_manager.hook.stop_step(
            uuid=step_id, title=title, exc_type=type(error) if error else None, exc_val=error,
            exc_tb=None,
        )
        return
    step.stop = _ms(times[1]) or _now_ms()
    step.status = status
    step.statusDetails = StatusDetails(message=message) if status != Status.PASSED else None
    step.name = title
    if _ms(times[0]):
        step.start = _ms(times[0])


def _attach_to(step: Any, body: str, name: str, mime: str, extension: str) -> None:
    """Attach ``body`` to a step already closed (allure's own attach only reaches open ones)."""
    file_name = ATTACHMENT_PATTERN.format(prefix=uuid.uuid4().hex, ext=extension)
    step.attachments.append(Attachment(name=name, source=file_name, type=mime))
    plugin_manager.hook.report_attached_data(body=body, file_name=file_name)


_ERROR_NAMES = {Verdict.FAILED: "Expectation mismatch", Verdict.BROKEN: "Broken"}


def _call_verdict(record: result.CallRecord) -> tuple[Verdict, str]:
    if record.broken:
        return Verdict.BROKEN, record.broken
    if record.mismatches:
        return Verdict.FAILED, "\n".join(_mismatch_line(m) for m in record.mismatches)
    return Verdict.PASSED, ""


def _call_outcome(exchange: Exchange | None) -> str:
    if exchange is None:
        return "no request sent"
    answer = str(exchange.status) if exchange.status is not None else "no response"
    return f"{answer} in {exchange.elapsed_ms:.1f} ms"


def _merged_title(step_title: str, call_title: str) -> str:
    """A step and its one call in one title: ``respond next to ... (step ...)``, or
    ``Customer continues: respond next to ... (step ...)`` for a step with its own name."""
    if call_title.startswith(step_title):
        return call_title
    return f"{step_title}: {call_title}"


@dataclass(slots=True)
class ReportedCall:
    """A call as the report shows it: the runner's record, what it did (``name``), its step's
    title (the name and how it ended) and its Allure step."""

    record: result.CallRecord
    name: str
    title: str
    item: Any  # allure's step object, None without a reporter


class RunCommons(calllog.Commons):
    """``calllog.Commons`` that writes each shared part, once, as a global attachment.

    The files are named by their content: xdist workers that meet the same part write the
    same two files, so the report lists it once.
    """

    def __init__(self, results_dir: str, names: Mapping[str, str] | None = None) -> None:
        super().__init__(names)
        self._dir = results_dir

    def write_new(self, secrets: tuple[str, ...]) -> None:
        for key, steps in self.new:
            text = scrub_json(steps, secrets)
            name = self.common_name(key)
            prefix = uuid.uuid5(uuid.NAMESPACE_URL, f"juo-flowtest:{name}:{text}").hex
            source = f"{prefix}-attachment.json"
            _write_atomic(os.path.join(self._dir, source), text)
            entry = {"name": name, "source": source, "type": "application/json",
                     "timestamp": _now_ms()}
            _write_atomic(os.path.join(self._dir, f"{prefix}-globals.json"),
                          _json({"attachments": [entry]}))
        self.new.clear()


@dataclass(slots=True)
class _OpenStep:
    step_id: str
    item: Any
    title: str  # as the flow gave it
    shown: str  # scrubbed
    call: ReportedCall | None = None  # the step's own call, shown as the step itself


class AllureListener:
    """A ``result.RunListener`` turning the run into Allure steps as it happens.

    One Allure step per flow step. A step that makes one call (start, attach, respond, get)
    *is* that call: its title says what was sent and what came back (``respond next to
    show_content (step value_reminder) — 200 in 2.1 ms``). A ``wait`` step holds one
    sub-step per poll. No attachment is written while the flow runs: ``end_test`` writes them
    from ``calls`` (cheap per call; see ``report.calllog`` for what and why).

    ``secrets``: values to scrub wherever they appear (the target's token); the values of
    ``redaction.TOKEN_VARIABLES`` are always added. Mismatches and titles come from the flow file and
    may hold a token written as ``${env:...}``: only these known values can catch that.
    Call ``close()`` after the run to stop steps a crashed run left open.
    """

    def __init__(self, *, secrets: Iterable[str] | None = None) -> None:
        self._secrets = known_secrets(secrets)
        self._open: list[_OpenStep] = []
        #: Every call of the flow, in order.
        self.calls: list[ReportedCall] = []
        # Looked up once: scanning pytest's plugins costs ~5 µs.
        self._test = _running_test()

    def _scrub(self, text: str) -> str:
        return CLEAN.scrub(text, self._secrets) if text else text

    def _parent(self) -> Any:
        return self._open[-1].item if self._open else self._test

    def step_started(self, index: int, title: str) -> None:
        shown = self._scrub(title)
        self._open.append(_OpenStep(*_open_step(self._parent(), shown), title, shown))

    def call_finished(self, record: result.CallRecord) -> None:
        top = self._open[-1] if self._open else None
        if top is not None and top.call is None and record.kind != "poll":
            top.call = ReportedCall(record, "", "", top.item)  # named when the step finishes
            self.calls.append(top.call)
            return
        name = self._scrub(record.title)
        title = f"{name} — {_call_outcome(record.exchange)}"
        step_id, item = _open_step(self._parent(), title, record.started_at)
        verdict, message = _call_verdict(record)
        _close_step(step_id, item, title, verdict, self._scrub(message),
                    (record.started_at, record.stopped_at))
        self.calls.append(ReportedCall(record, name, title, item))

    def step_finished(self, result: result.StepResult) -> None:
        if self._open:
            top = self._open.pop()
            title = top.shown if result.title == top.title else self._scrub(result.title)
        else:
            title = self._scrub(result.title)
            top = _OpenStep(*_open_step(self._parent(), title), result.title, title)
        if top.call is not None:
            top.call.name = _merged_title(title, self._scrub(top.call.record.title))
            title = top.call.title = (f"{top.call.name} — "
                                      f"{_call_outcome(top.call.record.exchange)}")
        message = result.broken or "\n".join(_mismatch_line(m) for m in _step_mismatches(result))
        times = (result.started_at, result.stopped_at)
        _close_step(top.step_id, top.item, title, result.verdict, self._scrub(message), times)

    def close(self) -> None:
        """Stop any step left open (the run died between step_started and step_finished)."""
        while self._open:
            top = self._open.pop()
            _close_step(top.step_id, top.item, "step did not finish", Verdict.BROKEN,
                        "the run stopped inside this step", (0.0, 0.0))


#: Every call of a flow, in order: one text attachment per flow (``calllog.CallLog``).
CALLS_ATTACHMENT = "Requests and responses"
#: One call in Allure 3's HTTP view, on each call's step of a flow that did not pass.
EXCHANGE_ATTACHMENT = "Request and response"


# ----- mismatches ----------------------------------------------------------------------------


def _step_mismatches(step: result.StepResult) -> tuple[Mismatch, ...]:
    if step.mismatches:
        return step.mismatches
    return tuple(m for call in step.calls for m in call.mismatches)


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _mismatch_line(m: Mismatch) -> str:
    if m.message:  # the runner's message already names expected and actual
        return f"{m.path}: {m.message}"
    return f"{m.path}: expected {_short(m.expected)}, got {_short(m.actual)}"


# ----- run-level files ---------------------------------------------------------------------


def clean_results_dir(results_dir: str) -> None:
    """Remove Allure result files (and only those) from ``results_dir``; create it if needed."""
    os.makedirs(results_dir, exist_ok=True)
    for name in os.listdir(results_dir):
        path = os.path.join(results_dir, name)
        if os.path.isfile(path) and (name in _RUN_FILES or _RESULT_FILES.fullmatch(name)):
            os.remove(path)


def _properties_escape(text: str, key: bool = False) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    text = text.replace("=", "\\=").replace(":", "\\:")
    return text.replace(" ", "\\ ") if key else text


def environment_entries(
    environment: Mapping[str, str], cov: coverage_mod.Coverage | None
) -> dict[str, str]:
    """The environment shown in the report: secret-named keys dropped, coverage added."""
    entries = {
        k: scrub_text(str(v), known_secrets()) for k, v in environment.items() if not _SECRET_ENV_NAME.search(k)
    }
    if cov is not None:
        # Short keys: the report's metadata panel cuts keys at ~15 characters.
        entries["coverage"] = f"{cov.percent}% ({cov.exercised}/{cov.known} step responses)"
        if cov.traffic.percent is not None:
            entries["traffic"] = (f"{cov.traffic.percent}% of production step executions "
                                  f"({cov.traffic.exercised}/{cov.traffic.executions})")
        for key, w in cov.workflows.items():
            # The name first (the panel cuts long keys), the exact key in the value.
            name = cov.name_of(key)
            entries[name or key] = (f"{w.percent}% covered ({len(w.covered)}/{len(w.known)})"
                                    + (f" {key}" if name else ""))
    return entries


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_run_files(
    results_dir: str, environment: dict[str, str], coverage: coverage_mod.Coverage | None,
    page: str | None = None,
) -> None:
    """Write categories.json, environment.properties and the coverage (global attachment:
    ``page``, the coverage page with its diagrams, else the tables alone)."""
    os.makedirs(results_dir, exist_ok=True)
    categories = resources.files("juo_flowtest.report").joinpath("categories.json").read_text("utf-8")
    _write_text(os.path.join(results_dir, "categories.json"), categories)
    lines = [
        f"{_properties_escape(k, key=True)}={_properties_escape(v)}"
        for k, v in environment_entries(environment, coverage).items()
    ]
    _write_text(os.path.join(results_dir, "environment.properties"), "\n".join(lines) + "\n")
    if coverage is not None:
        _write_coverage_globals(results_dir, coverage, page)


def _write_coverage_globals(results_dir: str, cov: coverage_mod.Coverage,
                            page: str | None) -> None:
    prefix = uuid.uuid4().hex
    html_name = f"{prefix}-attachment.html"
    json_name = f"{prefix}-coverage-attachment.json"
    _write_text(os.path.join(results_dir, html_name), page or coverage_render.render_html(cov))
    _write_text(os.path.join(results_dir, json_name), _json(coverage_mod.to_json(cov)))
    now = _now_ms()
    globals_data = {
        "attachments": [
            {"name": "Workflow coverage", "source": html_name, "type": "text/html",
             "timestamp": now},
            {"name": "coverage.json", "source": json_name, "type": "application/json",
             "timestamp": now},
        ]
    }
    _write_text(os.path.join(results_dir, f"{prefix}-globals.json"), _json(globals_data))


def _write_atomic(path: str, text: str) -> None:
    """Write ``path`` whole or not at all (another process may write the same file)."""
    temporary = f"{path}.{os.getpid()}.tmp"
    _write_text(temporary, text)
    os.replace(temporary, path)


def _now_ms() -> int:
    return int(time.time() * 1000)


def write_invalid_file(results_dir: str, path: str, message: str) -> None:
    """A broken result "Invalid flow file: <path>" (or "Invalid workflow definition: <path>")
    in category 'Invalid input'."""
    os.makedirs(results_dir, exist_ok=True)
    text = scrub_text(message, known_secrets())
    workflow = INVALID_WORKFLOW_PREFIX in text
    if not workflow and f"{INVALID_PREFIX} " not in text:
        text = f"{INVALID_PREFIX} {text}"
    identity = uuid.uuid5(uuid.NAMESPACE_URL, f"juo-flowtest-invalid:{path}").hex
    now = _now_ms()
    what = "Invalid workflow definition" if workflow else "Invalid flow file"
    data = {
        "uuid": uuid.uuid4().hex,
        "name": f"{what}: {path}",
        "fullName": f"{path}#invalid-flow-file",
        "historyId": identity,
        "testCaseId": identity,
        "status": "broken",
        "stage": "finished",
        "statusDetails": {"message": text},
        "start": now,
        "stop": now,
        "labels": [
            {"name": "feature", "value": "Invalid input"},
            {"name": "suite", "value": path},
            {"name": "tag", "value": INVALID_TAG},
            {"name": "framework", "value": "juo-flowtest"},
        ],
    }
    _write_text(os.path.join(results_dir, f"{data['uuid']}-result.json"), _json(data))


# ----- a results writer that survives a full disk -------------------------------------------


def guard_results_writer(faults: OutputFaults) -> None:
    """Make allure-pytest's writer record an ``OSError`` as an output fault and go on.

    Its file logger raises from inside pytest's hooks (an INTERNALERROR ending the run) when
    the disk is full or the folder read-only. Its class is swapped for a subclass whose writes
    are guarded, and it is registered again so the hooks call the guarded methods: the same
    object stays registered, so allure-pytest still unregisters it at the end.
    """
    for plugin in plugin_manager.get_plugins():
        if type(plugin) is AllureFileLogger:
            plugin.__class__ = _GuardedFileLogger
            setattr(plugin, "_juo_faults", faults)  # noqa: B010 - a plain attribute of ours
            plugin_manager.unregister(plugin)
            plugin_manager.register(plugin)


_FileLogger: Any = AllureFileLogger  # untyped: one Any alias, as for the allure module


def _write_result(folder: Any, item: Any) -> None:
    """allure-commons' ``AllureFileLogger._report_item``, with the same file name, the same
    JSON and the same write-then-rename, the JSON encoded by ``resultjson`` (allure walks the
    result with ``attr.asdict``, then ``json.dump`` streams it through the pure-Python
    encoder). ``ALLURE_INDENT_OUTPUT`` (indented files) and what ``resultjson`` refuses go
    allure's way, encoded in one ``json.dumps`` call."""
    filename = item.file_pattern.format(prefix=uuid.uuid4())
    indent = _ALLURE_INDENT if os.environ.get("ALLURE_INDENT_OUTPUT") else None
    text = None
    if indent is None:
        try:
            text = resultjson.dumps(item)
        except TypeError:
            pass  # allure's way: the same JSON, or allure's own error
    if text is None:
        data = _attrs_asdict(item, filter=resultjson.kept)
        text = json.dumps(data, indent=indent, ensure_ascii=False).encode("utf-8")
    tmp = folder / f"{filename}.tmp"
    with open(tmp, "wb") as out:
        out.write(text)
    os.replace(tmp, folder / filename)


class _GuardedFileLogger(_FileLogger):  # type: ignore[misc]
    _juo_faults: OutputFaults

    def _report_item(self, item: Any) -> None:
        with self._juo_faults.guard(self._report_dir):
            _write_result(self._report_dir, item)

    @allure_hookimpl
    def report_attached_file(self, source: Any, file_name: str) -> None:
        with self._juo_faults.guard(self._report_dir):
            super().report_attached_file(source, file_name)

    @allure_hookimpl
    def report_attached_data(self, body: Any, file_name: str) -> None:
        with self._juo_faults.guard(self._report_dir):
            super().report_attached_data(body, file_name)
