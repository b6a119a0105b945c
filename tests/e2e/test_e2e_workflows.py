"""The example suite passes on pulled copies of its workflows exactly as on the originals.

A sandbox is served as a separate process (``juo-flowtest sandbox --port 0``, the examples);
``juo-flowtest workflows pull`` writes its definitions into a folder; the example suite then
runs against the embedded sandbox loaded with those pulled copies only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "juo_flowtest.cli.main"]


@pytest.fixture(scope="module")
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


def test_the_example_suite_passes_on_pulled_copies(served_url: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUO_")}
    env["JUO_ADMIN_API_KEY"] = "sandbox-admin-key"
    pulled = tmp_path / "pulled"
    pull = subprocess.run([*CLI, "workflows", "pull", "--juo-base-url", served_url,
                           "--juo-tenant", "sandbox.myshopify.com", "--out", str(pulled)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert pull.returncode == 0, pull.stdout + pull.stderr
    assert len(list(pulled.glob("*.workflow.yaml"))) == 5
    junit = tmp_path / "junit.xml"
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", str(ROOT / "flows"), "-p", "no:cacheprovider", "-q",
         "-o", "addopts=", "--juo-reports-dir", str(tmp_path / "reports"),
         f"--junitxml={junit}", "--juo-sandbox-workflows", str(pulled)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    bad = [c.get("name") for c in cases if any(ch.tag in ("failure", "error") for ch in c)]
    assert bad == [] and suite.returncode == 0, suite.stdout + suite.stderr
    assert len(cases) >= 20
    diff = subprocess.run([*CLI, "workflows", "diff", "--juo-base-url", served_url,
                           "--juo-tenant", "sandbox.myshopify.com", "--dir", str(pulled)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert diff.returncode == 0, diff.stdout + diff.stderr
