"""A wheel installed in a fresh virtual environment runs a flow in an empty folder, with no
warning at all (an installed plugin used to print PytestAssertRewriteWarning on every run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOW = """\
flow: Installed from a wheel
start: {flowType: subscription_cancellation_requested, context: {}}
expect: {status: waiting_interaction}
"""


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "JUO_"))}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)


def test_a_wheel_in_a_fresh_venv_runs_a_flow_without_any_warning(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                  "-q", "-w", str(dist), str(ROOT)], ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("juo_flowtest-*.whl")
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    pip = _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], tmp_path)
    assert pip.returncode == 0, pip.stderr
    work = tmp_path / "empty"
    work.mkdir()
    (work / "one.flow.yaml").write_text(FLOW)
    for command in (["juo-flowtest", "run", "one.flow.yaml"], ["pytest", "one.flow.yaml"]):
        done = _run([str(venv / "bin" / command[0]), *command[1:]], work)
        out = done.stdout + done.stderr
        assert done.returncode == 0, out
        assert "1 passed" in out
        assert "warning" not in out.lower(), out
