"""``advance``: time passes for the current run, so its timeout or slow execution happens now.

On the sandbox the run's own clock moves ahead (the sandbox-only ``POST .../advance``): a
24-hour timeout runs in milliseconds. Elsewhere the step waits that long in real time, then
reads the run; a wait longer than ``REAL_WAIT_LIMIT_S`` is not made: the flow is skipped, and
says why. Either way the step's ``expect`` is checked on the run state that follows.

.. code-block:: yaml

    - advance: 24h
      expect: {status: cancelled, outcome: {type: abandoned}}
"""

from __future__ import annotations

from typing import Any, ClassVar

from juo_flowtest.base.diagnostics import kind
from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.flowfile.builders import Builders, parse_duration
from juo_flowtest.flowfile.kinds.kind import Kind, StepRun
from juo_flowtest.flowfile.model import Action

#: The longest real wait an ``advance`` makes on a target without the sandbox's clock.
REAL_WAIT_LIMIT_S = 30.0


@record
class AdvanceAction(Action):
    KEY: ClassVar[str] = "advance"
    seconds: float
    written: str


class Advance(Kind):
    key = "advance"
    action = AdvanceAction
    summary = ("Move the current run's clock ahead (the sandbox), or wait that long "
               f"(other targets, up to {REAL_WAIT_LIMIT_S:g}s; longer skips the flow).")
    schema: ClassVar[dict[str, Any]] = {"$ref": "#/$defs/duration"}

    def parse(self, raw: Any, at: Position, build: Builders) -> AdvanceAction | None:
        seconds = parse_duration(raw)
        if seconds is None or seconds <= 0:
            shown = repr(raw) if isinstance(raw, (str, int, float)) else kind(raw)
            build.problems.add(at, f"bad duration {shown} for 'advance'",
                               "write 300ms, 10s, 5m, 24h, 7d or a positive number of seconds")
            return None
        return AdvanceAction(seconds, str(raw).strip())

    def title(self, action: AdvanceAction, rendered: Any) -> str:
        return f"advance {action.written}"

    def run(self, action: AdvanceAction, rendered: Any, step: StepRun) -> None:
        run = self.needs_run(step)
        if run is None:
            return
        title = self.title(action, rendered)
        if step.controls:
            ms = round(action.seconds * 1000.0, 3)
            step.call("advance", title, step.client.advance(run.run_id, ms, step.headers))
            return
        if action.seconds > REAL_WAIT_LIMIT_S:
            step.skip(f"{title}: this target has no clock to move (only the sandbox has), and "
                      f"waiting {action.written} in real time is over the limit of "
                      f"{REAL_WAIT_LIMIT_S:g}s")
            return
        step.sleep(action.seconds)
        step.call("advance", title, step.client.get(run.run_id, step.headers))


KIND = Advance()
