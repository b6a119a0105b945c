"""The README's examples are real: its flow passes against the sandbox, its error text is exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from juo_flowtest.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
TYPO = """\
flow: Has a typo
start:
  flowType: subscription_cancellation_requested
  context: {}
expct:
  status: waiting_interaction
"""


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_flow_passes_against_the_sandbox(pytester: pytest.Pytester) -> None:
    (flow,) = _blocks("yaml")
    pytester.makefile(".flow.yaml", readme=flow)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_readme_error_text_is_what_lint_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "typo.flow.yaml").write_text(TYPO)
    assert main(["lint", "flows/typo.flow.yaml"]) == 2
    (shown,) = _blocks("text")
    assert shown in capsys.readouterr().out


def test_the_readme_starts_with_the_two_commands_ci_runs() -> None:
    commands = _blocks("bash")[:2]
    assert commands[0].strip().endswith("juo-flowtest run --html")
    assert commands[1].strip().endswith(".venv/bin/pytest")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci


def test_the_setup_script_installs_nothing_when_all_is_there_and_says_what_is_missing(
    tmp_path: Path,
) -> None:
    import os
    import shutil
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "node", "npm", "dot"):  # no chromium, no apt-get
        (bin_dir / tool).symlink_to(shutil.which(tool) or "/bin/true")
    script = README.parent / ".ci" / "setup"
    env = {**os.environ, "PATH": str(bin_dir)}
    done = subprocess.run(["bash", str(script), "report"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(["bash", str(script), "tests"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1 and "please install chromium" in done.stderr
