"""Flows checked against workflow definitions: what a flow names that no workflow offers.

A flow's opening ``start`` names its trigger type (``flowType``); every workflow of that
trigger type (any status, any version) is what the flow may meet. Then, in order:

- ``expect.pending.stepId`` / ``expect.pending.actionType`` must be an interaction step / an
  interaction action type of one of those workflows, ``expect.endStep.id`` a step of one;
- a ``respond`` must answer a response type that the pending step offers (the step the
  previous ``expect`` named, when it named one), else that some step of those workflows offers.

Only plain literal strings are judged (``${...}`` and ``$`` operators are left alone), a call
expected to be rejected (``expect.http`` 4xx/5xx) is not judged, and a trigger type no
definition has is skipped (a flow may test an unknown ``flowType`` on purpose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.source import yamlsource
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, PosList


@dataclass(frozen=True, slots=True)
class Offer:
    """What the workflows of one trigger type offer."""

    workflows: tuple[Workflow, ...]

    @property
    def label(self) -> str:
        names = [f"{w.name or w.id} v{w.version}" for w in self.workflows]
        return names[0] if len(names) == 1 else "any of " + ", ".join(names)

    def interactive(self) -> set[str]:
        return {s.id for w in self.workflows for s in w.steps.values() if s.interactive}

    def steps(self) -> set[str]:
        return {s for w in self.workflows for s in w.steps}

    def action_types(self) -> set[str]:
        return {s.action.type for w in self.workflows for s in w.steps.values()
                if s.interactive and s.action is not None}

    def responses(self, step_id: str | None) -> set[str]:
        return {r for w in self.workflows for s in w.steps.values()
                if s.interactive and step_id in (None, s.id) for r in s.response_types}


def by_trigger(workflows: Sequence[Workflow]) -> dict[str, Offer]:
    """The definitions grouped by trigger type."""
    groups: dict[str, list[Workflow]] = {}
    for workflow in workflows:
        groups.setdefault(workflow.trigger_type, []).append(workflow)
    return {t: Offer(tuple(ws)) for t, ws in groups.items()}


def check_flow_file(path: Path, offers: dict[str, Offer]) -> list[Diagnostic]:
    """The problems of one (valid) flow file against ``offers``."""
    text = path.read_text(encoding="utf-8")
    parsed = yamlsource.parse(text, str(path))
    found = Problems(str(path), text)
    for data, _ in parsed.documents:
        if isinstance(data, PosDict):
            _Flow(found, offers).check(data)
    return found.diagnostics()


class _Flow:
    def __init__(self, found: Problems, offers: dict[str, Offer]) -> None:
        self.found, self.offers = found, offers
        self.offer: Offer | None = None
        self.pending: str | None = None  # the step the last expect said is pending

    def check(self, flow: PosDict) -> None:
        self._start(flow.get("start"))
        self._expect(flow.get("expect"))
        steps = flow.get("steps")
        for step in steps if isinstance(steps, PosList) else []:
            if not isinstance(step, PosDict):
                continue
            if "start" in step:
                self._start(step["start"])
            rejected = _rejected(step.get("expect"))
            if "respond" in step and not rejected:  # a refused respond changes nothing
                self._respond(step)
                self.pending = None
            self._expect(step.get("expect"))

    def _start(self, start: Any) -> None:
        flow_type = _literal(start.get("flowType")) if isinstance(start, PosDict) else None
        self.offer = self.offers.get(flow_type) if flow_type else None
        self.pending = None

    def _respond(self, step: PosDict) -> None:
        raw = step["respond"]
        where = yamlsource.child_position(step, "respond")
        if isinstance(raw, PosDict):
            where = yamlsource.child_position(raw, "type") or where
            raw = raw.get("type")
        response = _literal(raw)
        if self.offer is None or response is None:
            return
        if response not in self.offer.responses(self.pending):
            if self.pending is not None:
                offered = ", ".join(sorted(self.offer.responses(self.pending))) or "none"
                self._problem(where, f"step '{self.pending}' offers no response '{response}' "
                              f"in {self.offer.label}", f"it offers: {offered}")
            else:
                self._problem(where, f"no step offers the response '{response}' in "
                              f"{self.offer.label}", "pull the definitions again, or fix the flow")

    def _expect(self, expect: Any) -> None:
        if not isinstance(expect, PosDict) or self.offer is None:
            return
        pending = expect.get("pending")
        if isinstance(pending, PosDict):
            step_id = _literal(pending.get("stepId"))
            if step_id is not None:
                self.pending = step_id
            if step_id is not None and step_id not in self.offer.interactive():
                self._problem(yamlsource.child_position(pending, "stepId"),
                              f"no interaction step '{step_id}' in {self.offer.label}",
                              _choices(self.offer.interactive()))
            action = _literal(pending.get("actionType"))
            if action is not None and action not in self.offer.action_types():
                self._problem(yamlsource.child_position(pending, "actionType"),
                              f"no step asks with action type '{action}' in {self.offer.label}",
                              _choices(self.offer.action_types()))
        end = expect.get("endStep")
        end_id = _literal(end.get("id")) if isinstance(end, PosDict) else None
        if isinstance(end, PosDict) and end_id is not None and end_id not in self.offer.steps():
            self._problem(yamlsource.child_position(end, "id"),
                          f"no step '{end_id}' in {self.offer.label}",
                          _choices(self.offer.steps()))

    def _problem(self, at: Position | None, message: str, hint: str) -> None:
        self.found.add(at, message, hint)


def _literal(value: Any) -> str | None:
    """A plain string the flow wrote (no placeholder, no operator), else None."""
    return value if isinstance(value, str) and "${" not in value and value else None


def _rejected(expect: Any) -> bool:
    """Whether the step expects its call to be refused (``http`` 4xx or 5xx)."""
    http = expect.get("http") if isinstance(expect, PosDict) else None
    return isinstance(http, int) and not isinstance(http, bool) and http >= 400


def _choices(names: set[str]) -> str:
    listed = sorted(names)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"known: {shown}" if listed else "the workflows have none"
