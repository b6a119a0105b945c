"""`juo-flowtest lint`: every error of every file, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.cli.main import main

GOOD = "flow: ok\nstart: {flowType: subscription_cancellation_requested, context: {}}\n"


def test_all_valid_files_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.flow.yaml").write_text(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.flow.yml").write_text(GOOD + "---\n" + GOOD.replace("ok", "ok2"))
    assert main(["lint", str(tmp_path)]) == ExitCode.PASSED
    assert "2 file(s) checked, 3 flow(s), 0 invalid file(s)" in capsys.readouterr().out


def test_every_invalid_file_is_reported_and_exit_is_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.flow.yaml").write_text(GOOD.replace("flow:", "flwo:"))
    (tmp_path / "b.flow.yaml").write_text(GOOD + "severity: urgent\n")
    (tmp_path / "c.flow.yaml").write_text(GOOD)
    assert main(["lint", str(tmp_path)]) == ExitCode.INVALID
    out = capsys.readouterr().out
    assert f"{tmp_path / 'a.flow.yaml'}:1:1" in out
    assert f"{tmp_path / 'b.flow.yaml'}:3:" in out
    assert "3 file(s) checked, 1 flow(s), 2 invalid file(s)" in out
    assert "Traceback" not in out


def test_no_flow_files_and_missing_paths(tmp_path: Path) -> None:
    assert main(["lint", str(tmp_path)]) == ExitCode.NO_FLOWS
    assert main(["lint", str(tmp_path / "nope")]) == ExitCode.USAGE


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == ExitCode.USAGE
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


WORKFLOW = (
    "id: x\nname: X\nversion: 1\nstatus: published\ntriggerType: t\n"
    "trigger: {id: t, type: t, category: customer_initiated}\n"
    "steps:\n  - {id: a, name: A, isInitial: true, action: {id: a1, type: show_content},"
    " transitions: [{id: go, type: response, responseType: next, targetStepId: b}]}\n"
    "  - {id: b, name: B, isFinal: true, transitions: []}\n")


def test_workflow_definitions_are_checked_folder_by_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.flow.yaml").write_text(GOOD)
    (tmp_path / "x.workflow.yaml").write_text(WORKFLOW)
    assert main(["lint", str(tmp_path)]) == ExitCode.PASSED
    assert "1 workflow definition(s), 0 invalid file(s)" in capsys.readouterr().out
    (tmp_path / "x.workflow.yaml").write_text(WORKFLOW.replace("targetStepId: b", "targetStepId: c"))
    (tmp_path / "y.workflow.json").write_text('{"id": "y"')
    assert main(["lint", str(tmp_path)]) == ExitCode.INVALID
    out = capsys.readouterr().out
    assert f"{tmp_path / 'x.workflow.yaml'}:8:" in out and "unknown step 'c'" in out
    assert f"{tmp_path / 'y.workflow.json'}:" in out
    assert "2 workflow definition(s), 2 invalid file(s)" in out


def test_one_published_workflow_per_trigger_is_checked_across_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.workflow.yaml").write_text(WORKFLOW)
    (tmp_path / "z.workflow.yaml").write_text(WORKFLOW.replace("id: x", "id: z"))
    assert main(["lint", str(tmp_path)]) == ExitCode.INVALID
    assert "a second published workflow for trigger type 't'" in capsys.readouterr().out


def test_a_file_of_another_kind_named_explicitly_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    assert main(["lint", str(tmp_path / "notes.yaml")]) == ExitCode.INVALID
    assert "not a flow file or a workflow definition" in capsys.readouterr().out
