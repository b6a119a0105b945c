"""Each workflow drawn with what the suite covered: steps, transitions, ends, as inline SVG.

Graphviz lays the graph out (the ``graphviz`` binding driving the ``dot`` program of the
Debian package ``graphviz``); the SVG is inlined in the page, so it opens offline from disk.
Edges are transition units: **exercised** solid green, **missing** dashed red and labelled
``MISSING``, **cannot happen** dotted grey. Final steps and the other ends are drawn the same
way. Every edge and end carries an ``id`` (``t:step/transition[variant]``,
``e:step:how``) and a ``data``-free tooltip saying its state, so a test or a reader can find
one.
"""

from __future__ import annotations

import html
import re
import shutil
from typing import Any

from juo_flowtest.coverage.model import UnitCoverage, WorkflowCoverage
from juo_flowtest.paths.units import fails, is_final
from juo_flowtest.paths.words import describe_conditions, duration
from juo_flowtest.sandbox.definitions import Step, Transition, Workflow

EXERCISED, MISSING, NEVER = "exercised", "missing", "cannot happen"
_EDGE = {EXERCISED: {"color": "#1a7f37", "fontcolor": "#1a7f37", "penwidth": "2"},
         MISSING: {"color": "#cf222e", "fontcolor": "#cf222e", "style": "dashed",
                   "penwidth": "2"},
         NEVER: {"color": "#8c959f", "fontcolor": "#8c959f", "style": "dotted"}}
_END = {EXERCISED: {"color": "#1a7f37", "fillcolor": "#dafbe1"},
        MISSING: {"color": "#cf222e", "fillcolor": "#ffebe9", "style": "dashed,filled"},
        NEVER: {"color": "#8c959f", "fillcolor": "#f6f8fa"}}


def available() -> bool:
    """Whether Graphviz's ``dot`` is installed (``apt-get install graphviz``)."""
    return shutil.which("dot") is not None


def _state(unit: tuple[str, ...], part: UnitCoverage) -> str:
    if unit in part.exercised:
        return EXERCISED
    if unit in part.known:
        return MISSING
    return NEVER


def _label(step: Step, t: Transition, variant: str) -> str:
    if t.type == "response":
        text = f"{t.response_type}"
    elif t.type == "timeout":
        text = f"timeout {duration(t.timeout_ms or 0)}"
    else:
        text = "auto"
    if variant:
        name = next((v.name for v in step.variants if v.id == variant), variant)
        text += f" [variant {name}]"
    if t.conditions is not None and t.type != "timeout":
        text += f"\nif {describe_conditions(t.conditions)}"
    return text


def _node(step: Step) -> tuple[str, dict[str, str]]:
    kind = ("final" if is_final(step) else "interaction" if step.interactive
            else "execution" if step.action is not None else "router")
    if fails(step):
        kind = "execution (fails)"
    detail = step.action.type if step.action is not None and kind != "final" else kind
    shape = {"final": "doubleoctagon", "interaction": "box", "router": "diamond"}.get(
        kind, "component")
    return f"{step.name}\n{step.id} · {detail}", {"shape": shape, "style": "rounded,filled"
                                                  if shape == "box" else "filled",
                                                  "fillcolor": "white"}


def svg(workflow: Workflow, cov: WorkflowCoverage) -> str:
    """The workflow as an inline ``<svg>`` element, coverage drawn on it."""
    import graphviz

    g = graphviz.Digraph(workflow.id, graph_attr={"rankdir": "TB", "fontname": "sans-serif",
                                                  "fontsize": "11"},
                         node_attr={"fontname": "sans-serif", "fontsize": "10"},
                         edge_attr={"fontname": "sans-serif", "fontsize": "9"})
    names = {sid: f"n{i}" for i, sid in enumerate(workflow.steps)}  # ':' would mean a port
    for step in workflow.steps.values():
        label, attrs = _node(step)
        end = (step.id, "final")
        if is_final(step):
            state = _state(end, cov.ends)
            attrs = {**attrs, **_END[state], "id": f"e:{step.id}:final",
                     "tooltip": f"end {step.id} (final): {state}"}
            label += f"\n[{state}]"
        g.node(names[step.id], label, **attrs)
    for step in workflow.steps.values():
        for t in step.transitions:
            variants = ([v.id for v in step.variants]
                        if t.type == "auto" and step.variants else [""])
            for variant in variants:
                unit = (step.id, t.id, variant)
                state = _state(unit, cov.transitions)
                target = (names[t.target] if t.target in names
                          else _pseudo(g, names[step.id], step, "abandoned", cov))
                ident = f"t:{step.id}/{t.id}" + (f"[{variant}]" if variant else "")
                text = _label(step, t, variant) + ("\nMISSING" if state == MISSING else "")
                g.edge(names[step.id], target, text, id=ident,
                       tooltip=f"{step.id}/{t.id}: {state}", **_EDGE[state])
        for how in ("no_transition", "failed"):
            end = (step.id, how)
            if end in cov.ends.known or end in cov.ends.exercised:
                g.edge(names[step.id], _pseudo(g, names[step.id], step, how, cov), "",
                       **_EDGE[_state(end, cov.ends)])
    body = str(g.pipe(format="svg").decode("utf-8"))
    return body[body.index("<svg"):]


def _pseudo(g: Any, node: str, step: Step, how: str, cov: WorkflowCoverage) -> str:
    """A small node for an end that is not a step: no transition, failed, abandoned."""
    end = (step.id, how)
    state = _state(end, cov.ends)
    name = f"{node}_{how}"
    words = {"no_transition": "stops: no transition", "failed": "run failed",
             "abandoned": "abandoned"}[how]
    g.node(name, f"{words}\n[{state}]", shape="plain" if state == NEVER else "note",
           id=f"e:{step.id}:{how}", tooltip=f"end {step.id} ({how}): {state}",
           **{**_END[state], "style": _END[state].get("style", "filled")})
    return name


def section(workflow: Workflow | None, cov: WorkflowCoverage, label: str) -> str:
    """One workflow's part of the page: its counts, then its diagram."""
    t, e = cov.transitions, cov.ends
    head = (f"<h2 id='{html.escape(cov.key)}'>{html.escape(label)}</h2>"
            f"<p class=counts>transitions <b>{len(t.covered)}/{len(t.known)}</b> "
            f"({t.percent}%) · end steps <b>{len(e.covered)}/{len(e.known)}</b> "
            f"({e.percent}%) · missing <b class=no>{len(t.missing) + len(e.missing)}</b> · "
            f"cannot happen {len(t.never) + len(e.never)}</p>")
    if workflow is None:
        return head + "<p>No definition of this workflow was at hand: not drawn.</p>"
    if not available():
        return head + ("<p>Not drawn: Graphviz is not installed "
                       "(<code>apt-get install graphviz</code>).</p>")
    return head + f"<div class=diagram>{_strip_comments(svg(workflow, cov))}</div>"


def _strip_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


LEGEND = (
    "<p class=legend><span class=ok>━ exercised</span> · <span class=no>╍ missing "
    "(never exercised by this run)</span> · <span class=never>┄ cannot happen</span></p>")
