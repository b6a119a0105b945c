"""The gate on real allure-pytest output: verdicts, exit codes and the Markdown (golden files).

The runs are real pytest runs of small test modules under allure-pytest and
pytest-rerunfailures, so the gate reads exactly what a flow run leaves behind. Set
``JUO_UPDATE_GOLDEN=1`` to rewrite the golden files after an intended change, then review the
diff.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import GateExit
from juo_flowtest.cli import report as report_command
from juo_flowtest.coverage.model import read as read_coverage
from juo_flowtest.gate import command as gate_command
from juo_flowtest.gate import verdict as gate
from juo_flowtest.gate.policy import DEFAULT_POLICY, Policy
from juo_flowtest.gate.results import read_results
from juo_flowtest.report import allure as report

GOLDEN = Path(__file__).parents[1] / "golden" / "gate"

SUITE = """
import allure, pytest

ATTEMPTS = []


@allure.severity(allure.severity_level.BLOCKER)
@allure.tag("smoke", "cancellation")
def test_cancel_saved_by_discount():
    pass


@allure.severity(allure.severity_level.CRITICAL)
@allure.tag("cancellation")
def test_cancel_declines_offer():
    assert False, "endStep.category: expected 'retained', got 'cancelled'"


@allure.tag("smoke")
def test_pause_for_a_month():
    ATTEMPTS.append(1)
    assert len(ATTEMPTS) > 1, "runVersion conflict"


def test_skip_next_order():
    raise ConnectionError("sandbox unreachable at http://127.0.0.1:1")


@allure.tag("cancellation")
def test_known_bug():
    assert False, "JUO-999: offer shown twice"


def test_fixed_bug():
    pass


# A deliberately skipped test in this generated suite: the gate must count skips.
@pytest.mark.skip(reason="portal not on staging")
def test_portal_renew():
    pass


@pytest.mark.parametrize("reason", ["too_expensive", "not_using"])
def test_reasons(reason):
    assert reason == "too_expensive", "no offer for " + reason
"""

PASSING_SUITE = """
import allure

ATTEMPTS = []


@allure.severity(allure.severity_level.BLOCKER)
@allure.tag("smoke")
def test_cancel_saved_by_discount():
    pass


@allure.tag("smoke")
def test_pause_for_a_month():
    ATTEMPTS.append(1)
    assert len(ATTEMPTS) > 1, "runVersion conflict"


def test_known_bug():
    assert False, "JUO-999: offer shown twice"
"""

RELEASE_POLICY = """\
required_severities: [blocker, critical]
min_pass_rate: 90
min_pass_rate_per_tag: {smoke: 100, cancellation: 50, nightly: 100}
max_failed: 0
max_broken: 0
max_invalid: 0
max_flaky: 0
min_coverage: 80
min_coverage_per_workflow: {cancellation: 75, "pause@1": 100}
quarantine: [test_known_bug, test_fixed_bug, test_gone]
"""

COVERAGE = {
    "workflows": {
        "cancellation@3": {
            "known": [["offer", "accept"], ["offer", "decline"], ["reason", "x"], ["ok", "y"]],
            "exercised": [["offer", "accept"], ["offer", "decline"], ["reason", "x"]],
        },
        "pause@1": {
            "known": [["when", "next"], ["when", "later"]],
            "exercised": [["when", "next"]],
        },
    },
    "total": {"known": 6, "exercised": 4, "percent": 66.7},
}


def pytest_run(directory: Path, source: str, *args: str, module: str = "test_suite.py") -> Path:
    """A real pytest run of ``source`` under allure-pytest; returns its allure-results."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / module).write_text(source)
    results = directory / "allure-results"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", module]
    # Only the plugins that shape allure-results: 5x faster than autoloading every installed one.
    command += ["-p", "allure_pytest.plugin", "-p", "pytest_rerunfailures"]
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    subprocess.run(
        [*command, "--alluredir", str(results), *args],
        cwd=directory,
        env=env,
        check=False,
        capture_output=True,
    )
    return results


@pytest.fixture(scope="module")
def suite_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = pytest_run(tmp_path_factory.mktemp("suite"), SUITE, "--reruns", "1")
    report.write_invalid_file(
        str(results), "flows/bad.flow.yaml", "flows/bad.flow.yaml:3:1: error: unknown key 'expct'"
    )
    return results


