"""Report faults and SIGTERM, in real ``juo-flowtest run`` processes: one clear line per path,
the other outputs still written, exit code 3; SIGTERM writes what Ctrl-C writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_target import Hostile

QUIET = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest")
FLOWS = """\
flow: One that passes
start: {flowType: ok, context: {}}
steps:
  - respond: accept
---
flow: Another that passes
start: {flowType: ok, context: {}}
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUO_", "PYTEST_"))}
    env["JUO_DELEGATED_TOKEN"] = "LEAKCHECK-outputs-1"
    return env


def _run(tmp: Path, hostile: Hostile, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp / "two.flow.yaml").write_text(FLOWS)
    cmd = [sys.executable, "-m", "juo_flowtest.cli", "run", *QUIET, "two.flow.yaml",
           "--juo-base-url", hostile.base("ok"), *args]
    return subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=300,
                          env=_env(), check=False)


def _fault_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("juo-flowtest: could not")]


def test_junit_on_a_full_device_is_one_line_and_exit_3(tmp_path: Path, hostile: Hostile) -> None:
    done = _run(tmp_path, hostile, "--junitxml=/dev/full")
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert _fault_lines(out) == [
        "juo-flowtest: could not write /dev/full: No space left on device (ENOSPC)"]
    assert "Traceback" not in out and "INTERNALERROR" not in out
    assert "2 passed" in out and "generated xml file" not in out
    reports = tmp_path / "reports"
    assert json.loads((reports / "coverage.json").read_text())  # the others are written
    assert list((reports / "allure-results").glob("*-result.json"))


def test_reports_being_a_file_is_one_line_per_output(tmp_path: Path, hostile: Hostile) -> None:
    (tmp_path / "reports").write_text("a file, not a folder")
    done = _run(tmp_path, hostile)
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    reports = tmp_path / "reports"
    not_a_folder = f"{reports} is a file, not a folder"
    assert sorted(_fault_lines(out)) == sorted(
        f"juo-flowtest: could not write {reports / name}: {not_a_folder}"
        for name in ("allure-results", "junit.xml", "coverage.json", "coverage.html",
                     "durations.json"))
    assert "Traceback" not in out and "2 passed" in out


def test_a_fault_under_xdist_is_reported_by_the_controller(tmp_path: Path,
                                                            hostile: Hostile) -> None:
    done = _run(tmp_path, hostile, "-n", "2", "--junitxml=/dev/full")
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert _fault_lines(out) == [
        "juo-flowtest: could not write /dev/full: No space left on device (ENOSPC)"]


@pytest.fixture
def tiny_mount(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB tmpfs (needs root and mount rights: a container may refuse)."""
    point = tmp_path / "mnt"
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(point)],
                          capture_output=True, text=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=False)


def test_a_full_disk_and_a_read_only_folder(tiny_mount: Path, tmp_path: Path,
                                            hostile: Hostile) -> None:
    (tiny_mount / "fill").write_bytes(b"\0" * 60 * 1024)
    reports = tiny_mount / "reports"
    done = _run(tmp_path, hostile, "--juo-reports-dir", str(reports))
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    lines = _fault_lines(out)
    assert any(f"{reports / 'junit.xml'}: No space left on device (ENOSPC)" in x for x in lines)
    assert any(f"{reports / 'allure-results'}: No space left on device" in x for x in lines)
    assert not (reports / "junit.xml").exists()  # no empty file passing for a result
    (tiny_mount / "fill").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_mount)], check=True)
    done = _run(tmp_path, hostile, "--juo-reports-dir", str(reports))
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert f"could not write {reports / 'coverage.json'}: Read-only file system (EROFS)" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_sigterm_writes_what_ctrl_c_writes(tmp_path: Path, hostile: Hostile,
                                           workers: tuple[str, ...]) -> None:
    (tmp_path / "slow.flow.yaml").write_text(
        "flow: Passes\nstart: {flowType: ok, context: {}}\n---\n"
        "flow: Hangs\nstart: {flowType: hang, context: {}}\nsteps:\n  - get: {}\n")
    cmd = [sys.executable, "-m", "juo_flowtest.cli", "run", *QUIET, *workers, "-v",
           "slow.flow.yaml", "--juo-base-url", hostile.base("hang"), "--juo-timeout", "120"]
    log = (tmp_path / "out.log").open("w")
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                            env=_env())
    try:
        deadline = time.monotonic() + 120
        while "PASSED" not in (tmp_path / "out.log").read_text():
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
        time.sleep(1.0)  # the second flow is now inside its hung call
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    out = (tmp_path / "out.log").read_text()
    assert code == 3, out
    assert "SIGTERM" in out and "Traceback" not in out
    reports = tmp_path / "reports"
    assert 'name="Passes"' in (reports / "junit.xml").read_text()
    assert "total" in json.loads((reports / "coverage.json").read_text())
    results = [json.loads(p.read_text()) for p in (reports / "allure-results").glob(
        "*-result.json")]
    assert any(r["name"] == "Passes" and r["status"] == "passed" for r in results), out
