"""`juo-flowtest run`: the pytest command line it builds and the exit codes it returns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.cli.run import exit_code, pytest_args
from juo_flowtest.run.session import Tally

GOOD = """\
flow: Show content first
start: {flowType: subscription_cancellation_requested, context: {}}
expect: {status: waiting_interaction, pending: {stepId: value_reminder}}
"""
BAD_EXPECTATION = GOOD.replace("value_reminder", "reason_poll").replace("Show", "Wrong")
INVALID = "flow: x\nstart: {flowType: a, context: {}}\nsteps: [{respnd: next}]\n"


def test_defaults_add_flows_and_the_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.chdir(tmp_path)
    args, html = pytest_args(["-k", "smoke", "--html"])
    assert html
    assert args[:3] == ["-k", "smoke", "flows"]
    assert "--alluredir" in args and "--junitxml=reports/junit.xml" in args


def test_explicit_paths_and_alluredir_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite").mkdir()
    args, html = pytest_args(["suite", "--alluredir=out"])
    assert not html
    assert args == ["suite", "--alluredir=out", "--junitxml=reports/junit.xml"]


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