@pytest.fixture(scope="module")
def passing_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pytest_run(
        tmp_path_factory.mktemp("passing"), PASSING_SUITE, "--reruns", "2", module="test_passing.py"
    )


def run_gate(cwd: Path, *argv: str) -> tuple[int, str]:
    """``juo-flowtest gate ARGV`` in ``cwd`` through ``configure_parser``/``command``."""
    parser = argparse.ArgumentParser()
    gate_command.configure_parser(parser)
    printed: list[str] = []
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        code = gate_command.command(parser.parse_args(argv), out=printed.append)
    finally:
        os.chdir(previous)
    return code, "".join(printed)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("JUO_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_a_run_that_breaks_the_policy_fails_the_gate(suite_results: Path, tmp_path: Path) -> None:
    (tmp_path / "release.yaml").write_text(RELEASE_POLICY)
    (tmp_path / "coverage.json").write_text(json.dumps(COVERAGE))
    code, markdown = run_gate(
        tmp_path,
        "--policy",
        "release.yaml",
        "--results",
        str(suite_results),
        "--coverage",
        "coverage.json",
    )
    assert code == GateExit.VIOLATED
    assert_golden("failed.md", markdown)
    assert (tmp_path / "reports" / "gate.md").read_text(encoding="utf-8") == markdown


def test_buckets_of_the_failing_run(suite_results: Path) -> None:
    policy = Policy(quarantine=("test_known_bug", "test_fixed_bug"), max_failed=0)
    verdict = gate.evaluate(read_results([suite_results]), None, policy)
    buckets = {name: [o.name for o in group] for name, group in verdict.buckets.items()}
    assert buckets == {
        "passed": [
            "test_cancel_saved_by_discount",
            "test_fixed_bug",
            "test_reasons[too_expensive]",
        ],
        "failed": ["test_cancel_declines_offer", "test_reasons[not_using]"],
        "broken": ["test_skip_next_order"],
        "invalid": ["Invalid flow file: flows/bad.flow.yaml"],
        "skipped": ["test_portal_renew"],
        "flaky": ["test_pause_for_a_month"],
        "quarantined": ["test_known_bug"],
    }
    assert [o.name for o in verdict.can_leave_quarantine] == ["test_fixed_bug"]
    assert verdict.pass_rate == pytest.approx(100 * 4 / 7)  # flaky counts as passing
    assert not verdict.holds and verdict.total == 10


def test_flaky_can_count_as_failed(suite_results: Path) -> None:
    results = read_results([suite_results])
    lenient = gate.evaluate(results, None, Policy(required_severities=("blocker",)))
    strict = Policy(required_severities=("blocker",), min_pass_rate=0, flaky_counts_as="failed")
    verdict = gate.evaluate(results, None, strict)
    assert lenient.pass_rate == pytest.approx(100 * 4 / 8)
    assert verdict.pass_rate == pytest.approx(100 * 3 / 8)
    assert lenient.holds and verdict.holds  # the flaky flow is normal, not blocker


def test_a_run_within_the_policy_passes_the_gate(passing_results: Path, tmp_path: Path) -> None:
    (tmp_path / "release.yaml").write_text(
        "required_severities: [blocker]\nmin_pass_rate_per_tag: {smoke: 100}\nmax_failed: 0\n"
        "max_flaky: 1\nquarantine: [test_known_bug]\n"
    )
    code, markdown = run_gate(
        tmp_path, "--policy", "release.yaml", "--results", str(passing_results)
    )
    assert code == GateExit.HOLDS
    assert_golden("passed.md", markdown)


def test_the_default_policy_allows_no_failed_broken_or_invalid(suite_results: Path) -> None:
    verdict = gate.evaluate(read_results([suite_results]), None, DEFAULT_POLICY)
    assert [(r.rule, r.actual, r.holds) for r in verdict.rules] == [
        ("max_failed", "3", False),
        ("max_broken", "1", False),
        ("max_invalid", "1", False),
    ]


def test_the_pyproject_gate_table_is_used_without_policy(
    passing_results: Path, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.juo_flowtest.gate]\nmax_flaky = 0\n")
    code, markdown = run_gate(tmp_path, "--results", str(passing_results))
    assert code == GateExit.VIOLATED
    assert "Policy: pyproject.toml [tool.juo_flowtest.gate] — 1 of 1 rule broken." in markdown
    assert "- ❌ **`max_flaky`** — expected at most 0 flaky, actual 1" in markdown


def test_several_result_dirs_and_coverage_files_merge(
    suite_results: Path, passing_results: Path, tmp_path: Path
) -> None:
    """Two CI jobs ran parts of the suite; the gate judges the union."""
    first, second = tmp_path / "job1.json", tmp_path / "job2.json"
    pause = {"known": [["when", "next"], ["when", "later"]], "exercised": [["when", "next"]]}
    first.write_text(json.dumps({"workflows": {"pause@1": pause}}))
    second.write_text(json.dumps({"workflows": {"pause@1": {"exercised": [["when", "later"]]}}}))
    (tmp_path / "p.yaml").write_text("min_coverage: 100\nmax_invalid: 0\n")
    argv = ["--policy", "p.yaml", "--coverage", str(first), "--coverage", str(second)]
    argv += ["--results", str(suite_results), "--results", str(passing_results)]
    code, markdown = run_gate(tmp_path, *argv)
    assert code == GateExit.VIOLATED
    assert "| 13 | 4 | 4 | 1 | 1 | 1 | 2 | 0 | 54.5% | 100% (2/2) |" in markdown
    assert "| ✅ | `min_coverage` | >= 100% | 100% (2/2) |" in markdown
    assert read_coverage([first, second]).percent == 100.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--results", "nowhere"), "no results directory at nowhere"),
        (("--results", "empty"), "no test results (*-result.json) in empty"),
        (("--results", "empty", "--coverage", "none.json"), "no coverage file at none.json"),
        (("--policy", "bad.yaml"), "bad.yaml:1:1: error: unknown policy key 'max_brokn'"),
    ],
    ids=["missing-dir", "empty-dir", "missing-coverage", "bad-policy"],
)
def test_no_verdict_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.yaml").write_text("max_brokn: 0\n")
    code, markdown = run_gate(tmp_path, *argv)
    err = capsys.readouterr().err
    assert code == GateExit.NO_RESULTS and markdown == ""
    assert err.startswith("juo-flowtest gate: ") and message in err and "Traceback" not in err
    summary = (tmp_path / "reports" / "gate.md").read_text(encoding="utf-8")
    assert summary.startswith("## ⚠️ Release gate: NO VERDICT")


