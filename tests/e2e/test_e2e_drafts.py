"""``juo-flowtest run --juo-draft FILE`` end to end: on the embedded sandbox (each xdist worker
pushes into its own) and on a served sandbox as a protected remote target (the controller pushes
once, workers start the draft in a dry run); results, Allure and the gate name the draft."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "juo_flowtest" / "sandbox" / "examples"
CLI = [sys.executable, "-m", "juo_flowtest.cli.main"]
FLOW = """\
flow: The discount is 25% whichever variant
tags: [cancellation]
start:
  flowType: subscription_cancellation_requested
  context: {subscription: {cycle_count: 2}}
steps:
  - respond: next
  - respond: too_expensive
    expect:
      pending: {actionType: offer_discount, actionConfig: {percentage: 25}}
  - respond: accept
    expect:
      status: completed
      jsonpath: {$.result.dryRun: ${dry}}
---
flow: Pausing is not part of the draft
start: {flowType: subscription_pause_requested}
"""


def project(tmp_path: Path, dry: bool) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "draft.flow.yaml").write_text(
        FLOW.replace("${dry}", "true" if dry else "false"))
    text = (EXAMPLES / "cancellation.workflow.yaml").read_text()
    for share in ("20", "15"):
        text = text.replace(f"config: {{percentage: {share}, title",
                            "config: {percentage: 25, title")
    (tmp_path / "cancel-25.workflow.yaml").write_text(text)
    return tmp_path


def run(cwd: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    return subprocess.run([*CLI, *args], cwd=cwd, env={**environ, **(env or {})},
                          capture_output=True, text=True, timeout=600, check=False)


def test_a_draft_on_the_embedded_sandbox_under_xdist(tmp_path: Path) -> None:
    cwd = project(tmp_path, dry=False)
    without = run(cwd, "run", "-p", "no:cacheprovider", "-n", "2")
    assert without.returncode == 1  # the published workflow offers 20% or 15%
    done = run(cwd, "run", "-p", "no:cacheprovider", "-n", "2", "--juo-draft",
               "cancel-25.workflow.yaml")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    # the pause flow starts no drafted trigger: deselected (in the workers, under xdist)
    assert "1 passed in" in out and "Pausing" not in (cwd / "reports" / "junit.xml").read_text()
    assert "Draft under test: Cancellation flow (draft under test) v1, id " in out
    assert "from cancel-25.workflow.yaml: 1 flow: 1 passed" in out
    labels = [label for f in (cwd / "reports" / "allure-results").glob("*-result.json")
              for label in json.loads(f.read_text())["labels"] if label["name"] == "draft"]
    assert len(labels) == 1 and "cancel-25.workflow.yaml" in labels[0]["value"]
    gate = run(cwd, "gate")
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert "### Drafts under test" in gate.stdout and "1 flow: 1 passed" in gate.stdout
    cov = json.loads((cwd / "reports" / "coverage.json").read_text())
    (name,) = [w["name"] for w in cov["workflows"].values()]
    assert name == "Cancellation flow (draft under test)"


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


def test_a_draft_on_a_protected_remote_target_is_pushed_once_and_run_dry(
        tmp_path: Path, served_url: str) -> None:
    cwd = project(tmp_path, dry=True)
    (cwd / "pyproject.toml").write_text(f"""\
[tool.juo_flowtest.environments.staging]
base_url = "{served_url}"
tenant = "sandbox.myshopify.com"
token_env = "STAGING_TOKEN"
admin_token_env = "STAGING_ADMIN_KEY"
protected = true
""")
    secrets = {"STAGING_TOKEN": "sandbox-token", "STAGING_ADMIN_KEY": "sandbox-admin-key"}
    refused = run(cwd, "run", "--juo-env", "staging", "--juo-draft", "cancel-25.workflow.yaml")
    assert refused.returncode == 4  # protected: refused without --juo-allow-protected
    done = run(cwd, "run", "-p", "no:cacheprovider", "-n", "2", "--juo-env", "staging",
               "--juo-allow-protected", "--juo-draft", "cancel-25.workflow.yaml", env=secrets)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "sandbox-admin-key" not in out
    admin = served_url.replace("/customer/v1", "/admin/v1")
    drafts = httpx.get(admin + "/workflows", params={"status": "draft"}, headers={
        "X-Tenant-ID": "sandbox.myshopify.com", "X-Juo-Admin-Api-Key": "sandbox-admin-key"}
    ).json()["data"]
    assert [d["name"] for d in drafts] == ["Cancellation flow (draft under test)"]
    again = run(cwd, "run", "-p", "no:cacheprovider", "--juo-env", "staging",
                "--juo-allow-protected", "--juo-draft", "cancel-25.workflow.yaml", env=secrets)
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(httpx.get(admin + "/workflows", params={"status": "draft"}, headers={
        "X-Tenant-ID": "sandbox.myshopify.com", "X-Juo-Admin-Api-Key": "sandbox-admin-key"}
    ).json()["data"]) == 1  # the same draft, updated


def test_a_target_less_timeout_is_never_pushed_to_a_real_target(
        tmp_path: Path, served_url: str) -> None:
    cwd = project(tmp_path, dry=False)
    (cwd / "portal.workflow.yaml").write_text((EXAMPLES / "portal-renew.workflow.yaml").read_text())
    done = run(cwd, "run", "--juo-base-url", served_url, "--juo-draft", "portal.workflow.yaml",
               env={"JUO_ADMIN_API_KEY": "sandbox-admin-key"})
    assert done.returncode == 4, done.stdout + done.stderr
    assert "timeout transition without targetStepId" in done.stderr
