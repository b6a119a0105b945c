"""summary: a failed flow's message names the step, its mismatches and the steps not run."""

from __future__ import annotations

from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.base.position import Position
from juo_flowtest.flowfile import model
from juo_flowtest.run.result import StepResult
from juo_flowtest.run.summary import summary

POS = Position("flows/t.flow.yaml", 9, 3)


def test_summary_names_the_step_its_mismatches_and_the_steps_not_run() -> None:
    flow = model.Flow("f", (), POS)
    mismatch = Mismatch("status", "a", "b", 'expected "a", got "b"', POS, "-a\n+b")
    step = StepResult(1, "respond next", Verdict.FAILED, (), (mismatch,), None, POS)
    assert summary(step, flow, 2) == (
        'step 2 "respond next" (flows/t.flow.yaml:9) failed:\n'
        '  status: expected "a", got "b"\n    -a\n    +b\n(2 later steps were not run)')
    broken = StepResult(0, "get", Verdict.BROKEN, (), (), "no run", None)
    assert summary(broken, flow, 1) == (
        'step 1 "get" (flows/t.flow.yaml:9) is broken: no run\n(1 later step was not run)')
