"""The workflow definition model (Juo's Admin ``Workflow`` schema), immutable once loaded.

Mappings are plain dicts (so they serialise to JSON at C speed) typed read-only; nothing
mutates them after load.

A run keeps a reference to the ``Workflow`` it started with, so loading another version of the
same id never changes a running run. Everything the engine needs per step (available
responses, passed-through action config, timeout, the transitions by response type and the
automatic ones, what an accepted offer or an execution records) is computed once here, not
per request.
Loading and validation live in ``juo_flowtest.sandbox.loading``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import orjson

from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.jsoncodec import fragment

ActionKind = Literal["interaction", "execution", "end"]


@dataclass(frozen=True, slots=True)
class Operand:
    """One side of a condition: a resolver and its params."""

    resolver: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ConditionItem:
    id: str
    left: Operand
    operator: str
    right: Operand | None


@dataclass(frozen=True, slots=True)
class ConditionGroup:
    id: str
    logic: str  # "and" | "or"
    items: tuple[ConditionItem, ...]


@dataclass(frozen=True, slots=True)
class Conditions:
    root_logic: str  # "and" | "or"
    groups: tuple[ConditionGroup, ...]


@dataclass(frozen=True, slots=True)
class Transition:
    id: str
    type: str  # "auto" | "response" | "timeout"
    target: str | None
    response_type: str | None = None
    conditions: Conditions | None = None
    timeout_ms: int | None = None
    #: Derived by ``make_step``: the ``result.transitions`` entry taking it records
    #: (``{stepId, transitionId}``), made once and shared by every run: read-only.
    taken: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    type: str
    config: Mapping[str, Any]
    #: Derived: whether the action asks the customer, executes something, or only ends
    #: (a field, not a property: the engine reads it at every step it enters).
    kind: ActionKind = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind: ActionKind = "execution"
        if self.type in assumptions.INTERACTION_TYPES:
            kind = "interaction"
        elif self.type in assumptions.END_TYPES:
            kind = "end"
        object.__setattr__(self, "kind", kind)


@dataclass(frozen=True, slots=True)
class Variant:
    id: str
    name: str
    traffic: float


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    name: str
    action: Action | None
    transitions: tuple[Transition, ...]
    is_initial: bool = False
    is_final: bool = False
    variants: tuple[Variant, ...] = ()
    # Derived once at load (see ``make_step``):
    interactive: bool = False
    responses: tuple[Mapping[str, str], ...] = ()
    response_types: frozenset[str] = frozenset()
    action_config: Mapping[str, Any] = field(default_factory=dict)
    timeout: Transition | None = None
    #: The transitions the engine may take, in their order, sorted out once: the response
    #: transitions by response type, the automatic ones.
    on_response: Mapping[str, tuple[Transition, ...]] = field(default_factory=dict)
    auto: tuple[Transition, ...] = ()
    #: What entering the step does first: it ends the run (final or an ``end`` action), or
    #: runs an execution.
    ends: bool = False
    executes: bool = False
    #: The response types that accept an offer (each records the offer's effect), and the
    #: resources the step's effect names (an accepted offer's, or an execution's).
    accepting: frozenset[str] = frozenset()
    resources: tuple[str, ...] = ()


def make_step(
    id: str, name: str, action: Action | None, transitions: tuple[Transition, ...],
    is_initial: bool, is_final: bool, variants: tuple[Variant, ...],
) -> Step:
    """Build a step with its derived, read-only fields."""
    transitions = tuple(replace(t, taken={"stepId": id, "transitionId": t.id})
                        for t in transitions)
    on_response: dict[str, tuple[Transition, ...]] = {}
    for t in transitions:
        if t.type == "response" and t.response_type is not None:
            on_response[t.response_type] = (*on_response.get(t.response_type, ()), t)
    interactive = action is not None and action.kind == "interaction" and not is_final
    config = dict(action.config) if action else {}
    responses = tuple(
        assumptions.default_responses(action.type, config)
    ) if interactive and action else ()
    passed = {k: v for k, v in config.items() if k not in assumptions.ENGINE_CONFIG_KEYS
              or k in ("options", "offers")}
    timeout = next((t for t in transitions if t.type == "timeout"), None)
    response_types = frozenset(r["type"] for r in responses)
    action_type = action.type if action else ""
    accepting: frozenset[str] = frozenset()
    if action_type == "offer_selection":
        accepting = response_types
    elif action_type in assumptions.OFFER_RESOURCES:
        accepting = frozenset({assumptions.ACCEPT_RESPONSE})
    return Step(
        id=id, name=name, action=action, transitions=transitions, is_initial=is_initial,
        is_final=is_final, variants=variants, interactive=interactive, responses=responses,
        response_types=response_types,
        action_config=passed, timeout=timeout if interactive else None,
        on_response=on_response, auto=tuple(t for t in transitions if t.type == "auto"),
        ends=is_final or (action is not None and action.kind == "end"),
        executes=action is not None and action.kind == "execution",
        accepting=accepting,
        resources=assumptions.OFFER_RESOURCES.get(
            action_type, assumptions.EXECUTION_RESOURCES.get(action_type, ())),
    )


@dataclass(frozen=True, slots=True)
class Encoded:
    """The parts of a version's run states that never change, encoded once (``jsoncodec``)."""

    interactive_steps: orjson.Fragment
    #: By step id: the step's ``pendingInteraction``, its members in order, with
    #: ``actionConfig`` and ``availableResponses`` pre-encoded; ``interactionId`` and
    #: ``presentedAt`` are None, for the engine to fill in a copy.
    pending: Mapping[str, Mapping[str, Any]]


