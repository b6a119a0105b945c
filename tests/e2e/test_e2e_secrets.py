"""No token in any report file or output: the example suite plus failing and broken flows.

The flows run with a recognisable delegated token against a real sandbox configured to accept
it; then every file under the run's directory (Allure results, attachments, coverage, JUnit XML,
the HTML report) and the captured stdout/stderr are scanned for the token.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from juo_flowtest.report import html as htmlreport
from juo_flowtest.sandbox import FaultConfig, Sandbox, SandboxConfig

TOKEN = "tok-SECRET-abc123"
# Unrelated pytest plugins in the venv (schemathesis, hypothesis) cost seconds per subprocess.
QUIET_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
TENANT = "sandbox.myshopify.com"
EXAMPLES = Path(__file__).resolve().parents[2] / "flows"

# Flows that fail while the token is in play: echoed in a request body, expected in a body,
# used as a variable, put in a header of its own.
LEAKY_FLOWS = """
flow: The token is sent in a body and expected back
feature: Secrets
vars:
  secret: "${env:JUO_DELEGATED_TOKEN}"
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "${secret}", note: "Bearer ${secret}"}
  headers: {X-Custom-Auth: "${secret}", X-Trace: "${secret}"}
expect:
  body: {workflowId: "${secret}"}
  pending: {stepId: "${secret}"}
save:
  run_id: $.runId
steps:
  - respond: {type: "${secret}", data: {token: "${secret}"}}
    expect:
      http: 200
---
flow: The token is expected in an error message
feature: Secrets
start:
  flowType: "${env:JUO_DELEGATED_TOKEN}"
  context: {}
expect:
  error: {message: "${env:JUO_DELEGATED_TOKEN}"}
"""

BROKEN_FLOW = """
flow: A flow against a broken target
feature: Secrets
start:
  flowType: subscription_cancellation_requested
  context: {subscriptionId: "${env:JUO_DELEGATED_TOKEN}"}
"""


def _config() -> SandboxConfig:
    return SandboxConfig({TENANT: {TOKEN: "customer-1", "sandbox-token-2": "customer-2"}})


def _run(root: Path, base_url: str, *paths: str) -> str:
    """pytest on ``paths`` with the token in the environment; stdout+stderr."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    reports = root / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *QUIET_PLUGINS, "-v", "-rA",
         "--alluredir", str(reports / "allure-results"), "--juo-reports-dir", str(reports),
         "--junitxml", str(reports / "junit.xml"), "--juo-base-url", base_url,
         "--juo-tenant", TENANT, *paths],
        check=False, cwd=root, capture_output=True, text=True, timeout=300,
        env={**environ, "JUO_DELEGATED_TOKEN": TOKEN},
    )
    return proc.stdout + proc.stderr


def _leaks(root: Path) -> list[str]:
    return [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*"))
        if path.is_file() and TOKEN.encode() in path.read_bytes()
    ]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(config=_config()) as sb:
        yield sb


def test_example_suite_and_failing_flows_leak_no_token(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # A copy: run from the repo, pytest would pick up the project's own ini (addopts).
    shutil.copytree(EXAMPLES, tmp_path / "flows")
    (tmp_path / "leaky.flow.yaml").write_text(LEAKY_FLOWS)
    output = _run(tmp_path, sandbox.base_url, "flows", "leaky.flow.yaml")
    results = tmp_path / "reports" / "allure-results"
    assert len(list(results.glob("*-result.json"))) > 40, output  # the examples really ran
    assert " passed" in output and " failed" in output, output
    htmlreport.build_html(str(results), str(tmp_path / "reports" / "allure-report"),
                          str(tmp_path / "reports" / "history"))
    assert (tmp_path / "reports" / "allure-report" / "index.html").exists()
    assert TOKEN not in output
    assert _leaks(tmp_path) == []


@pytest.mark.parametrize("target", ["contract violation", "unreachable"])
def test_broken_runs_leak_no_token(target: str, tmp_path: Path) -> None:
    (tmp_path / "broken.flow.yaml").write_text(BROKEN_FLOW)
    if target == "unreachable":
        output = _run(tmp_path, "http://127.0.0.1:9", "broken.flow.yaml")
    else:
        with Sandbox(config=_config(), faults=FaultConfig(missing_field_rate=1.0)) as sb:
            output = _run(tmp_path, sb.base_url, "broken.flow.yaml")
    assert "1 broken" in output, output
    assert TOKEN not in output
    assert _leaks(tmp_path) == []
