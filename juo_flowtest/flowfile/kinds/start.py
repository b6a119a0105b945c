"""``start``: POST /workflows/start. A flow's opening call, or a step that starts another run
(which becomes the current run).

.. code-block:: yaml

    start:
      flowType: subscription_cancellation_requested
      context: {subscriptionId: "${subscription}"}
      # workflowId: ..., dryRun: true, headers: {...}
"""

from __future__ import annotations

from typing import Any, ClassVar

from juo_flowtest.base import templating
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.base.templating import Template
from juo_flowtest.flowfile.builders import NO_HEADERS, Builders
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun, text
from juo_flowtest.flowfile.model import Action, Headers, Value
from juo_flowtest.flowfile.scope import Scope
from juo_flowtest.source.fields import Reader, as_mapping

START_KEYS = ("flowType", "context", "workflowId", "dryRun", "variants", "headers")
#: The sandbox-only header that pins variants (docs/sandbox.md).
VARIANTS_HEADER = "X-Sandbox-Variants"
_TYPES = {"flowType": "a string", "context": "a mapping", "workflowId": "a string",
          "dryRun": "true or false"}


@record
class StartAction(Action):
    """``body`` holds flowType, context, workflowId, dryRun as written."""

    KEY: ClassVar[str] = "start"
    body: Value
    headers: Headers = NO_HEADERS
    variants: Value = None  # {experiment stepId: variantId}: pinned on the sandbox


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
            "variants": {"description": "The variant this flow covers at each experiment step "
                         "({stepId: variantId}): pinned on the sandbox; on another target a run "
                         "assigned another variant skips the flow.",
                         "type": ["object", "string"],
                         "additionalProperties": {"type": "string"}},
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
                value = build.variables.item(node, key)
                if not (_fits(key, value) or _is_whole_template(value)):
                    r.wrong(key, expected)
                body[key] = value
        body.setdefault("context", {})  # the API requires it; an empty context is the default
        variants = None
        if r.has("variants"):
            variants = build.variables.value(node["variants"], r.at("variants"))
            if not (_pins(variants) or _is_whole_template(variants)):
                r.wrong("variants", "a mapping of experiment step ids to variant ids")
        return StartAction(body, build.optional_headers(r), variants)

    def render(self, action: StartAction, scope: Scope) -> Any:
        return templating.render(action.body, scope.resolve)

    def title(self, action: StartAction, rendered: Any) -> str:
        return f"start {text(rendered.get('flowType') if isinstance(rendered, dict) else None)}"

    def headers(self, action: StartAction) -> Headers:
        return action.headers

    def run(self, action: StartAction, rendered: Any, step: StepRun) -> None:
        headers = step.headers
        if action.variants is not None:
            pins = templating.render(action.variants, step.scope.resolve)
            if not _pins(pins):
                step.broken(f"start variants: expected {{stepId: variantId}}, got {text(pins)}")
                return
            step.pin(pins)
            if step.controls:
                header = ", ".join(f"{k}={v}" for k, v in pins.items())
                headers = {**(headers or {}), VARIANTS_HEADER: header}
        step.call("start", self.title(action, rendered), step.client.start(rendered, headers))


def _fits(key: str, value: Any) -> bool:
    if key == "context":
        return isinstance(value, dict)
    if key == "dryRun":
        return isinstance(value, bool)
    return isinstance(value, (str, Template)) and str(value).strip() != ""


def _pins(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, (str, Template)) for k, v in value.items())


def _is_whole_template(value: Any) -> bool:
    return isinstance(value, Template) and value.whole is not None


KIND = Start()
