"""A step's request, rendered through the scope: its first value, its headers, a respond body.

Templates are rendered once per step: the value an action renders first (the start body, the
attach run id, the respond type, a wait's title) names the step *and* goes into its call.
A ``respond`` threads the pending interaction and the run version from the current run unless
the flow writes them.

Example::

    respond_body(model.RespondAction("accept"), "accept", tracker.run, scope)
    # {'interactionId': 'int-2', 'responseType': 'accept', 'expectedRunVersion': 2}
"""

from __future__ import annotations

from typing import Any

from juo_flowtest.base import templating
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.scope import CurrentRun, Scope
from juo_flowtest.run.titles import text, wait_title

#: Request headers to add (a None value removes the header), or None for none at all.
Headers = dict[str, Any] | None

_NO_HEADERS = model.Headers()


def first_value(action: model.Action, scope: Scope) -> Any:
    """The value an action renders first, which both its title and its call use: the start
    body, the attach run id (as text), the respond type, or a wait's title."""
    if isinstance(action, model.StartAction):
        return templating.render(action.body, scope.resolve)
    if isinstance(action, model.AttachAction):
        return text(templating.render(action.run_id, scope.resolve))
    if isinstance(action, model.RespondAction):
        return templating.render(action.response_type, scope.resolve)
    if isinstance(action, model.WaitAction):
        return wait_title(action.until, scope)
    return None


def request_headers(flow: model.Flow, step: model.Step, scope: Scope) -> Headers:
    """The flow's, then the action's, then the step's headers (later ones win), rendered."""
    action_headers = getattr(step.action, "headers", _NO_HEADERS)
    pairs = flow.headers.values + action_headers.values + step.headers.values
    if not pairs:
        return None
    return {name: (None if value is None else text(templating.render(value, scope.resolve)))
            for name, value in pairs}


def respond_body(action: model.RespondAction, response_type: Any, run: CurrentRun,
                 scope: Scope) -> dict[str, Any] | str:
    """The respond request body, or why there is none (no interaction to answer)."""
    if action.interaction_id is model.UNSET:
        interaction = run.interaction_id or run.last_interaction_id
        if interaction is None:
            return (f"respond: the run {run.run_id} has no pending interaction to "
                    f"answer (status {run.status}); write interactionId explicitly")
    else:
        interaction = templating.render(action.interaction_id, scope.resolve)
    body: dict[str, Any] = {"interactionId": interaction, "responseType": response_type}
    if action.data is not None:
        body["responseData"] = templating.render(action.data, scope.resolve)
    version = (run.version if action.expected_run_version is model.UNSET
               else templating.render(action.expected_run_version, scope.resolve))
    if version is not None:
        body["expectedRunVersion"] = version
    return body
