"""A token canary through whole runs against the hostile server: no output holds it.

Every misbehaviour of the hostile server (``hostile_target.MODES``) gets one flow, in one run (the
server's ``auto`` mode picks each run's behaviour from its ``flowType``), plus flows that put
the token into play themselves: in a plain header, in a body, in an expectation, in a title,
in a header value that cannot be sent. Each run uses one auth style (delegated, bearer) and one
verbosity; afterwards the gate and the HTML report are built from its results. Then every file
the run left (Allure results and attachments, junit.xml, coverage.json, durations.json,
gate.md, the HTML report) and its terminal output are searched for the token (as is, and in
the HTML's base64) and for tracebacks. The verdicts must be right too: each misbehaviour
*broken* (or *failed* where the target answered and an expectation did not hold), the slow
ones within the timeout.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_target import MODES, Hostile

QUIET = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
TIMEOUT_S = 1.0
#: How much longer than the timeout a slow target may keep a flow (start-up of the call, a
#: loaded machine): the deadline covers the whole exchange, retries included.
MARGIN_S = 1.5
NOTE_VARIABLE = "LEAKCHECK_NOTE"
SLOW = {"endless", "trickle", "slow-headers", "hang", "start-hang", "start-trickle"}
#: What each mode's flow must end as.
EXPECTED: dict[str, str] = {
    "ok": "passed", "echo-header": "passed", "echo-body": "passed", "echo-error": "failed",
    "echo-text": "broken", "echo-runid": "broken", "redirect-301": "broken",
    "redirect-307": "broken", "foreign-run": "broken", "endless": "broken",
    "trickle": "broken", "slow-headers": "broken", "hang": "broken", "huge": "broken",
    "huge-chunked": "broken", "gzip-bomb": "broken", "garbage-json": "broken",
    "deep-json": "broken", "nan-json": "broken", "huge-int": "broken", "drop": "broken",
    "half-body": "broken", "bad-status": "broken", "many-headers": "broken",
    "redirect-token": "broken", "start-hang": "broken", "start-trickle": "broken",
    "reason-token": "broken", "escaped-echo": "passed", "huge-header": "broken",
    "empty-200": "broken", "chunk-garbage": "broken", "throttled": "failed",
    "big-state": "passed",
}


def _mode_flow(mode: str) -> str:
    return (f"flow: mode {mode}\nstart:\n  flowType: {mode}\n  context: {{subscriptionId: s-1}}\n"
            "steps:\n  - get: {}\n  - respond: accept\n  - get: {}\n")


def _token_flows(variable: str) -> str:
    """Flows that handle the token themselves (``variable`` holds it)."""
    token = f"${{env:{variable}}}"
    return f"""\
flow: token in headers, body, title and expectations
vars:
  secret: "{token}"
headers:
  X-Trace: "${{secret}}"
  X-Custom-Auth: "Bearer ${{secret}}"
start:
  flowType: echo-body
  context: {{subscriptionId: "${{secret}}", note: "Bearer ${{secret}}"}}
expect:
  body: {{workflowId: "${{secret}}"}}
steps:
  - respond: "${{secret}}"
    expect: {{http: 200}}
---
flow: token expected in an echoed error
start: {{flowType: echo-error, context: {{}}}}
expect:
  error: {{message: "{token}"}}
---
flow: a header value that cannot be sent holds the token
start:
  flowType: ok
  context: {{}}
  headers: {{X-Note: "${{env:{NOTE_VARIABLE}}}"}}
---
flow: a step header overrides the credential with the token
start: {{flowType: echo-header, context: {{}}}}
steps:
  - get: {{}}
    headers: {{X-Delegated-Token: "{token}", Authorization: "Bearer {token}"}}
"""


INVALID = """\
flow: Invalid values, known before anything runs
start:
  flowType: ok
  context: {a: 1e99999, b: -1e400}
  headers: {X-Note: "café ☕"}
steps:
  - respond: {type: accept, expectedRunVersion: 100000000000000000000000000000}
