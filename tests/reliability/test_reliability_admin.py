"""The Admin API a run reads production traffic from, misbehaving: the run is not held up.

Against a remote target, a run first reads ``runs/stats`` from the target's Admin API. Those
calls are bounded like the customer API's (one deadline per call, a body limit): an endless,
trickling or hung Admin API costs the run a few timeouts and one line, never a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_target import Hostile

QUIET = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
FLOW = ("flow: fine\nstart:\n  flowType: ok\n  context: {}\nsteps:\n  - get: {}\n")


@pytest.mark.parametrize("mode", ["endless", "trickle", "hang", "huge-chunked"])
def test_a_misbehaving_admin_api_costs_a_few_timeouts_and_one_line(
        tmp_path: Path, hostile: Hostile, mode: str) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "fine.flow.yaml").write_text(FLOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    env["JUO_DELEGATED_TOKEN"] = "LEAKCHECK-admin-0123456789"
    hostile.admin_mode = mode
    try:
        begun = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "juo_flowtest.cli", "run", *QUIET, "-q", "flows",
             "--juo-base-url", hostile.base("ok"), "--juo-timeout", "1"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env, check=False)
        took = time.monotonic() - begun
    finally:
        hostile.admin_mode = "drop"
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "1 passed" in out and "Traceback" not in out
    (line,) = [x for x in out.splitlines() if x.startswith("production traffic not read")]
    assert "within 1s" in line or "body limit" in line, line
    assert took < 60, took  # start-up included; one admin call is at most 3 tries of 1 s
