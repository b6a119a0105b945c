"""Load-time checks of ``${name}`` uses: every name must be known where it is used.

Known names at a step: the flow's ``vars``, the values of every ``parametrize`` case, names
saved by an EARLIER step (a step's own ``save`` is known from the next step on), ``env:NAME``
and the built-ins. ``vars`` may use earlier ``vars``, case values, ``env:`` and built-ins;
case values may use ``env:`` and built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from juo_flowtest.base.diagnostics import did_you_mean
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.base.templating import (
    BUILTINS,
    Template,
    TemplateSyntaxError,
    Value,
    compile_string,
    is_always_known,
)
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, child_position

#: Scalars ``Variables.value`` returns as they are.
_SCALARS = frozenset({int, float, bool, type(None)})
#: ``Use.step`` for a use inside ``vars`` (checked by the loader, in declaration order) /
#: inside a parametrize case.
IN_VARS = -1
IN_CASE = -2


@record
class Use:
    name: str
    position: Position
    step: int


@dataclass(slots=True)
class Declared:
    """What a flow declares: vars in order, first save of each name, each case's keys."""

    vars: list[str]
    saves: dict[str, tuple[int, Position]]
    cases: list[tuple[str, frozenset[str]]]


class Variables:
    """Compiles templated values with positions and records every variable use."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.uses: list[Use] = []
        self.step = 0

    def value(self, raw: Any, at: Position) -> Value:
        """Plain data (no position wrappers) with ``Template``s; uses are recorded."""
        if isinstance(raw, str):
            return self.text(raw, at)
        # A child that is a scalar without a placeholder is itself the result, so it is kept
        # as it is, with no position made for it: most children of a start context are.
        if isinstance(raw, dict):
            return {k: v if v.__class__ in _SCALARS or (v.__class__ is str and "${" not in v)
                    else self.value(v, child_position(raw, k) or at) for k, v in raw.items()}
        if isinstance(raw, list):
            return [v if v.__class__ in _SCALARS or (v.__class__ is str and "${" not in v)
                    else self.value(v, child_position(raw, i) or at) for i, v in enumerate(raw)]
        return raw

    def item(self, node: PosDict, key: str) -> Value:
        """``value(node[key], where it is written)``, with that position made only when the
        value may need it (a placeholder or a container)."""
        raw = node[key]
        if raw.__class__ in _SCALARS or (raw.__class__ is str and "${" not in raw):
            return raw
        return self.value(raw, node.value_position(key))

    def record(self, raw: Any, at: Position) -> None:
        """Record the uses in ``raw`` (and report bad placeholders) without compiling a copy.

        Visits the same strings as ``value``; a child's position is looked up only for a
        string holding ``${`` or a container, since most expectations hold neither.
        """
        if isinstance(raw, str):
            if "${" in raw:
                self.text(raw, at)
        elif isinstance(raw, dict):
            for key, item in raw.items():
                if isinstance(item, (dict, list)) or (isinstance(item, str) and "${" in item):
                    self.record(item, child_position(raw, key) or at)
        elif isinstance(raw, list):
            for index, item in enumerate(raw):
                if isinstance(item, (dict, list)) or (isinstance(item, str) and "${" in item):
                    self.record(item, child_position(raw, index) or at)

    def text(self, raw: str, at: Position) -> str | Template:
        try:
            compiled = compile_string(raw)
        except TemplateSyntaxError as exc:
            self.problems.add(at, exc.message, "a placeholder is ${name}; write $${ for a "
                              "literal '${'")
            return raw
        if isinstance(compiled, Template):
            self.uses.extend(Use(name, at, self.step) for name in compiled.names())
        return compiled

    def check(self, declared: Declared) -> None:
        """Report every use of a name that is not known where it is used."""
        for use in self.uses:
            message = _problem(use, declared)
            if message is not None:
                self.problems.add(use.position, *message)


#: Built-ins that describe a run: they have no value before the flow has started one.
RUN_BUILTINS = frozenset({"run.id", "run.version", "pending.interactionId", "pending.stepId"})


def run_builtin_too_early(use: Use) -> tuple[str, str] | None:
    """Why a run built-in used in vars or a case can never have a value there, or None."""
    if use.name not in RUN_BUILTINS or use.step not in (IN_VARS, IN_CASE):
        return None
    where = "vars" if use.step == IN_VARS else "a parametrize case"
    message = f"'${{{use.name}}}' has no value in {where}: they are set before the flow starts a run"
    return message, f"use ${{{use.name}}} in a step, or save the value with save:"


def _problem(use: Use, d: Declared) -> tuple[str, str] | None:
    name = use.name
    too_early = run_builtin_too_early(use)
    if too_early is not None:
        return too_early
    if is_always_known(name):
        return None
    case_keys = [keys for _, keys in d.cases]
    in_cases = [case_id for case_id, keys in d.cases if name in keys]
    if use.step == IN_CASE:
        return _unknown(name, [], "case values may only use ${env:NAME} and built-ins")
    if name in d.vars or (in_cases and len(in_cases) == len(case_keys)):
        return None
    if in_cases:
        missing = [case_id for case_id, keys in d.cases if name not in keys]
        listed = ", ".join(f"'{c}'" for c in missing)
        return (f"variable '{name}' is not set by parametrize case(s) {listed}",
                "give every case a value for it, or declare a default under vars:")
    if name in d.saves:
        step, at = d.saves[name]
        if step < use.step:
            return None
        return (f"variable '{name}' is used before it is saved (first saved at line {at.line})",
                "a saved name is known from the step after the one saving it")
    known = d.vars + _common(case_keys) + sorted(d.saves)
    return _unknown(name, known, "declare it under vars:, save it in an earlier step, or read "
                    "the environment with ${env:NAME}")


def _unknown(name: str, known: list[str], hint: str) -> tuple[str, str]:
    everything = list(dict.fromkeys([*known, *sorted(BUILTINS)]))
    suggestion = did_you_mean(name, everything) or " —"
    return (f"unknown variable '{name}'{suggestion} known: " + ", ".join(everything)
            + ", env:NAME", hint)


def _common(case_keys: list[frozenset[str]]) -> list[str]:
    if not case_keys:
        return []
    return sorted(frozenset.intersection(*case_keys))
