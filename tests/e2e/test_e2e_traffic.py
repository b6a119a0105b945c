"""Traffic-weighted coverage end to end: a served sandbox carries earlier runs (its
production), a flow suite runs against it, and coverage.json, the terminal, the report's
environment and the gate's ``min_traffic_coverage`` all give the same figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from juo_flowtest.gate.verdict import percent

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "juo_flowtest.cli.main"]
HEADERS = {"X-Tenant-ID": "sandbox.myshopify.com", "X-Delegated-Token": "sandbox-token"}
FLOW = """\
flow: Too expensive, accepted
start: {flowType: subscription_cancellation_requested, context: {}}
steps:
  - respond: next
  - respond: too_expensive
  - respond: accept
    expect: {status: completed}
"""


@pytest.fixture()
def served_url() -> Iterator[str]:
    proc = subprocess.Popen([*CLI, "sandbox", "--port", "0"], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "serving on" in line, line
        yield line.split("serving on ", 1)[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def production(url: str) -> None:
    """Earlier traffic: 6 runs saved by a discount, 2 cancelled at the confirmation."""
    with httpx.Client(base_url=url, headers=HEADERS, timeout=10) as client:
        for answers in [("next", "too_expensive", "accept")] * 6 + [("next", "other",
                                                                      "confirm")] * 2:
            state = client.post("/workflows/start", json={
                "flowType": "subscription_cancellation_requested", "context": {}}).json()
            for answer in answers:
                state = client.post(f"/workflows/{state['runId']}/respond", json={
                    "interactionId": state["pendingInteraction"]["interactionId"],
                    "responseType": answer}).json()


def test_the_suite_is_weighed_by_the_targets_production_traffic(
        served_url: str, tmp_path: Path) -> None:
    production(served_url)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "saved.flow.yaml").write_text(FLOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    done = subprocess.run([*CLI, "run", "-p", "no:cacheprovider", "--juo-base-url", served_url],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "reports" / "coverage.json").read_text())
    traffic = data["traffic"]
    # production: 8 x (value_reminder, reason_poll) + 6 x (price_experiment, offer, apply,
    # saved) + 2 x (loyalty_check, confirm_cancel, cancel_execution, cancelled) = 48 executions
    assert traffic["executions"] == 48
    (workflow,) = traffic["workflows"].values()
    assert workflow["name"] == "Cancellation flow"
    exercised = set(workflow["exercisedSteps"])
    assert {"value_reminder", "reason_poll", "price_experiment", "saved"} <= exercised
    assert not {"loyalty_check", "confirm_cancel", "cancel_execution", "cancelled"} & exercised
    assert ["confirm_cancel", 2] in workflow["missed"] or len(workflow["missed"]) == 5
    assert 60.0 <= traffic["percent"] < 100.0
    assert (f"the suite exercises steps that carry {traffic['percent']}% of production step "
            "executions") in done.stdout
    props = (tmp_path / "reports" / "allure-results" / "environment.properties").read_text()
    assert f"traffic={traffic['percent']}% of production step executions" in props
    (tmp_path / "policy.yaml").write_text("min_traffic_coverage: 99\n")
    gate = subprocess.run([*CLI, "gate", "--policy", "policy.yaml"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert gate.returncode == 1
    # the gate writes a whole percentage without ".0" (75%, not 75.0%)
    assert f"| ❌ | `min_traffic_coverage` | >= 99% of production step executions | " \
           f"{percent(traffic['percent'])}" in gate.stdout
    # a draft of that workflow (run --juo-draft) is weighed by the published workflow's traffic
    edited = (ROOT / "juo_flowtest" / "sandbox" / "examples" / "cancellation.workflow.yaml"
              ).read_text().replace("Before you go", "Wait a moment")
    (tmp_path / "edit.workflow.yaml").write_text(edited)
    for _ in range(2):  # the second time, the draft has runs of its own: not production
        drafted = subprocess.run([*CLI, "run", "-p", "no:cacheprovider", "--juo-base-url",
                                  served_url, "--juo-draft", "edit.workflow.yaml",
                                  "--juo-reports-dir", "drafted"],
                                 cwd=tmp_path, env=env, capture_output=True, text=True,
                                 timeout=300, check=False)
        assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    data = json.loads((tmp_path / "drafted" / "coverage.json").read_text())
    (draft_key,) = data["workflows"]
    (published_id,) = traffic["workflows"]
    assert not draft_key.startswith(published_id)  # the draft has an id of its own
    (weighed,) = data["traffic"]["workflows"].items()
    assert weighed[0] == published_id and "value_reminder" in weighed[1]["exercisedSteps"]
    assert data["traffic"]["percent"] > 0


def test_the_embedded_sandbox_has_no_production(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "saved.flow.yaml").write_text(FLOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    done = subprocess.run([*CLI, "run", "-p", "no:cacheprovider"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "traffic" not in json.loads((tmp_path / "reports" / "coverage.json").read_text())
    assert "Production traffic" not in done.stdout


def test_a_target_without_a_key_has_no_figure_and_a_refused_key_says_so(tmp_path: Path) -> None:
    (tmp_path / "tenants.yaml").write_text(
        "tenants:\n  shop.myshopify.com:\n    tokens: {tok-1: customer-1}\n"
        "    admin_keys: [its-own-key]\n")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "saved.flow.yaml").write_text(FLOW)
    proc = subprocess.Popen([*CLI, "sandbox", "--port", "0", "--config", "tenants.yaml"],
                            cwd=tmp_path, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "serving on" in line, line
        url = line.split("serving on ", 1)[1].split()[0]
        base = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
        args = [*CLI, "run", "-p", "no:cacheprovider", "--juo-base-url", url,
                "--juo-tenant", "shop.myshopify.com"]
        outputs = []
        for extra in ({}, {"JUO_ADMIN_API_KEY": "not-its-key"}):
            done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True,
                                  timeout=300, check=False,
                                  env={**base, "JUO_DELEGATED_TOKEN": "tok-1", **extra})
            assert done.returncode == 0, done.stdout + done.stderr
            outputs.append(done.stdout)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    quiet, refused = outputs
    # no key given: the sandbox's default was only a guess, so nothing is said
    assert "Production traffic" not in quiet and "production traffic not read" not in quiet
    # a key given and refused: one line says why (the key itself never shows)
    assert "production traffic not read: " in refused and "401" in refused
    assert "not-its-key" not in refused
