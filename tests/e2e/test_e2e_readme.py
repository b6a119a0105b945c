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
