"""Mutated example flows collected by a real pytest session: never a traceback, and collection
agrees with ``juo-flowtest lint`` on which files are invalid.

The mutations (``mutate`` of test_reliability_mutation) are written into one folder, so a
single session collects them all; three seeds, three sessions.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_reliability_mutation import mutate

QUIET = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
FILES = 120


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_collection_and_lint_agree_and_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    folder = tmp_path
    flows = folder / "flows"
    flows.mkdir()
    for index, (name, data) in enumerate(mutate(rng) for _ in range(FILES)):
        (flows / f"m{index:03d}-{name}").write_bytes(data)
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, "--collect-only", "-q", "flows"],
        cwd=folder, capture_output=True, text=True, timeout=600, env=_env(), check=False)
    out = collected.stdout + collected.stderr
    assert "Traceback" not in out and "INTERNALERROR" not in out, out[-3000:]
    linted = subprocess.run([sys.executable, "-m", "juo_flowtest.cli", "lint", "flows"],
                            cwd=folder, capture_output=True, text=True, timeout=600,
                            env=_env(), check=False)
    lint_out = linted.stdout + linted.stderr
    assert "Traceback" not in lint_out
    invalid = int(re.search(r"(\d+) invalid file\(s\)", lint_out)[1])  # type: ignore[index]
    errors = re.search(r"(\d+) errors?", out.splitlines()[-1])
    assert (int(errors[1]) if errors else 0) == invalid, (out[-2000:], lint_out[-2000:])
    assert linted.returncode == (2 if invalid else 0)
    print(f"\ncollection: {FILES} mutated files, {invalid} invalid, 0 tracebacks")
