"""The runner's wording: step and call titles, and the one-paragraph summary of a failed flow.

Titles are what the report and the terminal show for each step and call, e.g.
``respond accept to offer_discount (step discount_offer)`` or
``wait until status=completed``; they are built from values already rendered for the request,
so a title never renders a template a second time.

Example::

    >>> call_title(model.StartAction({}), {"flowType": "skip"})
    'start skip'
"""

from __future__ import annotations

import json
from typing import Any

from juo_flowtest.base.outcome import Verdict
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.scope import CurrentRun, Scope, VariableError
from juo_flowtest.run.result import StepResult

_PLAIN: dict[type, str] = {
    model.StartAction: "start", model.AttachAction: "attach", model.RespondAction: "respond",
    model.GetAction: "get", model.WaitAction: "wait"}


def plain_title(action: model.Action) -> str:
    """The action's keyword, for a step whose values could not be rendered."""
    return _PLAIN[type(action)]


def call_title(action: model.Action, rendered: Any) -> str:
    """A step's title from the value its action renders first (see ``runner``): the start
    body, the attach run id, the respond type, or the wait title itself."""
    if isinstance(action, model.StartAction):
        return f"start {text(rendered.get('flowType') if isinstance(rendered, dict) else None)}"
    if isinstance(action, model.AttachAction):
        return f"attach {rendered}"
    if isinstance(action, model.RespondAction):
        return f"respond {text(rendered)}"
    if isinstance(action, model.WaitAction):
        return str(rendered)
    return "get"


def respond_title(response_type: Any, run: CurrentRun | None) -> str:
    """``respond accept to offer_discount (step discount_offer)``: what was answered."""
    if run is None or run.step_id is None:
        return f"respond {text(response_type)} (no pending interaction)"
    return f"respond {text(response_type)} to {run.action_type} (step {run.step_id})"


def wait_title(until: model.Expect, scope: Scope) -> str:
    """``wait until status=completed, http=200``; labels only when a value cannot render."""
    parts: list[str] = []
    try:
        for check in until.fields:
            parts.append(f"{check.label}={_short(check.matcher.expected(scope.resolve))}")
        for jp in until.jsonpath:
            parts.append(f"{jp.expression}={_short(jp.matcher.expected(scope.resolve))}")
        if until.http is not None:
            parts.append(f"http={_short(until.http.expected(scope.resolve))}")
    except VariableError:
        parts = [c.label for c in until.fields]
    return "wait until " + (", ".join(parts) or "a 2xx")


def summary(step: StepResult, flow: model.Flow, not_run: int) -> str:
    """The flow's message: the step that stopped it, its mismatches, how many were not run."""
    where = step.position or flow.position
    state = "is broken" if step.verdict is Verdict.BROKEN else "failed"
    lines = [f'step {step.index + 1} "{step.title}" ({where.path}:{where.line}) {state}'
             + (f": {step.broken}" if step.broken else ":")]
    for m in step.mismatches:
        lines.append(f"  {m.path}: {m.message}")
        if m.diff:
            lines.extend("    " + line for line in m.diff.splitlines())
    if not_run:
        lines.append(f"({not_run} later step{'s were' if not_run > 1 else ' was'} not run)")
    return "\n".join(lines)


def text(value: Any) -> str:
    """A rendered value as request text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _short(value: Any) -> str:
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    return shown if len(shown) <= 40 else shown[:39] + "…"
