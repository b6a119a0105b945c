"""``juo-flowtest generate``: files written, what cannot be reached said, usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.cli.main import main

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "workflows" / "generate"


def test_generate_writes_one_file_per_workflow_and_reports(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "generated"
    assert main(["generate", "--workflows", str(GOLDEN), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["offer-test.flow.yaml",
                                                      "or-trigger.flow.yaml",
                                                      "portal-draft.flow.yaml",
                                                      "retention-offers.flow.yaml",
                                                      "spend-limit.flow.yaml"]
    printed = capsys.readouterr().out
    assert "Retention offers (retention@1): 12 flows" in printed
    assert "transitions 15/15, end steps 6/6" in printed
    # a total compared with the customer's own limit: both sides solved, both ways taken
    assert "Spend limit (compare@1): 2 flows" in printed and "transitions 2/2" in printed
    assert "cannot be reached: ab/ab_a[b]: its conditions never hold for variant 'b'" in printed
    assert main(["lint", str(out), "--juo-sandbox-workflows", str(GOLDEN)]) == 0


def test_generate_selects_workflows_and_refuses_unknown_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "one"
    assert main(["generate", "--workflows", str(GOLDEN), "--workflow", "Portal draft",
                 "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["portal-draft.flow.yaml"]
    assert main(["generate", "--workflows", str(GOLDEN), "--workflow", "nope",
                 "--out", str(out)]) == 4
    assert "no workflow 'nope' (known: compare@1, offer_test@1, orw@1, portal_draft@2, retention@1)" in capsys.readouterr().err
    assert main(["generate", "--workflows", str(tmp_path / "none"), "--out", str(out)]) == 4
    assert main(["generate", "--out", str(out)]) == 4


def test_an_invalid_definition_is_reported_not_generated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.workflow.yaml").write_text("id: bad\nname: Bad\n")
    assert main(["generate", "--workflows", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "bad.workflow.yaml:1:1: error" in capsys.readouterr().err