"""


@dataclass(frozen=True)
class Run:
    """One finished run: its folder, its terminal output and exit code."""

    root: Path
    output: str
    code: int
    token: str


def _environ(token: str, auth: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    env["JUO_DELEGATED_TOKEN" if auth == "delegated" else "JUO_ACCESS_TOKEN"] = token
    env[NOTE_VARIABLE] = f"{token}-é"
    return env


def _run(root: Path, hostile: Hostile, token: str, auth: str, flags: list[str]) -> Run:
    flows = root / "flows"
    flows.mkdir(parents=True)
    for mode in EXPECTED:
        (flows / f"{mode}.flow.yaml").write_text(_mode_flow(mode))
    variable = "JUO_DELEGATED_TOKEN" if auth == "delegated" else "JUO_ACCESS_TOKEN"
    (flows / "token.flow.yaml").write_text(_token_flows(variable))
    (flows / "invalid.flow.yaml").write_text(INVALID)
    env = _environ(token, auth)
    cmd = [sys.executable, "-m", "juo_flowtest.cli", "run", *QUIET, "flows", *flags,
           "--juo-base-url", hostile.base("auto"), "--juo-timeout", str(TIMEOUT_S),
           "--juo-max-body", "10MB"]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=900,
                          env=env, check=False)
    output = done.stdout + done.stderr
    gate = subprocess.run([sys.executable, "-m", "juo_flowtest.cli", "gate"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    return Run(root, output + gate.stdout + gate.stderr, done.returncode, token)


def _leaks(run: Run) -> list[str]:
    raw = run.token.encode()
    # The HTML report embeds results in base64: the token at each of the 3 alignments.
    encoded = [base64.b64encode(b"\0" * pad + raw)[4:-4] for pad in range(3)]
    found = [f"terminal output: {line!r}" for line in run.output.splitlines()
             if run.token in line]
    for path in sorted(run.root.rglob("*")):
        if path.is_file() and "flows" not in path.relative_to(run.root).parts:
            data = path.read_bytes()
            if raw in data or any(e in data for e in encoded):
                found.append(str(path.relative_to(run.root)))
    return found


def _tracebacks(output: str) -> list[str]:
    return [line for line in output.splitlines()
            if "Traceback (most recent call last)" in line or "INTERNALERROR" in line
            or line.startswith("E   ")]


def _results(run: Run) -> dict[str, dict[str, object]]:
    results = {}
    for path in (run.root / "reports" / "allure-results").glob("*-result.json"):
        data = json.loads(path.read_text())
        results[data["name"]] = data
    return results


VARIANTS = {
    "quiet": ["-q"],
    "verbose-debug-logs": ["-vv", "--tb=long", "-l", "--log-level=DEBUG", "-rA"],
    "live-logs-xdist": ["-n", "2", "--showlocals", "--log-cli-level=DEBUG", "-rA"],
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("auth", ["delegated", "bearer"])
def test_no_output_holds_the_token_and_every_verdict_is_right(
        tmp_path: Path, hostile: Hostile, auth: str, variant: str) -> None:
    token = f"LEAKCHECK-{secrets.token_hex(12)}"
    flags = VARIANTS[variant] + (["--html"] if variant == "quiet" else [])
    run = _run(tmp_path, hostile, token, auth, flags)
    assert _leaks(run) == [], run.output[-3000:]
    assert _tracebacks(run.output) == [], run.output[-3000:]
    assert run.code == 2, run.output[-3000:]  # the invalid file wins over broken flows
    assert "INVALID FLOW FILE" in run.output or "invalid.flow.yaml" in run.output
    results = _results(run)
    for mode, status in EXPECTED.items():
        result = results[f"mode {mode}"]
        assert result["status"] == status, (mode, result.get("statusDetails"))
        if mode in SLOW:
            took = (int(result["stop"]) - int(result["start"])) / 1000  # type: ignore[call-overload]
            assert took < TIMEOUT_S + MARGIN_S, (mode, took)
    unsendable = results["a header value that cannot be sent holds the token"]
    assert unsendable["status"] == "broken"
    assert "not ASCII" in str(unsendable["statusDetails"])
    report = tmp_path / "reports"
    assert (report / "gate.md").is_file() and (report / "coverage.json").is_file()
    assert (report / "junit.xml").is_file()
    if "--html" in flags:
        assert (report / "allure-report" / "index.html").is_file(), run.output[-2000:]
    sizes = [p.stat().st_size for p in report.rglob("*") if p.is_file()]
    assert max(sizes) < 10 * 1024 * 1024  # a 50 MB body never makes a 10 MB report file
    assert MODES  # every mode the server has is listed above, or the check below says which
    assert set(MODES) - {"auto"} == set(EXPECTED)


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_the_leak_search_finds_a_planted_token(tmp_path: Path, offset: int) -> None:
    token = f"LEAKCHECK-{secrets.token_hex(12)}"
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "plain.json").write_text(f'{{"x": "{token}"}}')
    embedded = base64.b64encode(b"<" * offset + b"data " + token.encode() + b" more")
    (tmp_path / "reports" / "index.html").write_bytes(b"<script>" + embedded + b"</script>")
    run = Run(tmp_path, f"line one\nsaw {token} here\n", 0, token)
    assert _leaks(run) == [f"terminal output: 'saw {token} here'", "reports/index.html",
                           "reports/plain.json"]
