"""``respond``: POST /workflows/{runId}/respond, answering the current pending interaction.

``interactionId`` and ``expectedRunVersion`` are threaded from the current run unless the flow
writes them (``expectedRunVersion: null`` sends none): that is how conflicts are written.

.. code-block:: yaml

    - respond: accept                   # shorthand: the responseType
    - respond: {type: accept, data: {note: hi}, expectedRunVersion: 1}
"""

from __future__ import annotations

from typing import Any, ClassVar

from juo_flowtest.base import templating
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.flowfile.builders import Builders
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun, text
from juo_flowtest.flowfile.model import UNSET, Action, Value
from juo_flowtest.flowfile.scope import CurrentRun, Scope
from juo_flowtest.source.fields import Reader, as_mapping

RESPOND_KEYS = ("type", "data", "interactionId", "expectedRunVersion")


@record
class RespondAction(Action):
    """``interaction_id`` / ``expected_run_version``: ``UNSET`` means "thread from the current
    run state"; ``None`` means "send none" (only meaningful for the version)."""

    KEY: ClassVar[str] = "respond"
    response_type: Value
    data: Value = None
    interaction_id: Value = UNSET
    expected_run_version: Value = UNSET


#: ``respond: TYPE`` actions by TYPE: read-only and position-free, so one object serves every step
#: answering TYPE (bounded; a flow suite uses a few dozen response types).
_SHORTHANDS: dict[str, RespondAction] = {}


def _shorthand(response_type: str) -> RespondAction:
    action = _SHORTHANDS.get(response_type)
    if action is None:
        action = RespondAction(response_type)
        if len(_SHORTHANDS) < 1024:
            _SHORTHANDS[response_type] = action
    return action


class Respond(Kind):
    key = "respond"
    action = RespondAction
    summary = "POST /workflows/{runId}/respond: answer the current pending interaction."
    schema: ClassVar[dict[str, Any]] = {"oneOf": [
        {"type": "string", "description": "The responseType (shorthand)."},
        {"type": "object", "required": ["type"], "additionalProperties": False, "properties": {
            "type": {"description": "The responseType.", "type": "string"},
            "data": {"description": "responseData."},
            "interactionId": {"description": "Defaults to the current pending interaction's id.",
                              "type": "string"},
            "expectedRunVersion": {"description": "Defaults to the current runVersion; null "
                                   "sends none.", "type": ["number", "string", "null"]}}},
    ]}

    def shorthand(self, raw: Any) -> RespondAction | None:
        if raw.__class__ is str and "${" not in raw:  # `respond: TYPE`, most steps
            return _shorthand(raw)
        return None

    def parse(self, raw: Any, at: Position, build: Builders) -> RespondAction | None:
        if isinstance(raw, str):
            if "${" not in raw:
                return _shorthand(raw)
            return RespondAction(build.variables.value(raw, at))
        node = as_mapping(build.problems, raw, at, "respond (a response type or a mapping)")
        if node is None:
            return None
        r = Reader(build.problems, node, "respond")
        r.keys(RESPOND_KEYS, required=("type",))
        response_type = r.text("type", nonempty=True)
        fields = {key: build.variables.value(node[key], r.at(key))
                  for key in ("data", "interactionId", "expectedRunVersion") if key in node}
        if response_type is None:
            return None
        return RespondAction(
            build.variables.value(response_type, r.at("type")),
            data=fields.get("data"),
            interaction_id=fields.get("interactionId", UNSET),
            expected_run_version=fields.get("expectedRunVersion", UNSET),
        )

    def render(self, action: RespondAction, scope: Scope) -> Any:
        return templating.render(action.response_type, scope.resolve)

    def title(self, action: RespondAction, rendered: Any) -> str:
        return f"respond {text(rendered)}"

    def run(self, action: RespondAction, rendered: Any, step: StepRun) -> None:
        run = self.needs_run(step)
        if run is None:
            return
        body = respond_body(action, rendered, run, step.scope)
        if isinstance(body, str):
            step.broken(body)
            return
        response = step.client.respond(run.run_id, body, step.headers)
        answered = (run, text(body["responseType"])) if run.step_id is not None else None
        step.call("respond", respond_title(body["responseType"], run), response, answered)


def respond_body(action: RespondAction, response_type: Any, run: CurrentRun,
                 scope: Scope) -> dict[str, Any] | str:
    """The respond request body, or why there is none (no interaction to answer).

    >>> respond_body(RespondAction("accept"), "accept", run, scope)  # doctest: +SKIP
    {'interactionId': 'int-2', 'responseType': 'accept', 'expectedRunVersion': 2}
    """
    if action.interaction_id is UNSET:
        interaction = run.interaction_id or run.last_interaction_id
        if interaction is None:
            return (f"respond: the run {run.run_id} has no pending interaction to "
                    f"answer (status {run.status}); write interactionId explicitly")
    else:
        interaction = templating.render(action.interaction_id, scope.resolve)
    body: dict[str, Any] = {"interactionId": interaction, "responseType": response_type}
    if action.data is not None:
        body["responseData"] = templating.render(action.data, scope.resolve)
    version = (run.version if action.expected_run_version is UNSET
               else templating.render(action.expected_run_version, scope.resolve))
    if version is not None:
        body["expectedRunVersion"] = version
    return body


def respond_title(response_type: Any, run: CurrentRun | None) -> str:
    """``respond accept to offer_discount (step discount_offer)``: what was answered."""
    if run is None or run.step_id is None:
        return f"respond {text(response_type)} (no pending interaction)"
    return f"respond {text(response_type)} to {run.action_type} (step {run.step_id})"


KIND = Respond()
