"""Output faults: a run's files that could not be written, each said in one line.

A full disk, a read-only folder, ``reports`` being a file, ``--junitxml=/dev/full``: every
writer of the run's outputs (Allure results, JUnit XML, coverage, durations, the HTML report)
goes through ``OutputFaults.guard``, which turns an ``OSError`` into one recorded fault and lets
the run go on writing its other outputs. The run then ends with exit code 3 and one line per
path::

    juo-flowtest: could not write reports/junit.xml: No space left on device (ENOSPC)

Faults of many files in one folder (Allure writes one file per test) are one line, with how
many files were lost.

>>> faults = OutputFaults()
>>> with faults.guard("out/x.json"):
...     raise OSError(28, "No space left on device")
>>> faults.lines()
['juo-flowtest: could not write out/x.json: No space left on device (ENOSPC)']
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class OutputFault:
    """One path that could not be written, why, and how many files under it were lost."""

    path: str
    error: str
    files: int = 1

    def line(self) -> str:
        lost = f"; {self.files} files were not written" if self.files > 1 else ""
        return f"juo-flowtest: could not write {self.path}: {self.error}{lost}"


def describe(exc: OSError, path: str = "") -> str:
    """``No space left on device (ENOSPC)``: the OS's words and the error's name; the file the
    OS names when it is another (a parent folder that is a file, say)."""
    name = errno.errorcode.get(exc.errno or 0)
    words = exc.strerror or str(exc) or type(exc).__name__
    other = os.fspath(exc.filename) if isinstance(exc.filename, (str, os.PathLike)) else ""
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        blocker = _file_above(path) or (other if other != path and os.path.isfile(other) else "")
        if blocker:
            return f"{blocker} is a file, not a folder"
    if other and os.path.abspath(other) != os.path.abspath(path):
        words = f"{other}: {words}"
    return f"{words} ({name})" if name else words


def _file_above(path: str) -> str:
    """The first folder above ``path`` that is in fact a file (``reports`` for
    ``reports/junit.xml``), or ""."""
    parent = os.path.dirname(path)
    while parent and parent != os.path.dirname(parent):
        if os.path.isfile(parent):
            return parent
        parent = os.path.dirname(parent)
    return ""


def remove_partial(path: str | os.PathLike[str]) -> None:
    """Remove ``path`` if it is a regular file (never a device like /dev/full, never a folder)."""
    try:
        if os.path.isfile(path) and not os.path.islink(path):
            os.remove(path)
    except OSError:
        pass  # best effort: the fault is already recorded


class OutputFaults:
    """The faults of one process's outputs, by path (in the order they happened)."""

    def __init__(self) -> None:
        self._faults: dict[str, OutputFault] = {}

    def __bool__(self) -> bool:
        return bool(self._faults)

    def record(self, path: str | os.PathLike[str], exc: OSError) -> None:
        """Remember that ``path`` (a file, or the folder of many) could not be written."""
        key = os.fspath(path)
        known = self._faults.get(key)
        if known is None:
            self._faults[key] = OutputFault(key, describe(exc, key))
        else:
            known.files += 1

    @contextmanager
    def guard(self, path: str | os.PathLike[str]) -> Iterator[None]:
        """Run a write of ``path``; an ``OSError`` becomes a recorded fault, not a crash, and
        a file it left half-written is removed (an empty junit.xml would read as a result)."""
        try:
            yield
        except OSError as exc:
            self.record(path, exc)
            remove_partial(path)

    def lines(self) -> list[str]:
        return [fault.line() for fault in self._faults.values()]

    def to_data(self) -> list[dict[str, Any]]:
        """Plain data, for a worker to hand its faults to the controller."""
        return [{"path": f.path, "error": f.error, "files": f.files}
                for f in self._faults.values()]

    def merge(self, data: list[dict[str, Any]]) -> None:
        """Add faults another process recorded (``to_data``)."""
        for item in data:
            known = self._faults.get(item["path"])
            if known is None:
                self._faults[item["path"]] = OutputFault(item["path"], item["error"],
                                                         int(item["files"]))
            else:
                known.files += int(item["files"])
