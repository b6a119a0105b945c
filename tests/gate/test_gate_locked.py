"""The ``locked_workflows`` rule: flows that ran another version than the lock pins are stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.base.errors import PolicyError, ResultsError
from juo_flowtest.base.outcome import Verdict
from juo_flowtest.gate.locked import read_lock
from juo_flowtest.gate.policy import load_policy
from juo_flowtest.gate.results import Attempt, FlowOutcome, RunResults
from juo_flowtest.gate.summary import render
from juo_flowtest.gate.verdict import evaluate
from juo_flowtest.workflows import lockfile
from juo_flowtest.workflows.lockfile import Lock, LockEntry

CANCEL = "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d"
LOCK = Lock("https://api.juo.io/admin/v1", "shop", {}, (
    LockEntry("cancellation-flow.workflow.yaml", CANCEL, "Cancellation flow", 3, "published",
              "subscription_cancellation_requested", "sha256:x", "2026-01-01T00:00:00Z"),))


def outcome(name: str, *workflows: str, status: Verdict = Verdict.PASSED) -> FlowOutcome:
    attempt = Attempt(status, "", 0, 1, "host/1", f"{name}.json")
    return FlowOutcome(name, name, name, "normal", (), (attempt,), (), workflows)


def test_stale_flows_break_the_rule_and_are_listed(tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text("max_failed: 0\nlocked_workflows: flows/workflows\n")
    policy = load_policy(policy_file, tmp_path)
    assert policy.locked_workflows == "flows/workflows"
    results = RunResults((outcome("fresh", f"{CANCEL}@3"), outcome("stale", f"{CANCEL}@4"),
                          outcome("elsewhere", "draft-id@1")), files=3)
    verdict = evaluate(results, None, policy, LOCK)
    rule = next(r for r in verdict.rules if r.rule == "locked_workflows")
    assert not rule.holds and [o.name for o in rule.offenders] == ["stale"]
    assert rule.actual == "1 of 3 flows ran another version"
    markdown = render(verdict)
    assert "### Stale flows" in markdown
    assert f"- `stale` — ran Cancellation flow v4 ({CANCEL}), the lock pins v3" in markdown
    fine = evaluate(RunResults((outcome("fresh", f"{CANCEL}@3"),), files=1), None, policy, LOCK)
    assert fine.holds


def test_the_lock_is_read_from_its_file_or_folder(tmp_path: Path) -> None:
    (tmp_path / lockfile.LOCK_NAME).write_text(lockfile.render(LOCK))
    assert read_lock(str(tmp_path)) == read_lock(str(tmp_path / lockfile.LOCK_NAME)) == LOCK
    with pytest.raises(ResultsError, match="workflows pull writes one"):
        read_lock(str(tmp_path / "nowhere"))
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ResultsError, match="not a workflows lock file"):
        read_lock(str(tmp_path / "bad.json"))


def test_a_bad_value_is_a_policy_error_at_its_place(tmp_path: Path) -> None:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text("max_failed: 0\nlocked_workflows: [a]\n")
    with pytest.raises(PolicyError) as caught:
        load_policy(policy_file, tmp_path)
    assert ":2:19: error: locked_workflows must be the path of a workflows lock file" in str(
        caught.value)
