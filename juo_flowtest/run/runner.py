"""Executes one flow (one case of it) against a ``JuoClient`` and returns a ``FlowResult``.

Imports neither pytest nor allure: the plugin and the CLI decide what a verdict means, and
reporters follow the run through the ``RunListener``.

A step: its kind (``flowfile.kinds``) renders its first value through a scope snapshotted
*before* the call (so ``${run.id}`` in its ``expect`` still means the run as it was) and
titles the step from it; then the kind runs, through this module's ``_StepRun``: each
response is judged (``judgement``), recorded, saved from, and the ``RunTracker`` follows the
current run and coverage. The first step that is not PASSED stops the flow.

The step is the boundary: whatever goes wrong inside it (a request that cannot be built, a
value the target sent that nothing expected, a bug of ours) ends the step as BROKEN with one
scrubbed line naming what happened, never as an exception carrying request headers or other
locals up to pytest's traceback. Header values under a sensitive name are ``Secret`` values from
the moment they are rendered until the transport sends them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import Any

from juo_flowtest.base import templating
from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.base.redaction import is_sensitive, scrub_text
from juo_flowtest.base.secrets import Secret
from juo_flowtest.expect.checks import Expect
from juo_flowtest.expect.matchcore import MISSING
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.kinds import kind_of
from juo_flowtest.flowfile.kinds.kind import RequestHeaders, text
from juo_flowtest.flowfile.scope import CurrentRun, Scope, VariableError
from juo_flowtest.paths.index import WorkflowIndex
from juo_flowtest.run.judgement import expectations, find, judge
from juo_flowtest.run.result import CallRecord, FlowResult, NullListener, RunListener, StepResult
from juo_flowtest.run.summary import summary
from juo_flowtest.run.tracker import RunTracker
from juo_flowtest.target.client import ApiResponse, JuoClient

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def run_flow(
    flow: model.Flow,
    case: model.Case | None,
    client: JuoClient,
    listener: RunListener | None = None,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    env: Mapping[str, str] | None = None,
    workflows: WorkflowIndex | None = None,
    controls: bool = False,
) -> FlowResult:
    """Run ``flow`` (with ``case``'s values) through ``client``; never raises for a bad target.

    Example::

        client = JuoClient(make_http_client(10.0), base_url, tenant, Auth("delegated", token))
        result = run_flow(flow, None, client, listener)
        result.verdict, result.message   # Verdict.FAILED, 'step 3 "respond accept" (...) failed:...'

    ``clock`` (monotonic seconds) and ``sleep`` drive ``wait`` steps; ``env`` backs
    ``${env:NAME}`` (default ``os.environ``); ``workflows``, the definitions at hand, give
    transition and end-step coverage (``paths.WorkflowIndex``); ``controls`` says the target
    has the sandbox-only controls (a clock to move, variants to pin).
    """
    run = _FlowRun(flow, case, client, listener or NullListener(), clock, sleep,
                   os.environ if env is None else env, workflows, controls)
    return run.execute()


class _FlowRun:
    """The state of one flow execution: variables, the tracked run and coverage, results."""

    def __init__(self, flow: model.Flow, case: model.Case | None, client: JuoClient,
                 listener: RunListener, clock: Clock, sleep: Sleep, env: Mapping[str, str],
                 workflows: WorkflowIndex | None = None, controls: bool = False):
        self.flow, self.case, self.client, self.listener = flow, case, client, listener
        self.controls = controls
        self.clock, self.sleep, self.env = clock, sleep, env
        self.values: dict[str, Any] = {}
        self.saved: dict[str, Any] = {}
        self.tracker = RunTracker(workflows)
        self.pins: dict[str, str] = {}  # the variants the flow covers (start: variants)

    def scope(self) -> Scope:
        return Scope(self.values, self.tracker.run, self.env)

    def execute(self) -> FlowResult:
        started = time.time()
        steps: list[StepResult] = []
        message = ""
        try:
            self._declare(self.case.values if self.case else {}, overwrite=True)
            self._declare(self.flow.vars, overwrite=False)  # a case's value wins over vars
        except VariableError as exc:
            message = f"vars: {self.scope().problem(exc)}"
        except Exception as exc:  # noqa: BLE001 - the run's boundary: a verdict, not a crash
            message = f"vars: {self.crash(exc)}"
        if not message:
            for index, step in enumerate(self.flow.steps):
                result = self._step(index, step)
                steps.append(result)
                if result.verdict is Verdict.SKIPPED:
                    message = f'skipped at step {index + 1} "{result.title}": {result.broken}'
                    break
                if result.verdict is not Verdict.PASSED:
                    message = summary(result, self.flow, len(self.flow.steps) - index - 1)
                    break
        verdict = steps[-1].verdict if steps else (Verdict.BROKEN if message else Verdict.PASSED)
        return FlowResult(
            flow_name=self.flow.name,
            case_id=self.case.id if self.case else None,
            verdict=verdict,
            steps=tuple(steps),
            message=self.client.scrub(message),
            coverage=self.tracker.coverage(),
            variables=dict(self.saved),
            started_at=started,
            stopped_at=time.time(),
        )

    def _declare(self, values: Mapping[str, Any], overwrite: bool) -> None:
        """Render variables in order, so each may use env, built-ins and the ones before it."""
        resolve = self.scope().resolve  # shares self.values, so it sees each one declared
        for name, value in values.items():
            if overwrite or name not in self.values:
                self.values[name] = templating.render(value, resolve)

    def _step(self, index: int, step: model.Step) -> StepResult:
        started = time.time()
        before = self.scope()  # the run as it is before this step's call, for its expect
        kind = kind_of(step.action)
        title = step.name or kind.key
        rendered: Any = None
        broken: str | None = None
        headers: RequestHeaders = None
        try:
            rendered = kind.render(step.action, before)
            title = step.name or kind.title(step.action, rendered)
            headers = self._headers(kind.headers(step.action), step, before)
        except VariableError as exc:
            broken = before.problem(exc)
        except Exception as exc:  # noqa: BLE001 - the step's boundary (see the module)
            broken = self.crash(exc)
        self.listener.step_started(index, title)
        run = _StepRun(self, step, before, headers)
        if broken is None:
            try:
                kind.run(step.action, rendered, run)
            except VariableError as exc:
                run.broken(before.problem(exc))
            except Exception as exc:  # noqa: BLE001 - the step's boundary (see the module)
                run.broken(self.crash(exc))
        else:
            run.broken(broken)
        if run.broken_reason is not None:
            verdict = Verdict.BROKEN
        elif run.skip_reason is not None:
            verdict = Verdict.SKIPPED
        else:
            verdict = Verdict.FAILED if run.mismatches else Verdict.PASSED
        result = StepResult(
            index=index, title=title, verdict=verdict, calls=tuple(run.calls),
            mismatches=tuple(run.mismatches), broken=run.broken_reason or run.skip_reason,
            position=step.position,
            started_at=started, stopped_at=time.time())
        self.listener.step_finished(result)
        return result

    def crash(self, exc: Exception) -> str:
        """One scrubbed line for an exception that reached the step's boundary."""
        detail = " ".join(str(exc).split())[:300]
        what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        return scrub_text(self.client.scrub(f"the step could not run: {what}"))

    def _headers(self, action_headers: model.Headers, step: model.Step,
                 scope: Scope) -> RequestHeaders:
        """The flow's, then the action's, then the step's headers (later ones win), rendered;
        values under a sensitive name (``X-Delegated-Token``...) as ``Secret`` values."""
        pairs = self.flow.headers.values + action_headers.values + step.headers.values
        if not pairs:
            return None
        headers: dict[str, Any] = {}
        for name, value in pairs:
            if value is None:
                headers[name] = None
                continue
            rendered = text(templating.render(value, scope.resolve))
            headers[name] = Secret(rendered) if is_sensitive(name) else rendered
        return headers


class _StepRun:
    """One step's run: what its kind may do (``flowfile.kinds.kind.StepRun``)."""

    __slots__ = ("_flow", "broken_reason", "calls", "client", "clock", "controls", "expect",
                 "headers", "mismatches", "save_specs", "scope", "skip_reason", "sleep")

    def __init__(self, flow: _FlowRun, step: model.Step, scope: Scope,
                 headers: RequestHeaders) -> None:
        self._flow = flow
        self.client = flow.client
        self.clock, self.sleep = flow.clock, flow.sleep
        self.scope = scope
        self.headers = headers
        self.expect = step.expect
        self.save_specs = step.save
        self.calls: list[CallRecord] = []
        self.mismatches: list[Mismatch] = []
        self.broken_reason: str | None = None
        self.skip_reason: str | None = None
        self.controls = flow.controls

    @property
    def current(self) -> CurrentRun | None:
        return self._flow.tracker.run

    @property
    def stopped(self) -> bool:
        return self.broken_reason is not None or self.skip_reason is not None

    def call(self, kind: str, title: str, response: ApiResponse,
             answered: tuple[CurrentRun, str] | None = None) -> None:
        other = self._other_variant(response)
        if other is not None:  # judged against another variant, the flow would fail wrongly
            self._record(kind, title, response, None)
            self._learn(response, answered)  # the run still went there: coverage counts it
            self.skip(other)
            return
        record = self._record(kind, title, response, self.expect)
        self.mismatches.extend(record.mismatches)
        if record.broken is not None:
            self.broken_reason = record.broken
            return
        self._save(response)
        if response.ok:
            self._learn(response, answered)

    def _learn(self, response: ApiResponse, answered: tuple[CurrentRun, str] | None) -> None:
        """Coverage from an accepted call: the answer given (first: the move it starts), then
        the run state it led to."""
        if answered is not None:
            run, response_type = answered
            self._flow.tracker.exercise(run.workflow_key, str(run.step_id), response_type,
                                        run.run_id)
        self._flow.tracker.observe(response.body)

    def poll(self, title: str, response: ApiResponse, until: Expect) -> CallRecord:
        record = self._record("poll", title, response, until)
        if record.broken is not None:
            self.broken_reason = f"{title}: {record.broken}"
        elif response.ok:
            self._flow.tracker.observe(response.body)
        return record

    def settle(self, response: ApiResponse) -> None:
        if self.expect is not None:
            self.mismatches.extend(expectations(self.expect, response, self.scope.resolve))
        self._save(response)

    def fail(self, *mismatches: Mismatch) -> None:
        self.mismatches.extend(mismatches)

    def broken(self, reason: str) -> None:
        self.broken_reason = reason

    def skip(self, reason: str) -> None:
        self.skip_reason = reason

    def pin(self, variants: dict[str, str]) -> None:
        self._flow.pins = dict(variants)

    def _other_variant(self, response: ApiResponse) -> str | None:
        """Why to skip: the target assigned a variant other than the one the flow covers."""
        pins = self._flow.pins
        if not pins or self.controls or not response.ok or not isinstance(response.body, dict):
            return None
        result = response.body.get("result")
        drawn = result.get("variants") if isinstance(result, dict) else None
        if not isinstance(drawn, dict):
            return None
        for step_id, wanted in pins.items():
            got = drawn.get(step_id)
            if got is not None and got != wanted:
                return (f"the target assigned variant '{got}' at step '{step_id}'; this flow "
                        f"covers variant '{wanted}', and only the sandbox can pin a variant "
                        "(its coverage counts the variant the run took)")
        return None

    def _record(self, kind: str, title: str, response: ApiResponse,
                expect: Expect | None) -> CallRecord:
        record = judge(kind, title, response, expect, self.scope.resolve)
        self.calls.append(record)
        self._flow.listener.call_finished(record)
        return record

    def _save(self, response: ApiResponse) -> None:
        for spec in self.save_specs:
            if spec.header is not None:
                value = response.headers.get(spec.header.lower(), MISSING)
                source = f"header {spec.header}"
            else:
                value = find(spec.parsed, response.body)
                source = str(spec.jsonpath)
            if value is MISSING:
                self.mismatches.append(Mismatch(
                    f"save {spec.name}", source, MISSING,
                    f"save '{spec.name}': {source} matched nothing", spec.position))
            else:
                self._flow.values[spec.name] = self._flow.saved[spec.name] = value