def test_quarantine_matches_a_flow_and_its_cases(suite_results: Path) -> None:
    results = read_results([suite_results])
    whole = gate.evaluate(results, None, Policy(max_failed=0, quarantine=("test_reasons",)))
    case = gate.evaluate(
        results, None, Policy(max_failed=0, quarantine=("test_reasons[not_using]",))
    )
    for verdict in (whole, case):
        assert [o.name for o in verdict.buckets["quarantined"]] == ["test_reasons[not_using]"]
    assert [o.name for o in whole.can_leave_quarantine] == ["test_reasons[too_expensive]"]
    assert case.can_leave_quarantine == () and case.unmatched_quarantine == ()


@pytest.mark.parametrize("example", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_ci_examples_call_gate_and_report_with_options_that_exist(example: str) -> None:
    text = (Path(__file__).parents[2] / "docs" / "examples" / example).read_text()
    lines = [line.strip().removeprefix("- ").removeprefix("run: ") for line in text.splitlines()]
    gates = [line.split()[2:] for line in lines if line.startswith("juo-flowtest gate")]
    assert gates and all(arg != "|" for argv in gates for arg in argv)
    parser = argparse.ArgumentParser()
    gate_command.configure_parser(parser)
    for argv in gates:
        assert Path(parser.parse_args(argv).policy) == Path("flows/gate-policy.yaml")
    assert any(line.startswith("juo-flowtest run flows --juo-env staging") for line in lines)
    reports = [line.split()[2:] for line in lines if line.startswith("juo-flowtest report")]
    parser = argparse.ArgumentParser()
    report_command.configure_parser(parser)
    for argv in reports:  # the Quality Gates tab shows the same policy's verdict
        assert Path(parser.parse_args(argv).policy) == Path("flows/gate-policy.yaml")
    assert reports and "JUO_STAGING_TOKEN" in text
