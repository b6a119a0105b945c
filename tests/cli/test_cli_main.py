"""The `juo-flowtest` command: help, version, schema, and a closed pipe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.base.version import __version__
from juo_flowtest.cli.main import main

EXE = str(Path(sys.executable).with_name("juo-flowtest"))


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "run [PATHS]" in capsys.readouterr().out
    assert main([]) == 4
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_schema_prints_the_shipped_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "flow" in schema["required"]


def test_a_reader_closing_the_pipe_is_not_a_traceback() -> None:
    done = subprocess.run(f"'{EXE}' schema | head -c 10", shell=True, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stdout == '{\n  "$sche'
    assert "Traceback" not in done.stderr


def test_a_delegated_command_reports_its_usage_errors_as_exit_4() -> None:
    done = subprocess.run([EXE, "gate", "--no-such-option"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 4
    assert "unrecognized arguments" in done.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_bad_sandbox_port_is_a_usage_error_not_a_traceback(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sandbox", "--port", port]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "--port" in err and "Traceback" not in err


def test_run_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    from juo_flowtest.cli.run import HELP

    assert "``" not in HELP and "usage: juo-flowtest run" in HELP
