"""titles: what the report shows for steps and calls, and a failed flow's summary."""

from __future__ import annotations

from typing import Any

from juo_flowtest.base.outcome import Mismatch, Verdict
from juo_flowtest.base.position import Position
from juo_flowtest.expect.matchers import compile_matcher
from juo_flowtest.flowfile import model
from juo_flowtest.flowfile.scope import CurrentRun, Scope
from juo_flowtest.run.result import StepResult
from juo_flowtest.run.titles import call_title, plain_title, respond_title, summary, wait_title

POS = Position("flows/t.flow.yaml", 9, 3)


def check(label: str, raw: Any) -> model.FieldCheck:
    return model.FieldCheck(label, (label,), compile_matcher(raw, POS, lambda c, k: None), POS)


def test_call_titles_name_the_rendered_values() -> None:
    assert call_title(model.StartAction({}), {"flowType": "skip"}) == "start skip"
    assert call_title(model.StartAction({}), [1]) == "start null"
    assert call_title(model.AttachAction("${r}"), "r-9") == "attach r-9"
    assert call_title(model.RespondAction("${t}"), {"a": 1}) == 'respond {"a": 1}'
    assert call_title(model.GetAction(), None) == "get"
    assert plain_title(model.WaitAction(model.Expect())) == "wait"


def test_respond_titles_say_what_was_answered() -> None:
    run = CurrentRun("r", 1, "wf@1", "waiting_interaction", "i", "offer", "offer_discount", "i")
    assert respond_title("accept", run) == "respond accept to offer_discount (step offer)"
    assert respond_title("accept", None) == "respond accept (no pending interaction)"


def test_wait_titles_show_short_expected_values_or_labels() -> None:
    until = model.Expect(fields=(check("status", "completed"), check("pending", {"a": "x" * 50})),
                         http=compile_matcher(200, POS, lambda c, k: None))
    title = wait_title(until, Scope({}, None, {}))
    assert title == 'wait until status=completed, pending={"a": "' + "x" * 32 + "…, http=200"
    unknown = model.Expect(fields=(check("status", "${later}"),))
    assert wait_title(unknown, Scope({}, None, {})) == "wait until status"
    assert wait_title(model.Expect(), Scope({}, None, {})) == "wait until a 2xx"


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
