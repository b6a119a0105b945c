"""``source.userfile``: a user's file is read only when it is a regular file within the limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from juo_flowtest.source.userfile import UnreadableFile, not_regular, read_text


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.flow.yaml"
    path.write_text("flow: é\n", encoding="utf-8")
    assert read_text(path, limit=100) == "flow: é\n"
    assert not_regular(path) is None


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p.flow.yaml")  # nobody writes: a plain read would wait forever
    with pytest.raises(UnreadableFile, match=r"not a regular file but a named pipe \(FIFO\)"):
        read_text(tmp_path / "p.flow.yaml", limit=100)
    assert not_regular(tmp_path / "p.flow.yaml") == "a named pipe (FIFO)"


def test_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "z.flow.yaml").symlink_to("/dev/zero")
    with pytest.raises(UnreadableFile, match="a character device"):
        read_text(tmp_path / "z.flow.yaml", limit=100)


def test_a_broken_link_says_where_it_points(tmp_path: Path) -> None:
    (tmp_path / "b.flow.yaml").symlink_to(tmp_path / "gone")
    with pytest.raises(UnreadableFile, match="broken symbolic link") as caught:
        read_text(tmp_path / "b.flow.yaml", limit=100)
    assert str(tmp_path / "gone") in str(caught.value)
    assert caught.value.hint == "fix or remove the link"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.flow.yaml"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(UnreadableFile) as caught:
        read_text(path, limit=1024 * 1024)
    assert str(caught.value) == "the file is 3.0 MB: a flow file may be at most 1.0 MB"
    assert caught.value.hint == "split it into several flow files"


def test_not_utf8_is_a_decode_error(tmp_path: Path) -> None:
    path = tmp_path / "x.flow.yaml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(UnicodeDecodeError):
        read_text(path, limit=100)
