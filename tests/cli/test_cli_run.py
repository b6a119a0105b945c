"""`juo-flowtest run`: the pytest command line it builds and the exit codes it returns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.base.outcome import Tally
from juo_flowtest.cli.run import exit_code, pytest_args

GOOD = """\
flow: Show content first
start: {flowType: subscription_cancellation_requested, context: {}}
expect: {status: waiting_interaction, pending: {stepId: value_reminder}}
"""
BAD_EXPECTATION = GOOD.replace("value_reminder", "reason_poll").replace("Show", "Wrong")
INVALID = "flow: x\nstart: {flowType: a, context: {}}\nsteps: [{respnd: next}]\n"


def test_the_command_adds_only_its_flag_and_strips_html() -> None:
    args, html = pytest_args(["-k", "smoke", "--html", "--juo-reports-dir", "reports"])
    assert html
    assert args == ["-k", "smoke", "--juo-reports-dir", "reports", "--juo-run-defaults"]


def test_shard_is_the_plugin_s_option() -> None:
    assert pytest_args(["--shard", "2/3", "-n", "2"])[0] == [
        "--juo-shard", "2/3", "-n", "2", "--juo-run-defaults"]
    assert pytest_args(["--shard=1/4"])[0] == ["--juo-shard=1/4", "--juo-run-defaults"]


@pytest.mark.parametrize(("code", "tally", "expected"), [
    (0, Tally(passed=3), ExitCode.PASSED),
    (1, Tally(passed=2, failed=1), ExitCode.FAILED),
    (1, Tally(failed=1, broken=1), ExitCode.BROKEN),
    (1, Tally(passed=1, invalid=1, broken=1), ExitCode.INVALID),
    (5, Tally(), ExitCode.NO_FLOWS),
    (5, Tally(invalid=1), ExitCode.INVALID),
    (4, Tally(), ExitCode.USAGE),
    (2, Tally(), ExitCode.BROKEN),
])
def test_exit_code_precedence(code: int, tally: Tally, expected: ExitCode) -> None:
    assert exit_code(code, tally) == expected


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("juo-flowtest")
    return subprocess.run([str(exe), "run", *args, "-p", "no:cacheprovider"], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_command_writes_reports_and_maps_verdicts_to_exit_codes(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "good.flow.yaml").write_text(GOOD)
    done = _run(tmp_path)
    assert done.returncode == ExitCode.PASSED, done.stdout + done.stderr
    assert (tmp_path / "reports" / "junit.xml").is_file()
    assert list((tmp_path / "reports" / "allure-results").glob("*-result.json"))
    (flows / "bad.flow.yaml").write_text(BAD_EXPECTATION)
    assert _run(tmp_path).returncode == ExitCode.FAILED
    (flows / "invalid.flow.yaml").write_text(INVALID)
    assert _run(tmp_path).returncode == ExitCode.INVALID
    assert _run(tmp_path, "flows/good.flow.yaml", "--juo-base-url",
                "http://127.0.0.1:9/v1").returncode == ExitCode.BROKEN
    assert _run(tmp_path, "--juo-env", "nowhere").returncode == ExitCode.USAGE
    (flows / "invalid.flow.yaml").unlink()
    assert _run(tmp_path, "-k", "nothing_matches_this").returncode == ExitCode.NO_FLOWS


def test_an_option_value_that_is_a_path_does_not_change_what_is_collected(tmp_path: Path) -> None:
    """`--juo-reports-dir out` with `out` existing: flows/ still runs, every output goes to out/."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "good.flow.yaml").write_text(GOOD)
    (tmp_path / "out").mkdir()
    (tmp_path / "test_unit.py").write_text("def test_unit():\n    assert True\n")
    done = _run(tmp_path, "--juo-reports-dir", "out")
    assert done.returncode == ExitCode.PASSED, done.stdout + done.stderr
    assert "1 passed" in done.stdout and "test_unit" not in done.stdout
    out = tmp_path / "out"
    assert (out / "junit.xml").is_file() and (out / "coverage.json").is_file()
    junit = (out / "junit.xml").read_text()
    assert "juo_coverage" not in junit and "juo_verdict" not in junit and "<property" not in junit
    assert list((out / "allure-results").glob("*-result.json"))
    assert not (tmp_path / "reports").exists()


def test_an_empty_folder_is_a_usage_error_that_says_what_to_do(tmp_path: Path) -> None:
    done = _run(tmp_path)
    assert done.returncode == ExitCode.USAGE, done.stdout + done.stderr
    assert "no flows/ folder" in done.stderr and "juo-flowtest run path/to/flows" in done.stderr
    assert "session starts" not in done.stdout  # said before pytest's header
    assert not (tmp_path / "reports").exists()


def test_the_readme_run_from_the_repository_root_writes_allure_results(tmp_path: Path) -> None:
    """The README's first command runs in this repository, whose pyproject names `tests` as
    testpaths: tests/conftest.py (which keeps the suite's own runs from writing Allure results)
    must not be loaded by a run of flows/."""
    repo = Path(__file__).resolve().parents[2]
    exe = Path(sys.executable).with_name("juo-flowtest")
    done = subprocess.run(
        [str(exe), "run", "-q", "-p", "no:cacheprovider", "--juo-reports-dir", str(tmp_path)],
        cwd=repo, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == ExitCode.PASSED, done.stdout[-3000:] + done.stderr[-3000:]
    assert (tmp_path / "junit.xml").is_file() and (tmp_path / "coverage.json").is_file()
    assert list((tmp_path / "allure-results").glob("*-result.json"))


def test_a_run_without_a_path_loads_no_conftest_of_the_project_s_other_tests(
        tmp_path: Path) -> None:
    """testpaths and `test*` folders hold the project's other tests: their conftests are not
    the flows' (pytest would load them as initial conftests when given no path)."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "good.flow.yaml").write_text(GOOD)
    (flows / "conftest.py").write_text("import os\nos.environ['FLOWS_CONFTEST'] = '1'\n"
                                       "def pytest_report_header():\n    return 'flows conftest'\n")
    for folder in ("tests", "unit"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "conftest.py").write_text("raise RuntimeError('not for flows')\n")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = unit\n")
    done = _run(tmp_path)
    assert done.returncode == ExitCode.PASSED, done.stdout + done.stderr
    assert "flows conftest" in done.stdout and "not for flows" not in done.stdout + done.stderr
    assert _run(tmp_path, "unit").returncode == ExitCode.USAGE  # a path given is pytest's to load
