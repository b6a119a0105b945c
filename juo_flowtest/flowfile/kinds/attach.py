"""``attach``: GET /workflows/{runId} of an existing run, which becomes the current run. Only
a flow's opening call.

.. code-block:: yaml

    attach: {runId: "${first_run}"}     # or the shorthand  attach: "${first_run}"
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

ATTACH_KEYS = ("runId", "headers")


@record
class AttachAction(Action):
    KEY: ClassVar[str] = "attach"
    run_id: Value
    headers: Headers = NO_HEADERS


class Attach(Kind):
    key = "attach"
    action = AttachAction
    opening = True
    in_steps = False
    summary = "GET /workflows/{runId} of an existing run, which becomes the current run."
    schema: ClassVar[dict[str, Any]] = {"oneOf": [
        {"type": "string", "description": "The run id (shorthand for {runId: ...})."},
        {"type": "object", "required": ["runId"], "additionalProperties": False,
         "properties": {
             "runId": {"description": "The run to pick up, e.g. ${first_run}.", "type": "string"},
             "headers": {"$ref": "#/$defs/headers"}}},
    ]}

    def parse(self, raw: Any, at: Position, build: Builders) -> AttachAction | None:
        if isinstance(raw, str):  # `attach: ${run}` shorthand for {runId: ...}
            return AttachAction(build.variables.value(raw, at))
        node = as_mapping(build.problems, raw, at, "attach")
        if node is None:
            return None
        r = Reader(build.problems, node, "attach")
        r.keys(ATTACH_KEYS, required=("runId",))
        run_id = build.variables.value(r.get("runId"), r.at("runId"))
        if r.has("runId") and not isinstance(run_id, (str, Template)):
            r.wrong("runId", "a string")
        return AttachAction(run_id, build.optional_headers(r))

    def render(self, action: AttachAction, scope: Scope) -> Any:
        return text(templating.render(action.run_id, scope.resolve))

    def title(self, action: AttachAction, rendered: Any) -> str:
        return f"attach {rendered}"

    def headers(self, action: AttachAction) -> Headers:
        return action.headers

    def run(self, action: AttachAction, rendered: Any, step: StepRun) -> None:
        step.call("attach", f"attach {rendered}", step.client.get(rendered, step.headers))


KIND = Attach()
