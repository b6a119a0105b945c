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
