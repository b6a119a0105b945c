"""The one-paragraph message of a flow that did not pass: the step that stopped it (with its
title and file line), every mismatch of that step, and how many steps were not run.

>>> print(summary(step, flow, 2))  # doctest: +SKIP
step 2 "respond next" (flows/t.flow.yaml:9) failed:
  status: expected "a", got "b"
(2 later steps were not run)
"""

from __future__ import annotations

from juo_flowtest.base.outcome import Verdict
from juo_flowtest.flowfile import model
from juo_flowtest.run.result import StepResult


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
