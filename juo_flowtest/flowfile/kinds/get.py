"""``get``: GET /workflows/{runId} of the current run.

.. code-block:: yaml

    - get: {}
      expect: {status: completed}
"""

from __future__ import annotations

from typing import Any, ClassVar

from juo_flowtest.base.diagnostics import kind
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.flowfile.builders import Builders
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun
from juo_flowtest.flowfile.model import Action


@record
class GetAction(Action):
    KEY: ClassVar[str] = "get"


_GET = GetAction()


class Get(Kind):
    key = "get"
    action = GetAction
    summary = "GET /workflows/{runId} of the current run."
    schema: ClassVar[dict[str, Any]] = {
        "description": "GET /workflows/{runId}: write get: {}.",
        "type": ["object", "null"], "maxProperties": 0}

    def parse(self, raw: Any, at: Position, build: Builders) -> GetAction:
        if raw is not None and raw != {}:
            build.problems.add(at, f"get takes no options, got {kind(raw)}", "write get: {}")
        return _GET

    def run(self, action: GetAction, rendered: Any, step: StepRun) -> None:
        run = self.needs_run(step)
        if run is not None:
            step.call("get", "get", step.client.get(run.run_id, step.headers))


KIND = Get()
