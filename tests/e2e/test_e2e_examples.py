"""The example suite in ``flows/`` passes against the embedded sandbox, and lints clean.

The suite is run once per session in a subprocess (``pytest flows/``), exactly as a user runs
it, with its reports sent to a temporary directory. The tests below then read what it wrote:
the JUnit XML (every flow passed, how many there are) and ``coverage.json`` (the cancellation
workflow's (step, response) pairs are all exercised).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
CANCELLATION = "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d@1"  # the cancellation example (a uuid)
MIN_FLOWS = 20
# The run's own environment must not point the suite at another target.
_TARGET_VARS = ("JUO_ENV", "JUO_BASE_URL", "JUO_DELEGATED_TOKEN", "JUO_ACCESS_TOKEN")


@dataclass(frozen=True)
class SuiteRun:
    returncode: int
    output: str
    junit: ET.Element
    coverage: dict[str, object]


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _TARGET_VARS}


def _run_suite(reports: Path, *extra: str) -> SuiteRun:
    junit = reports / "examples-junit.xml"
    # "-o addopts=": the repo's addopts configure its OWN test suite (tests/); the example
    # suite runs as a user runs it, with every installed plugin (allure-pytest included).
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", str(FLOWS), "-p", "no:cacheprovider", "-q",
         "-o", "addopts=", "--juo-reports-dir", str(reports), f"--junitxml={junit}", *extra],
        cwd=ROOT, env=_clean_env(), capture_output=True, text=True, timeout=600, check=False,
    )
    output = proc.stdout + proc.stderr
    assert junit.exists(), f"the example suite wrote no JUnit XML:\n{output}"
    cov_path = reports / "coverage.json"
    assert cov_path.exists(), f"the example suite wrote no coverage.json:\n{output}"
    return SuiteRun(proc.returncode, output, ET.parse(junit).getroot(),
                    json.loads(cov_path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    return _run_suite(tmp_path_factory.mktemp("example-reports"))


@pytest.fixture(scope="module")
def parallel_suite(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    return _run_suite(tmp_path_factory.mktemp("example-reports-n2"), "-n", "2")


def _cases(run: SuiteRun) -> list[ET.Element]:
    return list(run.junit.iter("testcase"))


def _not_passed(run: SuiteRun) -> list[str]:
    bad = []
    for case in _cases(run):
        outcome = next((child.tag for child in case
                        if child.tag in ("failure", "error", "skipped")), None)
        if outcome is not None:
            bad.append(f"{case.get('classname')}::{case.get('name')}: {outcome}")
    return bad


def test_every_example_flow_passes(suite: SuiteRun) -> None:
    assert _not_passed(suite) == [], suite.output
    assert suite.returncode == 0, suite.output


def test_the_suite_holds_at_least_twenty_flows(suite: SuiteRun) -> None:
    # Count flows, not tests: the parametrized cases of one flow ("name[case]") count once.
    flows = {(case.get("classname"), (case.get("name") or "").split("[")[0])
             for case in _cases(suite)}
    assert len(flows) >= MIN_FLOWS, sorted(flows)


def test_every_example_file_contributes_tests(suite: SuiteRun) -> None:
    # JUnit names a flow file's tests by its path with "/" turned into ".".
    files = {p.relative_to(ROOT).as_posix().replace("/", ".") for p in FLOWS.rglob("*.flow.yaml")
             if "workflows" not in p.relative_to(FLOWS).parts}
    seen = {case.get("classname") for case in _cases(suite)}
    assert len(files) >= 10
    assert sorted(files - seen) == []


def test_the_cancellation_workflow_is_fully_covered(suite: SuiteRun) -> None:
    workflows = suite.coverage["workflows"]
    assert isinstance(workflows, dict)
    cancellation = workflows[CANCELLATION]
    assert cancellation["missing"] == [], cancellation
    assert cancellation["percent"] == 100.0
    # 17 (step, response) pairs: 1 + 4 poll reasons + 2 x 6 offers/confirmation.
    assert len(cancellation["known"]) == 17


def test_every_example_workflow_is_fully_covered(suite: SuiteRun) -> None:
    workflows = suite.coverage["workflows"]
    assert isinstance(workflows, dict)
    incomplete = {key: w["missing"] for key, w in workflows.items() if w["percent"] != 100.0}
    assert incomplete == {}
    for part in ("transitions", "endSteps"):
        missing = {key: w[part]["missing"] for key, w in workflows.items() if w[part]["missing"]}
        assert missing == {}, part
    total = suite.coverage["total"]
    assert isinstance(total, dict)
    assert total["transitions"]["percent"] == total["endSteps"]["percent"] == 100.0


def test_lint_accepts_the_example_flows() -> None:
    cli = Path(sys.executable).parent / "juo-flowtest"
    proc = subprocess.run([str(cli), "lint", str(FLOWS)], check=False, cwd=ROOT, env=_clean_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _verdicts(run: SuiteRun) -> dict[str, str]:
    verdicts = {}
    for case in _cases(run):
        outcome = next((child.tag for child in case
                        if child.tag in ("failure", "error", "skipped")), "passed")
        verdicts[f"{case.get('classname')}::{case.get('name')}"] = outcome
    return verdicts


def test_a_parallel_run_gives_the_same_verdicts_and_coverage(
    suite: SuiteRun, parallel_suite: SuiteRun
) -> None:
    assert _verdicts(parallel_suite) == _verdicts(suite)
    assert parallel_suite.coverage == suite.coverage
