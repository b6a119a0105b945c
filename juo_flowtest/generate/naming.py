"""Words for a path: flow names after the path taken (durations and conditions: ``paths.words``).

    >>> unique(["A", "A"])
    ['A', 'A (2)']
    >>> file_stem("Ünïcode Änderung ✓"), tag("Ünïcode Änderung ✓")
    ('unicode-anderung', 'unicode_anderung')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from juo_flowtest.paths.search import Move, State
from juo_flowtest.paths.simulate import Trace
from juo_flowtest.paths.solver import Literal
from juo_flowtest.paths.words import describe_conditions, duration, phrase
from juo_flowtest.sandbox.conditions import Scope, holds
from juo_flowtest.sandbox.definitions import ConditionItem, Step, Workflow

__all__ = ["describe_conditions", "describe_literal", "duration", "flow_name", "segments",
           "tag", "unique"]

def describe_literal(lit: Literal) -> str:
    """``subscription.cycle_count ≥ 6``, ``customer.tags does not contain vip``."""
    var = lit.var
    name = {"context": lambda: str(var[1]), "variant": lambda: f"variant of {var[1]}",
            "data": lambda: f"responseData.{var[2]}"}[str(var[0])]()
    return phrase(name, lit.operator, lit.value, lit.want, lit.swapped)


def _label(step: Step, response: str) -> str:
    return next((r["label"] for r in step.responses if r["type"] == response), response)


def segments(workflow: Workflow, path: State, trace: Trace) -> list[str]:
    """The decisions of a path, in words: what a reader needs to tell it from the others."""
    out: list[str] = []
    answers = iter([a for a in trace.acts if a.kind == "respond"])
    final = trace.acts[-1].state.get("result", {}) if trace.acts else {}
    scope = Scope(trace.context, variants={**(final.get("variants") or {}), **trace.pins})
    for move in path.moves:
        if move.kind == "respond":
            act = next(answers, None)
            scope = replace(scope, response_type=move.response,
                            response_data=act.data if act is not None else None)
        step = workflow.steps[move.step]
        text = _segment(step, move, partial(_holds, scope=scope))
        if text:
            out.append(text)
    return out


def _holds(item: ConditionItem, scope: Scope) -> bool:
    return holds(item, scope)


def _segment(step: Step, move: Move, true: Callable[[ConditionItem], bool]) -> str:
    if move.kind == "respond":
        branches = [t for t in step.transitions if t.type == "response"]
        conditional = any(t.conditions is not None for t in branches)
        if len(step.responses) < 2 and not conditional:
            return ""
        text = f"{step.name}: {_label(step, move.response)}"
        if not move.transition:
            return text + " (no transition)"
        t = next(t for t in branches if t.id == move.transition)
        return text + (f" if {describe_conditions(t.conditions, true)}" if t.conditions else "")
    if move.kind == "auto":
        autos = [t for t in step.transitions if t.type == "auto"]
        if move.variant:
            name = next(v.name for v in step.variants if v.id == move.variant)
            return f"variant '{name}'"
        if len(autos) < 2:
            return ""
        t = next(t for t in autos if t.id == move.transition)
        return (f"{step.name}: "
                f"{describe_conditions(t.conditions, true) if t.conditions else 'otherwise'}")
    if move.kind == "timeout":
        ms = step.timeout.timeout_ms if step.timeout is not None else 0
        return f"no answer within {duration(ms or 0)}"
    return {"final": step.name, "no_transition": f"stops at {step.name}",
            "failed": f"the run fails at {step.name}",
            "abandoned": f"abandoned at {step.name}"}[move.how]


def flow_name(workflow: Workflow, path: State, trace: Trace) -> str:
    """``Ask why: It's too expensive → variant '20% off' → Offer 20% off: Accept → Saved``."""
    name = _safe(" → ".join(segments(workflow, path, trace)) or workflow.name)
    return name[:1].upper() + name[1:]


def _safe(text: str) -> str:
    """Flow names may not hold '[' or '::' (pytest and Allure split on them), nor a newline."""
    return re.sub(r"\s+", " ", text.replace("[", "(").replace("]", ")").replace("::", ":")
                  ).strip()


def unique(names: list[str]) -> list[str]:
    """Names made unique within a file: a repeat gets ``(2)``, ``(3)``..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _ascii(text: str) -> str:
    """Accents dropped rather than the letters: ``Änderung`` -> ``Anderung``."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def tag(text: str) -> str:
    """An identifier usable as a tag (a pytest marker): ``Cancellation flow`` -> ``cancellation_flow``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", _ascii(text)).strip("_").lower() or "workflow"
    return slug if not slug[0].isdigit() else f"wf_{slug}"


def file_stem(text: str) -> str:
    """A file name: ``Cancellation flow`` -> ``cancellation-flow``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", _ascii(text)).strip("-").lower() or "workflow"
