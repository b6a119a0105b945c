"""The sandbox benchmark script runs end to end in its --quick mode (a smoke test, not a timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "sandbox_bench.py"


def test_bench_quick_runs() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "responds/s" in done.stdout and "KB per finished run" in done.stdout
    # The bare ASGI app on the same stack served and measured beside the sandbox.
    assert "the stack's floor" in done.stdout
    assert "sandbox / stack floor:" in done.stdout or "server CPU" not in done.stdout


def test_bench_stacks_says_how_to_get_a_server_it_lacks() -> None:
    """The project's venv has no granian (only bench/.venv does): --stacks still measures
    uvicorn and says how to install the other server instead of failing."""
    done = subprocess.run([sys.executable, str(BENCH), "--quick", "--stacks"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "granian is not installed: pip install -r bench/requirements.txt (bench/.venv has it)" in lines
    assert any(line.startswith(" uvicorn: sandbox ") for line in lines), done.stdout
