"""Workflow definition loading: every rule gives path:line and a hint; all problems together."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx
import pytest
from sandbox_api import HEADERS

from juo_flowtest.base.errors import WorkflowDefinitionError
from juo_flowtest.sandbox import ManualClock, Sandbox, assumptions
from juo_flowtest.sandbox.command import command, configure_parser
from juo_flowtest.sandbox.definitions import Step, Transition, Workflow, pending_interaction
from juo_flowtest.sandbox.jsoncodec import CODEC
from juo_flowtest.sandbox.loading import EXAMPLES_DIR, load_directory

HEAD = """\
id: {id}
name: Test
version: {version}
status: {status}
triggerType: {trigger}
trigger: {{id: t, type: {trigger}, category: customer_initiated}}
steps:
"""
GOOD_STEPS = """\
  - id: ask
    name: Ask
    isInitial: true
    action: {id: a, type: show_confirmation, config: {}}
    transitions:
      - {id: t_confirm, type: response, responseType: confirm, targetStepId: done}
      - {id: t_back, type: response, responseType: back, targetStepId: done}
  - id: done
    name: Done
    isFinal: true
    transitions: []
"""


def write(directory: Path, name: str, steps: str, id: str = "wf", version: int = 1,
          status: str = "published", trigger: str = "tt") -> Path:
    path = directory / name
    path.write_text(HEAD.format(id=id, version=version, status=status, trigger=trigger)
                    + steps, encoding="utf-8")
    return path


def problems(directory: Path) -> str:
    with pytest.raises(WorkflowDefinitionError) as info:
        load_directory(directory)
    return str(info.value)


def test_examples_load() -> None:
    workflows = load_directory(Path(__file__).parents[2] / "flows" / "workflows")
    assert {w.trigger_type for w in workflows} == {
        "subscription_cancellation_requested", "next_renewal_skip_requested",
        "subscription_pause_requested", "subscription_item_removal_requested",
        "customer_portal_opened"}


def test_unknown_target_points_at_the_transition(tmp_path: Path) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("targetStepId: done}\n  - id: done",
                                                                  "targetStepId: gone}\n  - id: done"))
    text = problems(tmp_path)
    assert f"{path}:14:9: error: step 'ask': transition 't_back' targets unknown step 'gone'" in text
    assert "hint: known steps: ask, done" in text


def test_response_type_not_offered(tmp_path: Path) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("responseType: back",
                                                                  "responseType: accept"))
    text = problems(tmp_path)
    assert (f"{path}:14:9: error: step 'ask': response type 'accept' is not offered by action "
            "type 'show_confirmation'") in text
    assert "hint: offered responses: back, confirm" in text


def test_initial_steps(tmp_path: Path) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("    isInitial: true\n", ""))
    assert f"{path}:8:3: error: no step has isInitial: true" in problems(tmp_path)
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("isFinal: true",
                                                           "isFinal: true\n    isInitial: true"))
    assert "error: several initial steps: ask, done" in problems(tmp_path)


def test_auto_cycle_without_interaction(tmp_path: Path) -> None:
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS + """\
  - id: loop_a
    name: A
    transitions: [{id: x, type: auto, targetStepId: loop_b}]
  - id: loop_b
    name: B
    transitions: [{id: y, type: auto, targetStepId: loop_a}]
""")
    assert ("error: automatic transitions loop with no interaction: loop_a -> loop_b -> loop_a"
            in problems(tmp_path))


def test_unknown_operator_resolver_action_and_duplicate_key_all_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS + """\
  - id: route
    name: Route
    name: Again
    action: {id: r, type: teleport}
    transitions:
      - id: c
        type: auto
        targetStepId: done
        conditions:
          rootLogic: and
          groups:
            - id: g
              logic: and
              items:
                - {id: i, left: {resolver: crystal_ball}, operator: roughly, right: {resolver: value, params: {value: 1}}}
