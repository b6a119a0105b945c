"""Lint and collection on files that are no flow file, though named like one: a named pipe, a
device, a broken link, a folder, a file far too large, 20,000 parametrize cases, a ``!!set``.
Never a hang, never a traceback, never a silent skip: each is a ``path:line:col`` error (the
folder a warning, its files being checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from juo_flowtest.cli.main import main

QUIET = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
VALID = "flow: fine\nstart:\n  flowType: subscription_cancellation_requested\n  context: {}\n"


def _lint(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["lint", *map(str, paths)])
    out = capsys.readouterr()
    return code, out.out + out.err


def _odd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "fine.flow.yaml").write_text(VALID)
    os.mkfifo(folder / "pipe.flow.yaml")
    (folder / "zero.flow.yaml").symlink_to("/dev/zero")
    (folder / "gone.flow.yaml").symlink_to(tmp_path / "nowhere.flow.yaml")
    (folder / "named.flow.yaml").mkdir()
    (folder / "named.flow.yaml" / "inner.flow.yaml").write_text(VALID)
    return folder


def test_explicit_special_files_are_errors_never_a_hang(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "pipe.flow.yaml")
    (tmp_path / "zero.flow.yaml").symlink_to("/dev/zero")
    code, out = _lint(capsys, tmp_path / "pipe.flow.yaml", tmp_path / "zero.flow.yaml")
    assert code == 2, out
    assert (f"{tmp_path / 'pipe.flow.yaml'}:1:1: error: not a regular file but a named pipe "
            "(FIFO)") in out
    assert f"{tmp_path / 'zero.flow.yaml'}:1:1: error: not a regular file but a character device" in out
    assert "Traceback" not in out and "2 invalid file(s)" in out


def test_a_huge_flow_file_is_refused_without_reading_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.flow.yaml"
    with path.open("w") as out:
        out.write(VALID + "# ")
        out.truncate(27 * 1024 * 1024)  # sparse: 27 MB on no disk
    code, text = _lint(capsys, path)
    assert code == 2
    assert f"{path}:1:1: error: the file is 27.0 MB: a flow file may be at most 5.0 MB" in text
    assert "hint: split it into several flow files" in text


def test_entries_of_a_folder_that_are_no_file_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _odd_folder(tmp_path)
    code, out = _lint(capsys, folder)
    assert code == 2, out
    named = "named like a flow file or a workflow definition, but"
    assert f"{folder / 'pipe.flow.yaml'}: error: {named} a named pipe (FIFO): not checked" in out
    assert f"{folder / 'zero.flow.yaml'}: error: {named} a character device: not checked" in out
    assert (f"{folder / 'gone.flow.yaml'}: error: {named} a broken symbolic link (to "
            f"{tmp_path / 'nowhere.flow.yaml'}): not checked") in out
    assert f"{folder / 'named.flow.yaml'}: warning: a folder named like a flow file" in out
    assert "2 file(s) checked, 2 flow(s), 3 invalid file(s)" in out  # the folder's file too


def test_a_collection_reports_them_as_invalid_files(tmp_path: Path) -> None:
    folder = _odd_folder(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    done = subprocess.run([sys.executable, "-m", "pytest", *QUIET, "--collect-only", "-q",
                           str(folder)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    out = done.stdout + done.stderr
    assert "Traceback" not in out
    for name, why in [("pipe", "not a regular file but a named pipe (FIFO)"),
                      ("zero", "not a regular file but a character device"),
                      ("gone", "not a file but a broken symbolic link")]:
        assert f"{folder / (name + '.flow.yaml')}:1:1: error: {why}" in out, out
    assert "2 tests collected, 3 errors" in out, out[-2000:]


def test_twenty_thousand_cases_and_a_set_tag(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    cases = "".join(f"  - {{id: c{i}, x: {i}}}\n" for i in range(20_000))
    many = tmp_path / "many.flow.yaml"
    many.write_text(f"flow: many\nparametrize:\n{cases}  - {{id: c7, x: 0}}\n" + VALID[11:])
    tagged = tmp_path / "set.flow.yaml"
    tagged.write_text(VALID.replace("context: {}", "context: !!set {a, b}"))
    code, out = _lint(capsys, many, tagged)
    assert code == 2
    assert f"{many}:20003:10: error: duplicate case id 'c7'" in out, out[-1500:]
    assert f"{tagged}:4:12: error: unsupported YAML tag '!!set'" in out


def test_a_workflow_definition_named_explicitly_that_is_a_fifo(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "w.workflow.yaml")
    code, out = _lint(capsys, tmp_path / "w.workflow.yaml")
    assert code == 2
    assert (f"{tmp_path / 'w.workflow.yaml'}:1:1: error: not a regular file but a named pipe "
            "(FIFO)") in out
    assert "hint: name a workflow definition (a regular file)" in out
