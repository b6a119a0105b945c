"""Local workflow definitions against the target's: which workflows and which steps differ, and how.

Workflows are matched by id. A workflow differs when its version, status or content does;
each step is matched by its id and reported added, removed, or changed in its name, action
type, action config, transitions (added, removed, retargeted), conditions, experiment, or
initial/final mark. Differences read "here -> on the target".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from juo_flowtest.workflows.document import file_document

_SHORT = 40
_TRANSITION_WORDS = {"targetStepId": "target", "responseType": "response", "timeout": "timeout",
                     "type": "type"}


@dataclass(frozen=True, slots=True)
class StepChange:
    step_id: str
    kind: str  # "added" (on the target only) | "removed" (here only) | "changed"
    aspects: tuple[str, ...] = ()  # e.g. ("action config", "transitions")
    details: tuple[str, ...] = ()  # e.g. ("action config: percentage 20 -> 25",)
    action_type: str = ""


@dataclass(frozen=True, slots=True)
class WorkflowChange:
    id: str
    name: str
    kind: str  # "changed" | "target_only" | "local_only" | "equal"
    file: str | None = None
    fields: tuple[str, ...] = ()  # workflow-level differences, e.g. "version 1 -> 2"
    steps: tuple[StepChange, ...] = ()
    status: str = ""
    trigger_type: str = ""


@dataclass(frozen=True, slots=True)
class DefinitionsDiff:
    here: str
    target: str
    workflows: tuple[WorkflowChange, ...]

    @property
    def differs(self) -> bool:
        return any(w.kind != "equal" for w in self.workflows)

    def count(self, kind: str) -> int:
        return sum(w.kind == kind for w in self.workflows)


def compare(local: Mapping[str, tuple[str, Mapping[str, Any]]],
            remote: Mapping[str, Mapping[str, Any]], here: str, target: str) -> DefinitionsDiff:
    """``local``: id -> (file, definition); ``remote``: id -> the target's ``Workflow``."""
    changes: list[WorkflowChange] = []
    for wid in sorted(local.keys() | remote.keys(),
                      key=lambda i: (_name(local, remote, i).casefold(), i)):
        if wid not in remote:
            file, mine = local[wid]
            changes.append(WorkflowChange(wid, str(mine.get("name", "")), "local_only", file,
                                          status=str(mine.get("status", "")),
                                          trigger_type=str(mine.get("triggerType", ""))))
        elif wid not in local:
            theirs = remote[wid]
            changes.append(WorkflowChange(wid, str(theirs.get("name", "")), "target_only",
                                          status=str(theirs.get("status", "")),
                                          trigger_type=str(theirs.get("triggerType", ""))))
        else:
            changes.append(_workflow(wid, local[wid][0], local[wid][1], remote[wid]))
    return DefinitionsDiff(here, target, tuple(changes))


def _name(local: Mapping[str, tuple[str, Mapping[str, Any]]],
          remote: Mapping[str, Mapping[str, Any]], wid: str) -> str:
    found = remote.get(wid) or local[wid][1]
    return str(found.get("name", ""))


def _workflow(wid: str, file: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]
              ) -> WorkflowChange:
    a, b = file_document(mine), file_document(theirs)
    fields = [f"{key} {_show(a.get(key))} -> {_show(b.get(key))}"
              for key in ("name", "version", "status", "triggerType", "description")
              if a.get(key) != b.get(key)]
    trigger_a, trigger_b = a.get("trigger") or {}, b.get("trigger") or {}
    for key in sorted(set(trigger_a) | set(trigger_b)):
        if trigger_a.get(key) != trigger_b.get(key):
            fields.append("trigger conditions changed" if key == "conditions" else
                          f"trigger {key} {_show(trigger_a.get(key))} -> "
                          f"{_show(trigger_b.get(key))}")
    if a.get("metadata") != b.get("metadata"):
        fields.append("metadata (editor canvas) changed")
    steps = _steps(a.get("steps") or [], b.get("steps") or [])
    kind = "changed" if fields or steps else "equal"
    return WorkflowChange(wid, str(theirs.get("name", "")), kind, file, tuple(fields),
                          tuple(steps), str(theirs.get("status", "")),
                          str(theirs.get("triggerType", "")))


