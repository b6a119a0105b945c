"""``steps:`` items and a flow's opening call -> ``model.Step``, through the step kinds.

A step is exactly one action (one of ``kinds.STEP_KEYS``) plus optional ``name``, ``expect``,
``save`` and ``headers``. Request values are compiled to ``Value``s (``${...}`` ->
``Template``), with every variable use recorded for the load-time scope check.
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.position import Position
from juo_flowtest.flowfile import kinds
from juo_flowtest.flowfile.builders import NO_HEADERS, Builders
from juo_flowtest.flowfile.model import Step
from juo_flowtest.source.fields import Reader, as_mapping
from juo_flowtest.source.yamlsource import PosDict

STEP_EXTRA_KEYS = ("name", "expect", "save", "headers")
STEP_KEYS = (*kinds.STEP_KEYS, *STEP_EXTRA_KEYS)


def _listing(keys: tuple[str, ...]) -> str:
    return ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else keys[0]


class StepBuilder:
    """Builds steps, reporting every problem into the builders' ``Problems``."""

    def __init__(self, build: Builders):
        self.build = build
        self.problems = build.problems

    def step(self, raw: Any, at: Position) -> Step | None:
        """One item of ``steps:``; ``at`` is where it is written (for a mapping, its ``pos``)."""
        if raw.__class__ is PosDict and 0 < len(raw) <= 2:  # (an empty step: the general path)
            plain = self.plain(raw, at)
            if plain is not None:
                return plain
        node = as_mapping(self.problems, raw, at, "a step")
        if node is None:
            return None
        r = Reader(self.problems, node, "a step")
        r.keys(STEP_KEYS)
        actions = [key for key in kinds.STEP_KEYS if key in node]
        if len(actions) != 1:
            unknown = any(key not in STEP_KEYS for key in node)
            if actions or not unknown:  # a typo'd action is reported once
                got = "none" if not actions else " and ".join(actions)
                self.problems.add(at, f"a step has exactly one action "
                                  f"({_listing(kinds.STEP_KEYS)}), got {got}")
        action = None
        if actions:
            key = actions[0]
            action = kinds.BY_KEY[key].parse(node[key], r.at(key), self.build)
        expects = self.build.expects
        expect = expects.expect(node["expect"], r.at("expect")) if "expect" in node else None
        save = expects.save(node["save"], r.at("save")) if "save" in node else ()
        headers = (self.build.headers(node["headers"], r.at("headers")) if "headers" in node
                   else NO_HEADERS)
        if action is None:
            return None
        name = r.text("name", nonempty=True) if "name" in node else None
        return Step(action, name, expect, save, headers, at)

    def plain(self, node: PosDict, at: Position) -> Step | None:
        """A plain step, most of a suite's (``- respond: TYPE`` and maybe an ``expect`` of
        literals), built without the checks ``step`` makes, which it cannot fail; None for any
        other step (a key more, a placeholder, an operator...): ``step`` builds it as usual.
        """
        if len(node) == 1:
            (key,) = node
        else:  # two keys: the action and `expect`, in either order
            first, key = node
            if key == "expect":
                key = first
            elif first != "expect":
                return None
        kind = kinds.STEPS_BY_KEY.get(key)
        action = kind.shorthand(node[key]) if kind is not None else None
        if action is None:
            return None
        expect = None
        if len(node) == 2:
            expect = self.build.expects.literal(node["expect"], node.value_position("expect"))
            if expect is None:
                return None
        return Step(action, None, expect, (), NO_HEADERS, at)

    def opening(self, r: Reader) -> Step | None:
        """``start:`` or ``attach:`` with the flow's top-level ``expect``/``save`` is step 0."""
        chosen = [key for key in kinds.OPENING_KEYS if r.has(key)]
        if len(chosen) != 1:
            got = "both" if chosen else "neither"
            self.problems.add(r.node.pos, f"a flow needs exactly one of 'start' or 'attach', "
                              f"got {got}", "start: {flowType: ...} starts a run; "
                              "attach: {runId: ...} picks up an existing one")
            return None
        key = chosen[0]
        action = kinds.BY_KEY[key].parse(r.get(key), r.at(key), self.build)
        expects = self.build.expects
        expect = None
        if r.has("expect"):
            raw, at = r.get("expect"), r.at("expect")
            expect = expects.literal(raw, at) or expects.expect(raw, at)  # as in plain
        save = expects.save(r.get("save"), r.at("save")) if r.has("save") else ()
        if action is None:
            return None
        return Step(action, None, expect, save, NO_HEADERS, r.key_at(key))
