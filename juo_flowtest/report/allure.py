"""Allure reporting: labels at collection, live steps from the runner, run-level files.

The one module importing allure. It only listens: the plugin calls ``collection_marks`` at
collection, ``begin_test`` / ``AllureListener`` / ``end_test`` inside the running test, and the
run-level writers (``clean_results_dir``, ``write_run_files``, ``write_invalid_file``) once in
the controller. allure-pytest sets the test's own status from the exception the plugin raises;
this module makes the steps' statuses, times, attachments and the run files right.

Everything written is scrubbed again (``scrub``) although the client already redacts: a token
must never reach a report file even if a header or a body echoes it.

Each call costs one attachment file, "Request and response", written by ``prettyjson`` through
``redaction.scrub_json``: with Allure on, those per-call attachments were most of the run's CPU.

Why this is over 300 lines: the mismatch table and the synthetic result files exist only to
feed Allure, and splitting them out would spread the allure knowledge around.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
import uuid
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import allure as _allure_module
from allure_commons import hookimpl as allure_hookimpl
from allure_commons import plugin_manager
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import StatusDetails
from allure_commons.reporter import AllureReporter
from allure_commons.types import LabelType

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


def end_test(run: result.FlowResult, *, secrets: Iterable[str] | None = None) -> None:
    """Attach the failure summary and the saved variables to a flow that did not pass."""
    if run.verdict is Verdict.PASSED:
        return
    secrets = known_secrets(secrets)
    _attach(scrub_text(run.message, secrets), "Failure summary", allure.attachment_type.TEXT)
    # The mismatch table sits on the failing step (step_finished); not repeated here.
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
                  secrets: Iterable[str] | None = None) -> None:
    """Give a failed or broken test the flow's own message, not a Python exception's.

    allure-pytest writes ``exconly()`` (``...FlowFailed: ...``) and pytest's long repr as the
    trace, which repeat the message; the flow's message already says what failed and where.
    ``listener`` is allure-pytest's (``config.pluginmanager.get_plugin("allure_listener")``).
    """
    uuid = listener._cache.get(nodeid) if listener is not None else None
    test = listener.allure_logger.get_test(uuid) if uuid else None
    if test is None or test.status not in ("failed", "broken"):
        return
    test.statusDetails = StatusDetails(message=scrub_text(message, known_secrets(secrets)))


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


def _open_step(reporter: Any, title: str, params: dict[str, str], started_at: float = 0.0) -> str:
    step_id = uuid.uuid4().hex
    plugin_manager.hook.start_step(uuid=step_id, title=title, params=params)
    step = reporter.get_item(step_id) if reporter else None
    if step is not None and _ms(started_at):
        step.start = _ms(started_at)
    return step_id


def _close_step(
    reporter: Any, step_id: str, title: str, verdict: Verdict, message: str,
    times: tuple[float, float],
) -> None:
    """Stop a step with its verdict; fix the real start/stop and a clean status message."""
    step = reporter.get_item(step_id) if reporter else None
    error: Exception | None = None
    if verdict is Verdict.FAILED:
        error = _StepFailed(message)
    elif verdict is Verdict.BROKEN:
        error = _StepBroken(message)
    plugin_manager.hook.stop_step(
        uuid=step_id, title=title, exc_type=type(error) if error else None, exc_val=error,
        exc_tb=None,
    )
    if step is None:
        return
    step.name = title
    step.statusDetails = StatusDetails(message=message) if error else None
    if _ms(times[0]):
        step.start = _ms(times[0])
    if _ms(times[1]):
        step.stop = _ms(times[1])


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


class AllureListener:
    """A ``result.RunListener`` turning the run into nested Allure steps as it happens.

    ``secrets``: values to scrub wherever they appear (the target's token); the values of
    ``redaction.TOKEN_VARIABLES`` are always added. Mismatches and titles come from the flow file and
    may hold a token written as ``${env:...}``: only these known values can catch that.
    Call ``close()`` after the run to stop steps a crashed run left open.
    """

    def __init__(self, *, secrets: Iterable[str] | None = None) -> None:
        self._secrets = known_secrets(secrets)
        self._open: list[str] = []
        # Looked up once: scanning pytest's plugins costs ~5 µs, four times per call.
        self._reporter = _reporter()

    def step_started(self, index: int, title: str) -> None:
        self._open.append(_open_step(self._reporter, scrub_text(title, self._secrets), {}))

    def call_finished(self, record: result.CallRecord) -> None:
        title = f"{scrub_text(record.title, self._secrets)} — {_call_outcome(record.exchange)}"
        params = {"kind": record.kind}
        if record.exchange is not None:
            params["HTTP status"] = str(record.exchange.status)
            params["time"] = f"{record.exchange.elapsed_ms:.1f} ms"
        step_id = _open_step(self._reporter, title, params, record.started_at)
        if record.exchange is not None:
            self._attach_exchange(record.exchange)
        verdict, message = _call_verdict(record)
        times = (record.started_at, record.stopped_at)
        _close_step(self._reporter, step_id, title, verdict,
                    scrub_text(message, self._secrets), times)

    def step_finished(self, result: result.StepResult) -> None:
        title = scrub_text(result.title, self._secrets)
        step_id = self._open.pop() if self._open else _open_step(self._reporter, title, {})
        mismatches = _step_mismatches(result)
        if mismatches:
            _attach(mismatch_table(result.title, mismatches, self._secrets), "Mismatches",
                    allure.attachment_type.HTML)
        message = result.broken or "\n".join(_mismatch_line(m) for m in mismatches)
        times = (result.started_at, result.stopped_at)
        _close_step(self._reporter, step_id, title, result.verdict,
                    scrub_text(message, self._secrets), times)

    def close(self) -> None:
        """Stop any step left open (the run died between step_started and step_finished)."""
        while self._open:
            step_id = self._open.pop()
            _close_step(self._reporter, step_id, "step did not finish", Verdict.BROKEN,
                        "the run stopped inside this step", (0.0, 0.0))

    def _attach_exchange(self, exchange: Exchange) -> None:
        _attach(exchange_json(exchange, self._secrets), EXCHANGE_ATTACHMENT,
                allure.attachment_type.JSON)


#: The one attachment of each call: ``{"request": {...}, "response": {...}}``.
EXCHANGE_ATTACHMENT = "Request and response"


def exchange_json(exchange: Exchange, secrets: tuple[str, ...]) -> str:
    """``_json(scrub({"request": ..., "response": ...}))``, each part scrubbed on its own.

    Parts apart: the request headers always name a sensitive header (its value already
    ``<redacted>``), which would send the whole exchange, bodies too, down the slow walk.
    """
    request = {
        "method": exchange.method,
        "url": exchange.url,
        "headers": exchange.request_headers,
        "body": exchange.request_body,
    }
    response = {
        "status": exchange.status,
        "elapsedMs": round(exchange.elapsed_ms, 1),
        "headers": exchange.response_headers,
        "body": exchange.response_body,
    }
    return prettyjson.members(
        (name, prettyjson.members(
            ((key, scrub_json(value, secrets, level=2)) for key, value in part.items()), 1))
        for name, part in (("request", request), ("response", response))
    )


# ----- mismatch table ----------------------------------------------------------------------


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


_TABLE_STYLE = (
    "body{font:14px sans-serif;margin:8px}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}td.v{font-family:monospace;white-space:pre-wrap}"
    "td.e{color:#1a7f37}td.a{color:#cf222e}pre{margin:4px 0;font-size:12px}"
)


def mismatch_table(title: str, mismatches: Iterable[Mismatch], secrets: Iterable[str] = ()) -> str:
    """An HTML page with one row per mismatch: path, expected, actual, why, where."""
    secrets = tuple(secrets)
    rows = []
    for m in mismatches:
        cells = [
            html.escape(scrub_text(m.path, secrets)),
            html.escape(scrub_json(m.expected, secrets)),
            html.escape(scrub_json(m.actual, secrets)),
            html.escape(scrub_text(m.message, secrets)),
            html.escape(str(m.position) if m.position else ""),
        ]
        diff = f"<pre>{html.escape(scrub_text(m.diff, secrets))}</pre>" if m.diff else ""
        rows.append(
            f"<tr><td class=v>{cells[0]}</td><td class='v e'>{cells[1]}</td>"
            f"<td class='v a'>{cells[2]}</td><td>{cells[3]}{diff}</td><td>{cells[4]}</td></tr>"
        )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><style>{_TABLE_STYLE}</style></head>"
        f"<body><h3>{html.escape(scrub_text(title, secrets))}</h3><table><tr><th>path</th>"
        f"<th>expected</th><th>actual</th><th>why</th><th>flow file</th></tr>{''.join(rows)}"
        "</table></body></html>"
    )


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


class _GuardedFileLogger(_FileLogger):  # type: ignore[misc]
    _juo_faults: OutputFaults

    def _report_item(self, item: Any) -> None:
        with self._juo_faults.guard(self._report_dir):
            super()._report_item(item)

    @allure_hookimpl
    def report_attached_file(self, source: Any, file_name: str) -> None:
        with self._juo_faults.guard(self._report_dir):
            super().report_attached_file(source, file_name)

    @allure_hookimpl
    def report_attached_data(self, body: Any, file_name: str) -> None:
        with self._juo_faults.guard(self._report_dir):
            super().report_attached_data(body, file_name)