def encoded(steps: Mapping[str, Step],
            interactive_steps: tuple[Mapping[str, Any], ...]) -> Encoded | None:
    """The version's ``Encoded`` parts, or None unless everything a run state takes from the
    definition (step names, action configs, responses) reads the same from orjson as from the
    stdlib: then a state holding the parts may be finished by orjson alone."""
    for step in steps.values():
        used = (step.name, step.action.config if step.action else None, step.action_config)
        if fragment(used) is None:
            return None
    pending = {}
    for step in steps.values():
        if step.interactive:
            config, answers = fragment(step.action_config), fragment(step.responses)
            if config is None or answers is None:
                return None
            pending[step.id] = pending_interaction(step, None, config, answers)
    steps_part = fragment(interactive_steps)
    if steps_part is None:
        return None
    return Encoded(steps_part, pending)


def pending_interaction(step: Step, presented_at: str | None, config: Any = None,
                        answers: Any = None) -> dict[str, Any]:
    """The ``pendingInteraction`` of a run waiting at ``step`` (Part A), but for its
    ``interactionId`` (None here); ``config`` and ``answers`` stand in for the step's
    ``actionConfig`` and ``availableResponses`` where given (pre-encoded)."""
    pending: dict[str, Any] = {
        "interactionId": None, "stepId": step.id,
        "actionType": step.action.type if step.action else "", "actionBehavior": "input",
        "actionConfig": step.action_config if config is None else config,
        "availableResponses": step.responses if answers is None else answers,
        "presentedAt": presented_at,
    }
    if step.timeout is not None and step.timeout.timeout_ms is not None:
        pending["timeoutMs"] = step.timeout.timeout_ms
    return pending


@dataclass(frozen=True, slots=True)
class Workflow:
    """One version of one workflow, as loaded from one file."""

    id: str
    name: str
    version: int
    status: str
    trigger_type: str
    trigger_conditions: Conditions | None
    steps: Mapping[str, Step]
    initial: str
    source: str
    description: str = ""
    interactive_steps: tuple[Mapping[str, Any], ...] = ()
    #: The document as written (plain JSON data), for the Admin API to serve back.
    definition: Mapping[str, Any] = field(default_factory=dict)
    #: Derived: the run-state parts encoded once, for the HTTP API (None: encoded per call).
    encoded: Encoded | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoded", encoded(self.steps, self.interactive_steps))

    def summary(self) -> dict[str, Any]:
        """``{id, version, name, triggerType, status}`` for listings."""
        return {"id": self.id, "version": self.version, "name": self.name,
                "triggerType": self.trigger_type, "status": self.status}


def interactive_steps_of(steps: Mapping[str, Step]) -> tuple[Mapping[str, Any], ...]:
    """The ``interactiveSteps`` array (Part B 10), computed once per workflow version."""
    return tuple(
        {
            "stepId": s.id,
            "actionType": s.action.type if s.action else "",
            "actionConfig": s.action_config,
            "availableResponses": list(s.responses),
        }
        for s in steps.values() if s.interactive
    )
