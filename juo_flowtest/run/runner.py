"""Executes one flow (one case of it) against a ``JuoClient`` and returns a ``FlowResult``.

Imports neither pytest nor allure: the plugin and the CLI decide what a verdict means, and
reporters follow the run through the ``RunListener``.

A step: render its action's values through a scope snapshotted *before* the call (so
``${run.id}`` in its ``expect`` still means the run as it was) — the step's title comes from
those same rendered values — make the call, judge the response (``judgement``), save values,
and let the ``RunTracker`` follow the current run and coverage from the run state. The first
step that is not PASSED stops the flow.

The parts live in modules of their own: ``scope`` (``${...}``), ``request`` (rendering a
step's request), ``tracker`` (current run, coverage), ``judgement`` (BROKEN / FAILED),
``titles`` (wording).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from juo_flowtest.base import templating
from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.expect.matchers import MISSING
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.request import Headers, first_value, request_headers, respond_body
from juo_flowtest.flowfile.scope import Scope, VariableError
from juo_flowtest.run.judgement import expectations, find, judge, timeout_mismatch
from juo_flowtest.run.result import CallRecord, FlowResult, NullListener, RunListener, StepResult
from juo_flowtest.run.titles import call_title, plain_title, respond_title, summary, text
from juo_flowtest.run.tracker import RunTracker
from juo_flowtest.target.client import ApiResponse, JuoClient

Clock = Callable[[], float]
Sleep = Callable[[float], None]

_BACKOFF_FACTOR = 1.5
_BACKOFF_CAP_S = 2.0

#: An action that makes one call (a wait makes many).
_OneCall = model.StartAction | model.AttachAction | model.GetAction | model.RespondAction


@dataclass(slots=True)
class _Outcome:
    """What one step produced, before it becomes a ``StepResult``."""

    calls: list[CallRecord]
    mismatches: list[Mismatch]
    broken: str | None = None


def run_flow(
    flow: model.Flow,
    case: model.Case | None,
    client: JuoClient,
    listener: RunListener | None = None,
    *,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    env: Mapping[str, str] | None = None,
) -> FlowResult:
    """Run ``flow`` (with ``case``'s values) through ``client``; never raises for a bad target.

    Example::

        client = JuoClient(make_http_client(10.0), base_url, tenant, Auth("delegated", token))
        result = run_flow(flow, None, client, listener)
        result.verdict, result.message   # Verdict.FAILED, 'step 3 "respond accept" (...) failed:...'

    ``clock`` (monotonic seconds) and ``sleep`` drive ``wait`` steps; ``env`` backs
    ``${env:NAME}`` (default ``os.environ``).
    """
    run = _FlowRun(flow, case, client, listener or NullListener(), clock, sleep,
                   os.environ if env is None else env)
    return run.execute()


class _FlowRun:
    """The state of one flow execution: variables, the tracked run and coverage, results."""

    def __init__(self, flow: model.Flow, case: model.Case | None, client: JuoClient,
                 listener: RunListener, clock: Clock, sleep: Sleep, env: Mapping[str, str]):
        self.flow, self.case, self.client, self.listener = flow, case, client, listener
        self.clock, self.sleep, self.env = clock, sleep, env
        self.values: dict[str, Any] = {}
        self.saved: dict[str, Any] = {}
        self.tracker = RunTracker()

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
        if not message:
            for index, step in enumerate(self.flow.steps):
                result = self._step(index, step)
                steps.append(result)
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

    # -- one step ----------------------------------------------------------------------------

    def _step(self, index: int, step: model.Step) -> StepResult:
        started = time.time()
        before = self.scope()  # the run as it is before this step's call, for its expect
        outcome = _Outcome([], [])
        title = step.name or plain_title(step.action)
        first: Any = None
        try:
            first = first_value(step.action, before)
            title = step.name or call_title(step.action, first)
        except VariableError as exc:
            outcome.broken = before.problem(exc)
        self.listener.step_started(index, title)
        if outcome.broken is None:
            try:
                self._act(step, first, before, outcome)
            except VariableError as exc:
                outcome.broken = before.problem(exc)
        if outcome.broken is not None:
            verdict = Verdict.BROKEN
        else:
            verdict = Verdict.FAILED if outcome.mismatches else Verdict.PASSED
        result = StepResult(
            index=index, title=title, verdict=verdict, calls=tuple(outcome.calls),
            mismatches=tuple(outcome.mismatches), broken=outcome.broken, position=step.position,
            started_at=started, stopped_at=time.time())
        self.listener.step_finished(result)
        return result

    def _act(self, step: model.Step, first: Any, before: Scope, out: _Outcome) -> None:
        action = step.action
        headers = request_headers(self.flow, step, before)
        if isinstance(action, model.WaitAction):
            self._wait(step, action, str(first), headers, before, out)
            return
        run = self.tracker.run  # a respond answers the pending step of the run before the call
        call = self._call(action, first, headers, before, out)
        if call is None:
            return
        kind, title, response, respond = call
        self._record(kind, title, response, step.expect, before, out)
        if out.broken is not None:
            return
        self._save(step.save, response, out)
        if response.ok:
            if respond is not None and run is not None and run.step_id is not None:
                self.tracker.exercise(run.workflow_key, run.step_id,
                                      text(respond["responseType"]))
            self.tracker.observe(response.body)

    def _call(self, action: _OneCall, first: Any, headers: Headers, scope: Scope,
              out: _Outcome) -> tuple[str, str, ApiResponse, dict[str, Any] | None] | None:
        """Make the action's call: (kind, call title, response, respond body), or None."""
        if isinstance(action, model.StartAction):
            return "start", call_title(action, first), self.client.start(first, headers), None
        if isinstance(action, model.AttachAction):
            return "attach", f"attach {first}", self.client.get(first, headers), None
        run = self.tracker.run
        if run is None:
            out.broken = (f"{plain_title(action)} needs a current run, and there is none: "
                          "the flow must start or attach a run first")
            return None
        if isinstance(action, model.GetAction):
            return "get", "get", self.client.get(run.run_id, headers), None
        respond = respond_body(action, first, run, scope)
        if isinstance(respond, str):
            out.broken = respond
            return None
        title = respond_title(respond["responseType"], run)
        return "respond", title, self.client.respond(run.run_id, respond, headers), respond

    def _wait(self, step: model.Step, action: model.WaitAction, title: str, headers: Headers,
              before: Scope, out: _Outcome) -> None:
        if self.tracker.run is None:
            out.broken = "wait needs a current run, and there is none: start or attach one first"
            return
        run_id = self.tracker.run.run_id
        deadline = self.clock() + action.timeout_s
        delay = action.interval_s
        polls = 0
        while True:
            polls += 1
            response = self.client.get(run_id, headers)
            poll = _Outcome(out.calls, [])
            self._record("poll", f"poll {polls} of {title}", response, action.until, before, poll)
            if poll.broken is not None:
                out.broken = f"poll {polls} of {title}: {poll.broken}"
                return
            if response.ok:
                self.tracker.observe(response.body)
            if not poll.mismatches:
                break
            remaining = deadline - self.clock()
            if remaining <= 0:
                out.mismatches.append(timeout_mismatch(action, polls, response))
                out.mismatches.extend(poll.mismatches)
                return
            self.sleep(min(delay, remaining))  # the last sleep ends at the deadline, not after
            delay = min(delay * _BACKOFF_FACTOR, max(_BACKOFF_CAP_S, action.interval_s))
        if step.expect is not None:
            out.mismatches.extend(expectations(step.expect, response, before.resolve))
        self._save(step.save, response, out)

    # -- judging and saving ------------------------------------------------------------------

    def _record(self, kind: str, title: str, response: ApiResponse,
                expect: model.Expect | None, scope: Scope, out: _Outcome) -> None:
        """Judge ``response`` into ``out`` and report the call to the listener."""
        record = judge(kind, title, response, expect, scope.resolve)
        out.calls.append(record)
        out.mismatches.extend(record.mismatches)
        out.broken = record.broken
        self.listener.call_finished(record)

    def _save(self, specs: tuple[model.SaveSpec, ...], response: ApiResponse,
              out: _Outcome) -> None:
        for spec in specs:
            if spec.header is not None:
                value = response.headers.get(spec.header.lower(), MISSING)
                source = f"header {spec.header}"
            else:
                value = find(spec.parsed, response.body)
                source = str(spec.jsonpath)
            if value is MISSING:
                out.mismatches.append(Mismatch(
                    f"save {spec.name}", source, MISSING,
                    f"save '{spec.name}': {source} matched nothing", spec.position))
            else:
                self.values[spec.name] = self.saved[spec.name] = value