""")
    text = problems(tmp_path)
    assert f"{path}:21:5: error: duplicate key 'name' (first written at line 20)" in text
    assert f"{path}:22:21: error: step 'route': unknown action type 'teleport'" in text
    assert "unknown operator 'roughly'" in text and "hint: operators: equals, not_equals" in text
    assert "unknown resolver 'crystal_ball'" in text
    assert "      action: {id: r, type: teleport}\n" in text  # the source line, then a caret
    assert text.count(": error: ") == 4


def test_problems_of_all_files_are_reported_together(tmp_path: Path) -> None:
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("done}\n  - id: done",
                                                           "nowhere}\n  - id: done"))
    (tmp_path / "b.workflow.json").write_text('{"id": "b", "version": 1,', encoding="utf-8")
    text = problems(tmp_path)
    assert "a.workflow.yaml:14:9" in text
    assert ("b.workflow.json:2:1: error: YAML syntax error: did not find expected node content"
            in text)


def test_two_published_for_one_trigger_type(tmp_path: Path) -> None:
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS, id="one")
    second = write(tmp_path, "b.workflow.yaml", GOOD_STEPS, id="two")
    text = problems(tmp_path)
    assert f"{second}:4:1: error: a second published workflow for trigger type 'tt'" in text


def test_versions_json_and_start_by_id(tmp_path: Path) -> None:
    write(tmp_path, "v1.workflow.yaml", GOOD_STEPS, version=1, status="archived")
    write(tmp_path, "v2.workflow.yaml", GOOD_STEPS, version=2, status="published")
    write(tmp_path, "v3.workflow.yaml", GOOD_STEPS, version=3, status="draft")
    doc = {"id": "other", "name": "J", "version": 1, "status": "draft", "triggerType": "zz",
           "trigger": {"id": "t", "type": "zz", "category": "time_based"},
           "steps": [{"id": "end", "name": "End", "isInitial": True, "isFinal": True,
                      "transitions": []}]}
    (tmp_path / "j.workflow.json").write_text(json.dumps(doc), encoding="utf-8")
    with Sandbox(tmp_path, clock=ManualClock()) as sb:
        assert [(w["id"], w["version"]) for w in sb.workflows] == [
            ("other", 1), ("wf", 1), ("wf", 2), ("wf", 3)]
        start = {"flowType": "tt", "context": {}}
        r = httpx.post(sb.base_url + "/workflows/start", json=start, headers=HEADERS)
        assert r.json()["workflowVersion"] == 2  # the published one
        r = httpx.post(sb.base_url + "/workflows/start", headers=HEADERS,
                       json={"flowType": "x", "context": {}, "workflowId": "other"})
        assert r.json()["status"] == "completed"  # a draft starts by id


def test_duplicate_version_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS, status="draft")
    write(tmp_path, "b.workflow.yaml", GOOD_STEPS, status="draft")
    assert "workflow 'wf' version 1 is also defined in" in problems(tmp_path)


def test_sandbox_refuses_to_start_on_bad_definitions(tmp_path: Path) -> None:
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("type: show_confirmation",
                                                           "type: magic"))
    sb = Sandbox(tmp_path)
    with pytest.raises(WorkflowDefinitionError):
        sb.start()
    assert sb.base_url == ""


def test_command_prints_diagnostics_and_exits_2(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("type: show_confirmation",
                                                                  "type: magic"))
    parser = argparse.ArgumentParser()
    configure_parser(parser)
    assert command(parser.parse_args(["--workflows", str(tmp_path), "--port", "0"])) == 2
    err = capsys.readouterr().err
    assert f"{path}:11:21: error: step 'ask': unknown action type 'magic'" in err
    assert "Traceback" not in err
    assert command(parser.parse_args(["--workflows", str(tmp_path / "none")])) == 2


def test_definitions_are_yaml_1_2_like_flow_files(tmp_path: Path) -> None:
    """yes/no stay strings (with a hint saying so); dates reach the API as the text written."""
    write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("config: {}", "config: {since: 2024-05-01}"))
    ask = load_directory(tmp_path)[0].steps["ask"]
    assert ask.action_config["since"] == "2024-05-01"
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("isInitial: true", "isInitial: yes"))
    text = problems(tmp_path)
    assert f"{path}:10:5: error: steps[0]: 'isInitial' must be bool, got str" in text
    assert "hint: write true or false: in YAML 1.2 'yes' is a string" in text
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS)
    path.write_text(path.read_text().replace("version: 1", "version: 0x1"))  # YAML 1.1 hex
    text = problems(tmp_path)
    assert f"{path}:3:1: error: workflow: 'version' must be int, got str" in text
    assert "hint: write a plain decimal number" in text


def test_mistyped_mapping_multiple_documents_and_bad_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "a.workflow.yaml", GOOD_STEPS.replace("config: {}", "config: []"))
    assert (f"{path}:11:46: error: step 'ask' action: 'config' must be mapping, got list"
            in problems(tmp_path))
    path.write_text(HEAD.format(id="a", version=1, status="draft", trigger="tt") + GOOD_STEPS
                    + "---\nid: b\n", encoding="utf-8")
    assert (f"{path}:20:1: error: a second YAML document in a workflow file\n"
            in problems(tmp_path))
    path.write_bytes(b"id: caf\xe9\n")
    assert f"{path}:1:1: error: not UTF-8 text: invalid continuation byte" in problems(tmp_path)


def _every_workflow() -> list[Workflow]:
    """The examples, the repository's flows' workflows and the golden test workflows."""
    root = Path(__file__).parents[2]
    folders = [EXAMPLES_DIR, root / "flows" / "workflows",
               *sorted(p for p in (root / "tests" / "golden" / "workflows").iterdir()
                       if p.is_dir())]
    return [w for folder in folders for w in load_directory(folder)]


def _walked(step: Step, kind: str, response_type: str | None = None) -> tuple[Transition, ...]:
    """The transitions the engine considered before they were sorted out at load: every one
    of ``kind`` (and, for a response, of its response type), in order."""
    return tuple(t for t in step.transitions if t.type == kind
                 and (kind != "response" or t.response_type == response_type))


def test_what_a_step_sorts_out_at_load_is_what_the_engine_walked_for() -> None:
    workflows = _every_workflow()
    assert len(workflows) > 10
    seen = 0
    for workflow in workflows:
        for step in workflow.steps.values():
            action = step.action
            action_type = action.type if action else ""
            answered = {t.response_type for t in step.transitions
                        if t.type == "response" and t.response_type is not None}
            for response_type in answered | step.response_types:
                assert step.on_response.get(response_type, ()) == _walked(
                    step, "response", response_type)
            assert set(step.on_response) <= answered
            assert step.auto == _walked(step, "auto")
            for t in step.transitions:
                assert t.taken == {"stepId": step.id, "transitionId": t.id}
            assert step.ends == (step.is_final or (action is not None and action.kind == "end"))
            assert step.executes == (action is not None and action.kind == "execution")
            for response_type in step.response_types:
                accepts = action_type in assumptions.OFFER_RESOURCES and (
                    action_type == "offer_selection"
                    or response_type == assumptions.ACCEPT_RESPONSE)
                assert (response_type in step.accepting) == accepts
            if step.executes:
                assert step.resources == assumptions.EXECUTION_RESOURCES.get(action_type, ())
            elif action_type in assumptions.OFFER_RESOURCES:
                assert step.resources == assumptions.OFFER_RESOURCES[action_type]
            seen += len(step.transitions)
    assert seen > 100


def test_a_pending_interaction_is_made_from_its_step_in_one_place() -> None:
    for workflow in _every_workflow():
        if workflow.encoded is None:
            continue
        for step_id, template in workflow.encoded.pending.items():
            plain = pending_interaction(workflow.steps[step_id], None)
            assert list(template) == list(plain)  # the members' order the API answers
            assert template["interactionId"] is None and template["presentedAt"] is None
            assert CODEC.dumps(template) == CODEC.dumps(plain)
