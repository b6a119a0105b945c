"""Output faults: one line per path, the OS's words and the error's name, partial files gone."""

from __future__ import annotations

import errno
from pathlib import Path

from juo_flowtest.report.faults import OutputFaults, describe
from juo_flowtest.report.truncation import ATTACHMENT_LIMIT, truncated


def test_a_fault_is_one_line_and_the_partial_file_is_removed(tmp_path: Path) -> None:
    faults = OutputFaults()
    target = tmp_path / "junit.xml"
    with faults.guard(target):
        target.write_text("<partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert not target.exists() and bool(faults)
    assert faults.lines() == [
        (f"juo-flowtest: could not write {target}: No space left on device (ENOSPC)")]


def test_many_files_of_one_folder_are_one_line(tmp_path: Path) -> None:
    faults = OutputFaults()
    for _ in range(3):
        with faults.guard(tmp_path):
            raise OSError(errno.EROFS, "Read-only file system")
    assert faults.lines() == [(f"juo-flowtest: could not write {tmp_path}: Read-only file "
                               "system (EROFS); 3 files were not written")]
    assert tmp_path.is_dir()  # a folder is never removed


def test_a_parent_that_is_a_file_is_named(tmp_path: Path) -> None:
    parent = tmp_path / "reports"
    parent.write_text("not a folder")
    try:
        (parent / "coverage.json").parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        assert describe(exc, str(parent / "coverage.json")) == f"{parent} is a file, not a folder"


def test_workers_faults_merge_into_the_controllers() -> None:
    worker, controller = OutputFaults(), OutputFaults()
    with worker.guard("/r/allure-results"):
        raise OSError(errno.ENOSPC, "No space left on device")
    with controller.guard("/r/allure-results"):
        raise OSError(errno.ENOSPC, "No space left on device")
    controller.merge(worker.to_data())
    assert controller.lines() == [("juo-flowtest: could not write /r/allure-results: No space "
                                   "left on device (ENOSPC); 2 files were not written")]


def test_nothing_recorded_without_an_error() -> None:
    faults = OutputFaults()
    with faults.guard("x"):
        pass
    assert not faults and faults.lines() == []


def test_a_long_attachment_is_cut_with_a_visible_note() -> None:
    text = "x" * (ATTACHMENT_LIMIT * 5)
    cut = truncated(text)
    assert len(cut) < ATTACHMENT_LIMIT + 200 and cut.startswith("x" * 1000)
    assert cut.endswith(f"… [truncated by juo-flowtest: {len(text):,} characters, the first "
                        f"{ATTACHMENT_LIMIT:,} shown]\n")
    short = "y" * 10
    assert truncated(short) is short


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "reports").write_text("not a folder")
    target = tmp_path / "reports" / "coverage.html"
    faults = OutputFaults()
    with faults.guard(target):
        target.write_text("x")
    reports = tmp_path / "reports"
    assert faults.lines() == [
        f"juo-flowtest: could not write {target}: {reports} is a file, not a folder"]
