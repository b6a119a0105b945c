"""``start``: POST /workflows/start. A flow's opening call, or a step that starts another run
(which becomes the current run).

.. code-block:: yaml

    start:
      flowType: subscription_cancellation_requested
      context: {subscriptionId: "${subscription}"}
      # workflowId: ..., dryRun: true, headers: {...}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from juo_flowtest.base import templating
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template
from juo_flowtest.flowfile.builders import NO_HEADERS, Builders
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun, text
from juo_flowtest.flowfile.model import Action, Headers, Value
from juo_flowtest.flowfile.scope import Scope
from juo_flowtest.source.fields import Reader, as_mapping

START_KEYS = ("flowType", "context", "workflowId", "dryRun", "headers")
_TYPES = {"flowType": "a string", "context": "a mapping", "workflowId": "a string",
          "dryRun": "true or false"}


@dataclass(frozen=True, slots=True)
class StartAction(Action):
    """``body`` holds flowType, context, workflowId, dryRun as written."""

    KEY: ClassVar[str] = "start"
    body: Value
    headers: Headers = NO_HEADERS


class Start(Kind):
    key = "start"
    action = StartAction
    opening = True
    summary = "POST /workflows/start: start a run, which becomes the current run."
    schema: ClassVar[dict[str, Any]] = {
        "type": "object", "required": ["flowType"], "additionalProperties": False,
        "properties": {
            "flowType": {"description": "The trigger type, e.g. "
                         "subscription_cancellation_requested.", "type": "string", "minLength": 1},
            "context": {"description": "The start context (free-form object); {} when omitted.",
                        "type": ["object", "string"]},
            "workflowId": {"description": "Start this workflow instead of the published one for "
                           "flowType.", "type": "string"},
            "dryRun": {"description": "Dry run: effects are listed but not applied.",
                       "type": ["boolean", "string"]},
            "headers": {"$ref": "#/$defs/headers"},
        },
    }

    def parse(self, raw: Any, at: Position, build: Builders) -> StartAction | None:
        node = as_mapping(build.problems, raw, at, "start")
        if node is None:
            return None
        r = Reader(build.problems, node, "start")
        r.keys(START_KEYS, required=("flowType",))
        body: dict[str, Any] = {}
        for key, expected in _TYPES.items():
            if r.has(key):
                value = build.variables.value(node[key], r.at(key))
                if not (_fits(key, value) or _is_whole_template(value)):
                    r.wrong(key, expected)
                body[key] = value
        body.setdefault("context", {})  # the API requires it; an empty context is the default
        return StartAction(body, build.optional_headers(r))

    def render(self, action: StartAction, scope: Scope) -> Any:
        return templating.render(action.body, scope.resolve)

    def title(self, action: StartAction, rendered: Any) -> str:
        return f"start {text(rendered.get('flowType') if isinstance(rendered, dict) else None)}"

    def headers(self, action: StartAction) -> Headers:
        return action.headers

    def run(self, action: StartAction, rendered: Any, step: StepRun) -> None:
        step.call("start", self.title(action, rendered), step.client.start(rendered, step.headers))


def _fits(key: str, value: Any) -> bool:
    if key == "context":
        return isinstance(value, dict)
    if key == "dryRun":
        return isinstance(value, bool)
    return isinstance(value, (str, Template)) and str(value).strip() != ""


def _is_whole_template(value: Any) -> bool:
    return isinstance(value, Template) and value.whole is not None


KIND = Start()