def _steps(mine: list[Any], theirs: list[Any]) -> list[StepChange]:
    a = {s.get("id"): s for s in mine if isinstance(s, dict)}
    b = {s.get("id"): s for s in theirs if isinstance(s, dict)}
    order = [s for s in b] + [s for s in a if s not in b]  # the target's order, then removed
    out: list[StepChange] = []
    for sid in order:
        if sid not in a:
            out.append(StepChange(str(sid), "added", action_type=_action_type(b[sid])))
        elif sid not in b:
            out.append(StepChange(str(sid), "removed", action_type=_action_type(a[sid])))
        elif a[sid] != b[sid]:
            aspects, details = _step(a[sid], b[sid])
            out.append(StepChange(str(sid), "changed", tuple(aspects), tuple(details),
                                  _action_type(b[sid])))
    return out


def _action_type(step: Mapping[str, Any]) -> str:
    action = step.get("action")
    return str(action.get("type", "")) if isinstance(action, Mapping) else ""


def _step(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    aspects: list[str] = []
    details: list[str] = []

    def note(aspect: str, detail: str) -> None:
        if aspect not in aspects:
            aspects.append(aspect)
        details.append(detail)

    if a.get("name") != b.get("name"):
        note("name", f"name {_show(a.get('name'))} -> {_show(b.get('name'))}")
    for flag, label in (("isInitial", "initial"), ("isFinal", "final")):
        if bool(a.get(flag)) != bool(b.get(flag)):
            note(label, f"{label}: {bool(a.get(flag))} -> {bool(b.get(flag))}")
    action_a: Mapping[str, Any] = a["action"] if isinstance(a.get("action"), Mapping) else {}
    action_b: Mapping[str, Any] = b["action"] if isinstance(b.get("action"), Mapping) else {}
    if action_a.get("type") != action_b.get("type"):
        note("action type", f"action type {_show(action_a.get('type'))} -> "
                            f"{_show(action_b.get('type'))}")
    config = _mapping_changes(action_a.get("config") or {}, action_b.get("config") or {})
    if config:
        note("action config", "action config: " + "; ".join(config))
    if a.get("experimentConfig") != b.get("experimentConfig"):
        note("experiment", "experiment variants changed")
    _transitions(a.get("transitions") or [], b.get("transitions") or [], note)
    known = {"id", "name", "isInitial", "isFinal", "action", "experimentConfig", "transitions"}
    for key in sorted((set(a) | set(b)) - known):
        if a.get(key) != b.get(key):
            note("other", f"{key} changed")
    return aspects, details


def _transitions(mine: list[Any], theirs: list[Any], note: Any) -> None:
    a = {t.get("id"): t for t in mine if isinstance(t, dict)}
    b = {t.get("id"): t for t in theirs if isinstance(t, dict)}
    for tid in [t for t in b] + [t for t in a if t not in b]:
        if tid not in a:
            note("transitions", f"transition + '{tid}' ({_transition(b[tid])})")
        elif tid not in b:
            note("transitions", f"transition - '{tid}' ({_transition(a[tid])})")
        elif a[tid] != b[tid]:
            moved = [f"{_TRANSITION_WORDS.get(k, k)} {_show(a[tid].get(k))} -> "
                     f"{_show(b[tid].get(k))}"
                     for k in sorted((set(a[tid]) | set(b[tid])) - {"id", "conditions"})
                     if a[tid].get(k) != b[tid].get(k)]
            if moved:
                note("transitions", f"transition '{tid}' ({_transition(a[tid])}): "
                                    + ", ".join(moved))
            if a[tid].get("conditions") != b[tid].get("conditions"):
                note("conditions", f"conditions of transition '{tid}' changed")


def _transition(t: Mapping[str, Any]) -> str:
    kind = str(t.get("type", "?"))
    on = f" {t['responseType']}" if t.get("responseType") else ""
    after = f" after {t['timeout']} ms" if t.get("timeout") is not None else ""
    target = t.get("targetStepId")
    return f"{kind}{on}{after} -> {target if target else '(end)'}"


def _mapping_changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a:
            out.append(f"+ {key} {_show(b[key])}")
        elif key not in b:
            out.append(f"- {key}")
        elif a[key] != b[key]:
            out.append(f"{key} {_show(a[key])} -> {_show(b[key])}")
    return out


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text if isinstance(value, (int, float, bool)) or value is None else (
        repr(text) if isinstance(value, str) else text)
    return text if len(text) <= _SHORT else text[:_SHORT - 1] + "…"
