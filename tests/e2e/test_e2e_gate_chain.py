"""The chain a pipeline runs: ``juo-flowtest run`` against the sandbox, then ``juo-flowtest gate``.

Real console scripts from the virtualenv, real flow files, the real embedded sandbox. The one
helper is the project's ``conftest.py`` below, which stands for a transient problem of the
target: it fails one flow's first attempt before the flow runs, so ``--reruns`` runs the real
flow again, it passes, and the gate must see a flaky flow.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode, GateExit

SCRIPT = Path(sys.executable).parent / "juo-flowtest"

FLOWS = """\
flow: Cancellation opens with the value reminder
severity: critical
tags: [smoke, cancellation]
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/1", subscription: {cycle_count: 2}}
expect:
  status: waiting_interaction
  pending: {stepId: value_reminder}
steps:
  - respond: next
    expect:
      pending: {stepId: reason_poll}
---
flow: Cancellation completes at once
severity: critical
tags: [cancellation]
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/2", subscription: {cycle_count: 2}}
expect:
  status: completed
---
flow: Reminder shows after a retry
tags: [smoke]
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "gid://shopify/SubscriptionContract/3", subscription: {cycle_count: 2}}
expect:
  status: waiting_interaction
"""

TRANSIENT = """\
import pytest

ATTEMPTED = set()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # A transient failure of the target: this one flow fails its first attempt only.
    if "after a retry" in item.nodeid and item.nodeid not in ATTEMPTED:
        ATTEMPTED.add(item.nodeid)
        raise AssertionError("status: expected 'waiting_interaction', got 409 (transient)")
"""

POLICY = """\
required_severities: [critical]
min_pass_rate_per_tag: {smoke: 100}
max_broken: 0
max_invalid: 0
max_flaky: 1
min_coverage: 5
"""


def juo(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # the exit code is what the tests check
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "cancel.flow.yaml").write_text(FLOWS)
    (tmp_path / "conftest.py").write_text(TRANSIENT)
    (tmp_path / "gate-policy.yaml").write_text(POLICY)
    return tmp_path


def test_a_failing_critical_flow_fails_the_run_and_the_gate(project: Path) -> None:
    run = juo(project, "run", "flows", "--reruns", "1", "-p", "no:cacheprovider")
    assert run.returncode == ExitCode.FAILED, run.stdout + run.stderr

    gate = juo(project, "gate", "--policy", "gate-policy.yaml")
    assert gate.returncode == GateExit.VIOLATED, gate.stderr
    summary = (project / "reports" / "gate.md").read_text(encoding="utf-8")
    assert gate.stdout.strip() == summary.strip()
    assert summary.startswith("## ❌ Release gate: FAILED\n\nPolicy: gate-policy.yaml — 1 of 6")
    assert (
        "- ❌ **`required_severities`** — expected every critical flow passes,"
        " actual 1 of 2 passed\n"
        "  - `Cancellation completes at once` — failed: " in summary
    )
    assert "| 3 | 1 | 1 | 0 | 0 | 0 | 1 | 0 | 66.7% |" in summary
    assert "- `Reminder shows after a retry` — passed on attempt 2; earlier: failed" in summary
    assert "| ✅ | `max_flaky` | at most 1 flaky | 1 |" in summary

    # The release manager quarantines the known failure: the gate now holds.
    (project / "gate-policy.yaml").write_text(
        POLICY + 'quarantine: ["Cancellation completes at once"]\n'
    )
    gate = juo(project, "gate", "--policy", "gate-policy.yaml")
    assert gate.returncode == GateExit.HOLDS, gate.stdout
    assert gate.stdout.startswith("## ✅ Release gate: PASSED")
    assert "### Quarantine\n\n- `Cancellation completes at once` — failed: " in gate.stdout


def test_an_invalid_flow_file_is_exit_2_for_run_and_breaks_max_invalid(project: Path) -> None:
    (project / "flows" / "bad.flow.yaml").write_text("flow: Typo\nstrat: {flowType: x}\n")
    run = juo(project, "run", "flows", "-k", "reminder", "-p", "no:cacheprovider")
    assert run.returncode == ExitCode.INVALID, run.stdout + run.stderr
    gate = juo(project, "gate", "--policy", "gate-policy.yaml")
    assert gate.returncode == GateExit.VIOLATED
    assert "- ❌ **`max_invalid`** — expected at most 0 invalid, actual 1\n" in gate.stdout
    assert (
        "  - `Invalid flow file: flows/bad.flow.yaml` — invalid: INVALID FLOW FILE" in gate.stdout
    )


def test_a_suite_split_across_two_jobs_is_gated_as_one(project: Path) -> None:
    (project / "conftest.py").unlink()  # no transient problem: two clean halves
    (project / "flows" / "cancel.flow.yaml").write_text(FLOWS.rsplit("---", 1)[0])
    for job, selection in (("job1", "reminder"), ("job2", "not reminder")):
        reports = f"artifacts/{job}"
        juo(
            project,
            "run",
            "flows",
            "-k",
            selection,
            "-p",
            "no:cacheprovider",
            "--juo-reports-dir",
            reports,
            "--alluredir",
            f"{reports}/allure-results",
        )
    gate = juo(
        project,
        "gate",
        "--results",
        "artifacts/job1/allure-results",
        "--results",
        "artifacts/job2/allure-results",
        "--coverage",
        "artifacts/job1/coverage.json",
        "--coverage",
        "artifacts/job2/coverage.json",
    )
    assert gate.returncode == GateExit.VIOLATED, gate.stderr
    assert "| 2 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 50% |" in gate.stdout


def test_gate_without_a_run_exits_2_without_traceback(tmp_path: Path) -> None:
    gate = juo(tmp_path, "gate")
    assert gate.returncode == GateExit.NO_RESULTS
    assert gate.stderr == (
        "juo-flowtest gate: no results directory at reports/allure-results: "
        "run `juo-flowtest run` first\n"
    )
