"""Workflow findings: what generation discovers, at path:line:col with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.cli.main import main
from juo_flowtest.paths.findings import findings
from juo_flowtest.sandbox.app import EXAMPLES_DIR
from juo_flowtest.sandbox.loading import load_directory

ODD = Path(__file__).resolve().parents[1] / "golden" / "workflows" / "findings"


def _rendered() -> list[str]:
    return [d.render() for w in load_directory(ODD) for d in findings(w)]


def test_each_kind_of_finding_is_told_where_it_is_written() -> None:
    found = _rendered()
    path = str(ODD / "odd.workflow.yaml")
    expected = [
        (8, 5, ("step 'start': every variant routes the same way (go): the experiment changes "
                "nothing")),
        (17, 5, "step 'ask': the response 'z' offered here has no transition"),
        (20, 9, ("step 'ask': transition 'ask_y' can never be taken: its conditions can never "
                 "hold")),
        (28, 9, "step 'ask': transition 'ask_y3' can never be taken: shadowed by 'ask_y2'"),
        (29, 5, "step 'loop_a': no end can be reached from here"),
        (33, 5, "step 'loop_b': no end can be reached from here"),
        (37, 5, "step 'orphan' cannot be reached from the initial step"),
    ]
    assert len(found) == len(expected)
    for text, (line, col, message) in zip(found, expected):
        assert text.startswith(f"{path}:{line}:{col}: warning: {message}"), text
        assert "\n  hint: " in text and "^" in text


def test_the_examples_have_only_their_deliberate_finding() -> None:
    found = [d.message for w in load_directory(EXAMPLES_DIR) for d in findings(w)]
    assert found == [("step 'remove_item': transition 'remove_item_done' can never be taken: "
                      "the execution of step 'remove_item' fails, so the run never leaves it")]


def test_lint_warns_by_default_and_fails_with_strict(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    assert main(["lint", str(ODD)]) == 0
    out = capsys.readouterr().out
    # odd's ids are not uuids: Juo's schema warnings come too, and stay warnings with --strict
    juo = out.count(": warning: not accepted by Juo")
    assert juo and out.count(": warning: ") - juo == 7
    assert f"7 finding(s), 0 invalid file(s); {juo} warning(s) against Juo's schema" in out
    assert main(["lint", "--strict", str(ODD)]) == 2
    out = capsys.readouterr().out
    assert out.count(": error: ") == 7 and "1 invalid file(s)" in out
    assert out.count(": warning: ") == juo


def test_an_experiment_read_by_its_own_responses_is_not_said_to_change_nothing(
        tmp_path: Path) -> None:
    # The step asks something, so it has no automatic routing: its response transitions
    # reading the variant are what the experiment changes.
    source = (ODD.parent / "generate" / "offer-test.workflow.yaml").read_text()
    (tmp_path / "offer.workflow.yaml").write_text(source)
    assert [d.message for w in load_directory(tmp_path) for d in findings(w)] == []
    alike = source.replace("operator: equals\n                  right: {resolver: value, "
                           "params: {value: grid}}", "operator: is_not_empty")
    assert alike != source
    (tmp_path / "offer.workflow.yaml").write_text(alike.replace(
        "left: {resolver: variant, params: {stepId: offer}}",
        "left: {resolver: context, params: {path: grid}}"))
    assert [d.message for w in load_directory(tmp_path) for d in findings(w)] == [
        ("step 'offer': every variant routes the same way (no transition): the experiment "
         "changes nothing")]
