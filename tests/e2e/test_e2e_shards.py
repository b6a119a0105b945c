"""The example suite split in three CI jobs (``juo-flowtest run --shard K/3``), then one gate.

Real console scripts, the example flows as a user has them, the real embedded sandbox. Each
shard writes its own reports folder, as a job of a CI matrix would; the gate then judges the
three together, and refuses two of the three.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode, GateExit

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "juo-flowtest"


def juo(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    return subprocess.run([str(SCRIPT), *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharded")
    shutil.copytree(ROOT / "flows", root / "flows")
    for k in (1, 2, 3):
        done = juo(root, "run", "--shard", f"{k}/3", "--juo-reports-dir", f"shard{k}",
                   "-p", "no:cacheprovider")
        assert done.returncode == ExitCode.PASSED, done.stdout + done.stderr
    return root


def _suite_ids(project: Path) -> set[str]:
    done = juo(project, "run", "--collect-only", "-q", "-p", "no:cacheprovider")
    ids = {line for line in done.stdout.splitlines() if "::" in line}
    assert len(ids) >= 20, done.stdout
    return ids


def _ran(project: Path, k: int) -> set[str]:
    """The ids shard k ran: its durations file, checked against its JUnit XML's count."""
    reports = project / f"shard{k}"
    ids = set(json.loads((reports / "durations.json").read_text(encoding="utf-8")))
    junit = ET.parse(reports / "junit.xml").getroot()
    assert sum(int(s.get("tests", 0)) for s in junit.iter("testsuite")) == len(ids)
    return ids


def test_the_shards_are_disjoint_and_together_the_suite(project: Path) -> None:
    suite = _suite_ids(project)
    slices = [_ran(project, k) for k in (1, 2, 3)]
    assert set.union(*slices) == suite
    assert sum(len(s) for s in slices) == len(suite)  # no id in two shards
    assert min(len(s) for s in slices) >= len(suite) // 3 - 1  # none nearly empty


def test_the_gate_over_the_three_shards_passes(project: Path) -> None:
    # --reports takes each job's reports folder: its allure-results and coverage.json.
    gate = juo(project, "gate", "--reports", "shard1", "shard2", "shard3", "--output", "gate.md")
    assert gate.returncode == GateExit.HOLDS, gate.stdout + gate.stderr
    assert "| ✅ | `shards` | shards 1..3 of one suite | 3 of 3 shards, suite " in gate.stdout
    totals = gate.stdout.split("### Totals", 1)[1].splitlines()[4]
    assert re.fullmatch(r"\| (\d+) \| \1 \| 0 \| .* \| 100% \| [\d.]+% \(\d+/\d+\)"
                        r"(; transitions [\d.]+% \(\d+/\d+\); end steps [\d.]+% \(\d+/\d+\))? \|",
                        totals)


def test_the_gate_over_two_of_three_exits_1_naming_the_missing_shard(project: Path) -> None:
    gate = juo(project, "gate", "--results", "shard1/allure-results",
               "--results", "shard3/allure-results", "--output", "gate.md")
    assert gate.returncode == GateExit.VIOLATED, gate.stdout + gate.stderr
    assert ("- ❌ **`shards`** — expected shards 1..3 of one suite, actual missing shard 2/3 "
            "(have 1/3, 3/3)") in gate.stdout
