"""Transition and end-step coverage of one flow execution, learnt from the run states it sees.

The units a workflow has come from its definition (``paths.WorkflowIndex``: the sandbox's
workflows, or the ones given with ``--juo-workflows`` for another target). The units a run went
through come from ``result.transitions`` when the target lists them (the sandbox does:
``[{stepId, transitionId}, ...]``, in order); otherwise they are inferred from the steps seen
before and after each call, and a move several walks could explain is noted, not guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from juo_flowtest.paths.index import Event, Landing, WorkflowIndex, WorkflowPaths

_TERMINAL = ("completed", "failed", "cancelled")


@dataclass(slots=True)
class _RunView:
    """What is known of one run: where it was last seen waiting, and what was done since."""

    position: str | None = None
    event: Event = ("start",)
    listed: int = 0  # result.transitions entries already counted
    ended: bool = False


@dataclass(slots=True)
class PathTracker:
    """Collects, per workflow key, the transition and end units known and exercised."""

    index: WorkflowIndex | None
    transitions_known: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    transitions_exercised: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    ends_known: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    ends_exercised: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    never: dict[str, set[tuple[tuple[str, ...], str]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    notes: dict[str, set[str]] = field(default_factory=dict)
    runs: dict[str, _RunView] = field(default_factory=dict)

    def answered(self, run_id: str, response_type: str) -> None:
        """A respond to ``run_id`` was accepted: the next move starts with that response."""
        view = self.runs.get(run_id)
        if view is not None:
            view.event = ("response", response_type)

    def observe(self, key: str, body: dict[str, Any]) -> None:
        """Learn from one successful run state of the workflow ``key``."""
        paths = self._paths(key)
        view = self.runs.setdefault(body["runId"], _RunView())
        if view.ended:
            return
        result = body.get("result")
        listed = result.get("transitions") if isinstance(result, dict) else None
        variants = result.get("variants") if isinstance(result, dict) else None
        variants = variants if isinstance(variants, dict) else {}
        status = body.get("status")
        if paths is None:
            self._note(key, f"no definition of {key} at hand: its transitions and end steps "
                       "are not counted (give the definitions with --juo-workflows DIR)")
            return
        if isinstance(listed, list) and all(_pair(t) for t in listed):
            self._listed(key, paths, view, listed, variants, body)
        else:
            self._inferred(key, paths, view, variants, body)
        if status in _TERMINAL:
            view.ended = True

    def _listed(self, key: str, paths: WorkflowPaths, view: _RunView, listed: list[Any],
                variants: Mapping[str, Any], body: dict[str, Any]) -> None:
        done = self.transitions_exercised.setdefault(key, set())
        for t in listed[view.listed:]:
            done.add(paths.unit(t["stepId"], t["transitionId"], variants))
        view.listed = len(listed)
        if body.get("status") in _TERMINAL:
            position = paths.position((t["stepId"], t["transitionId"]) for t in listed)
            self._ended(key, paths, body, position)

    def _inferred(self, key: str, paths: WorkflowPaths, view: _RunView,
                  variants: Mapping[str, Any], body: dict[str, Any]) -> None:
        landing = _landing(body)
        if landing is None:  # running: the move is not over yet
            return
        if landing == ("wait", view.position) and view.event[0] != "response":
            return  # the same wait seen again
        found = paths.infer(view.position, view.event, landing, variants)
        if found is None:
            self._note(key, f"a move from {view.position or 'the start'} "
                       f"({' '.join(view.event)}) to {landing[0]} {landing[1]} fits several "
                       "paths (or none): its transitions were not counted")
            stop = landing[1]
        else:
            units, stop = found
            self.transitions_exercised.setdefault(key, set()).update(units)
        view.position, view.event = stop, ("timeout",)
        if landing[0] != "wait":
            self._ended(key, paths, body, stop)

    def _ended(self, key: str, paths: WorkflowPaths, body: dict[str, Any],
               position: str | None) -> None:
        status = str(body.get("status"))
        outcome = body.get("outcome")
        if status == "cancelled" and isinstance(outcome, dict) \
                and outcome.get("type") == "abandoned":
            status = "abandoned"
        end = paths.end(status, _end_step(body), position)
        if end is not None:
            self.ends_exercised.setdefault(key, set()).add(end)

    def _paths(self, key: str) -> WorkflowPaths | None:
        paths = self.index.get(key) if self.index is not None else None
        if paths is not None and key not in self.transitions_known:
            units = paths.units
            self.transitions_known[key] = set(units.known_transitions)
            self.ends_known[key] = set(units.known_ends)
            self.never[key] = {(u, why) for u, why in units.never.items()}
            self.names[key] = units.name
        return paths

    def _note(self, key: str, text: str) -> None:
        self.notes.setdefault(key, set()).add(text)


def _pair(t: Any) -> bool:
    return (isinstance(t, dict) and isinstance(t.get("stepId"), str)
            and isinstance(t.get("transitionId"), str))


def _end_step(body: dict[str, Any]) -> str | None:
    completion = body.get("completionData")
    end = completion.get("endStep") if isinstance(completion, dict) else None
    found = end.get("id") if isinstance(end, dict) else None
    return found if isinstance(found, str) else None


def _landing(body: dict[str, Any]) -> Landing | None:
    status = body.get("status")
    if status == "waiting_interaction":
        pending = body.get("pendingInteraction")
        step = pending.get("stepId") if isinstance(pending, dict) else None
        return ("wait", str(step)) if step is not None else None
    if status == "completed":
        return ("end", _end_step(body) or "")
    if status == "failed":
        return ("failed", "")
    if status == "cancelled":
        outcome = body.get("outcome")
        if isinstance(outcome, dict) and outcome.get("type") == "abandoned":
            return ("abandoned", _end_step(body) or "")
    return None
