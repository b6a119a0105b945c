"""The gate's verdict as Allure 3 quality gate results (``gate.qualitygate``), for the report's
Quality Gates tab: rules, messages, offending flows by Allure's id, and when there is none."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from juo_flowtest.gate import qualitygate
from juo_flowtest.gate.policy import Policy, configured_policy
from juo_flowtest.gate.results import read_results
from juo_flowtest.gate.verdict import evaluate


def result(folder: Path, name: str, status: str, uuid: str) -> None:
    data = {"uuid": uuid, "name": name, "historyId": name, "status": status, "start": 1,
            "stop": 2, "labels": [{"name": "host", "value": "h"},
                                  {"name": "thread", "value": "1-Main"}]}
    if status != "passed":
        data["statusDetails"] = {"message": f"step 1 {status}"}
    (folder / f"file-{uuid}-result.json").write_text(json.dumps(data))


def run(tmp_path: Path) -> Path:
    folder = tmp_path / "allure-results"
    folder.mkdir()
    result(folder, "Pause then resume", "passed", "u-1")
    result(folder, "Skip an order", "failed", "u-2")
    return folder


def test_the_verdict_comes_first_then_every_rule_with_its_offenders(tmp_path: Path) -> None:
    policy = Policy(source="flows/gate-policy.yaml", max_failed=0, max_broken=0)
    entries = qualitygate.results_for(evaluate(read_results([run(tmp_path)]), None, policy))
    verdict, failed, broken = entries
    assert verdict == {
        "rule": "release gate", "success": False,
        "message": "DO NOT RELEASE: 1 of 2 rules of flows/gate-policy.yaml broken: max_failed",
        "expected": "every rule holds", "actual": "broken", "testResults": []}
    assert (failed["rule"], failed["success"]) == ("max_failed", False)
    assert failed["message"] == "expected at most 0 failed, actual 1\nSkip an order"
    # Allure 3 names a test result after the md5 of the result's own uuid (not its file).
    assert failed["testResults"] == [hashlib.md5(b"u-2").hexdigest()]
    assert (broken["rule"], broken["success"], broken["testResults"]) == ("max_broken", True, [])


def test_a_policy_that_holds_says_release(tmp_path: Path) -> None:
    policy = Policy(source="pyproject.toml", min_pass_rate=50)
    (verdict, rule) = qualitygate.results_for(evaluate(read_results([run(tmp_path)]), None,
                                                       policy))
    assert verdict["success"] and verdict["message"] == "RELEASE: all 1 rule of pyproject.toml hold"
    assert rule["success"] and rule["message"] == "expected >= 50%, actual 50% (1/2)\nSkip an order"


def test_the_configured_policy_judges_and_without_one_the_tab_stays_empty(tmp_path: Path) -> None:
    results = run(tmp_path)
    assert configured_policy(None, tmp_path) is None
    assert qualitygate.report_gate([results], [], None, tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.juo_flowtest.gate]\nmax_failed = 1\n")
    entries: Any = qualitygate.report_gate([results], [tmp_path / "no-coverage.json"], None,
                                           tmp_path)
    assert [(e["rule"], e["success"]) for e in entries] == [("release gate", True),
                                                            ("max_failed", True)]
    policy = tmp_path / "policy.yaml"
    policy.write_text("min_coverage: 50\n")
    (coverage_rule,) = qualitygate.report_gate([results], [], policy, tmp_path)[1:]  # type: ignore[index]
    assert coverage_rule["message"] == "expected >= 50%, actual no coverage data"


def test_a_policy_or_results_it_cannot_judge_is_a_verdict_it_cannot_give(tmp_path: Path) -> None:
    results = run(tmp_path)
    bad = tmp_path / "policy.yaml"
    bad.write_text("max_faild: 0\n")
    (entry,) = qualitygate.report_gate([results], [], bad, tmp_path)  # type: ignore[misc]
    assert entry["rule"] == "release gate" and entry["success"] is False
    assert entry["message"].startswith("NO VERDICT: ") and "max_faild" in entry["message"]
    good = tmp_path / "good.yaml"
    good.write_text("max_failed: 0\n")
    (entry,) = qualitygate.report_gate([tmp_path / "none"], [], good, tmp_path)  # type: ignore[misc]
    assert entry["message"].startswith("NO VERDICT: no results directory at ")
