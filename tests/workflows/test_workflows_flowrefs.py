"""Flows checked against workflow definitions: ``juo-flowtest lint`` names, at the flow's
place, a step id, action type or response type no workflow of the flow's trigger offers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from juo_flowtest.cli.main import main
from juo_flowtest.sandbox.loading import EXAMPLES_DIR, load_directory
from juo_flowtest.workflows.flowrefs import by_trigger, check_flow_file

FLOW = """\
flow: Price objection
vars: {answer: accept}
start:
  flowType: subscription_cancellation_requested
  context: {}
expect: {pending: {stepId: value_reminder}}
steps:
  - respond: next
  - respond: too_expensive
    expect:
      pending: {stepId: discount_20_offer, actionType: offer_discount_v2}
  - respond: accept_v2
  - respond: nope                        # a refusal written on purpose: not judged
    expect: {http: 422}
  - respond: {type: accept, data: {x: 1}}
    expect: {endStep: {id: saved_v2}}
  - respond: "${answer}"                 # a placeholder: not judged
---
flow: An unknown trigger is left alone
start: {flowType: subscription_teleport_requested}
steps:
  - respond: anything
---
flow: A later start switches the workflow
start: {flowType: subscription_pause_requested}
steps:
  - respond: decline
  - start: {flowType: subscription_cancellation_requested}
    expect: {pending: {stepId: stay_offer}}
"""


def test_references_no_workflow_offers_are_reported_where_they_are_written(
        tmp_path: Path) -> None:
    path = tmp_path / "price.flow.yaml"
    path.write_text(FLOW)
    problems = check_flow_file(path, by_trigger(load_directory(EXAMPLES_DIR)))
    assert [(p.position.line, p.position.column, p.message) for p in problems] == [
        (11, 56, "no step asks with action type 'offer_discount_v2' in Cancellation flow v1"),
        (12, 14, ("step 'discount_20_offer' offers no response 'accept_v2' in "
                 "Cancellation flow v1")),
        (16, 28, "no step 'saved_v2' in Cancellation flow v1"),
        (29, 32, "no interaction step 'stay_offer' in Cancellation flow v1"),
    ]
    assert problems[1].hint == "it offers: accept, decline"


def test_lint_checks_flows_against_the_definitions_it_finds_or_is_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "price.flow.yaml").write_text(FLOW)
    assert main(["lint", "flows"]) == 0  # no definitions at hand: nothing to check against
    shutil.copytree(EXAMPLES_DIR, tmp_path / "flows" / "workflows")
    capsys.readouterr()
    assert main(["lint", "flows"]) == 2
    out = capsys.readouterr().out
    assert "flows/price.flow.yaml:12:14: error: step 'discount_20_offer' offers no response " \
           "'accept_v2' in Cancellation flow v1" in out
    assert main(["lint", "flows/price.flow.yaml"]) == 2  # the default folder: flows/workflows
    assert main(["lint", "flows/price.flow.yaml", "--juo-sandbox-workflows", "nowhere"]) == 4
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(EXAMPLES_DIR / "pause.workflow.yaml", other)
    capsys.readouterr()
    # only the pause workflow: the cancellation references are not judged, the pause ones are
    assert main(["lint", "flows/price.flow.yaml", "--juo-sandbox-workflows", "other"]) == 0
    assert "error" not in capsys.readouterr().out


def test_the_example_suite_matches_its_workflows(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[2]
    assert main(["lint", str(root / "flows")]) == 0, capsys.readouterr().out
