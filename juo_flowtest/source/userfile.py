"""Reading a file a user named: a regular file only, within a size limit, never a hang.

``Path.read_text`` on a named pipe waits for a writer forever; on ``/dev/zero`` (or a link to
it) it reads until memory runs out; on a 27 MB flow file the YAML reader then needs ~15 times
that. So a user's file is opened without blocking (a FIFO opens at once), checked to be a
regular file, checked against ``limit`` before reading, and read at most ``limit`` bytes (a
file growing while read cannot pass the limit either). What is wrong is an ``UnreadableFile``
with a message and a hint, for a ``path:1:1`` diagnostic.

>>> import tempfile, os
>>> with tempfile.TemporaryDirectory() as folder:
...     os.mkfifo(os.path.join(folder, "p.flow.yaml"))
...     read_text(os.path.join(folder, "p.flow.yaml"), limit=10)
Traceback (most recent call last):
...
juo_flowtest.source.userfile.UnreadableFile: not a regular file but a named pipe (FIFO)
"""

from __future__ import annotations

import os
import stat

#: The largest flow file read: ~100 times the largest example, and what the YAML reader
#: holds of it stays under ~100 MB.
MAX_FLOW_FILE_BYTES = 5 * 1024 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a user's text file: ``str(exc)`` says why, ``hint`` what to do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def kind(mode: int) -> str:
    """What a non-regular file is, in words (``a named pipe (FIFO)``)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` is no file to read (``a broken symbolic link to X``...), or None."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"a broken symbolic link (to {os.readlink(path)})"
        return "no such file"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return None if stat.S_ISREG(mode) else kind(mode)


def read_text(path: str | os.PathLike[str], *, limit: int, what: str = "flow file") -> str:
    """The UTF-8 text of the regular file ``path``, at most ``limit`` bytes long.

    Raises ``UnreadableFile`` (not a regular file, too large, an OS error) or
    ``UnicodeDecodeError``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        why = not_regular(path)
        if why is not None and why.startswith("a broken"):
            raise UnreadableFile(f"not a file but {why}", "fix or remove the link") from None
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"not a regular file but {kind(info.st_mode)}",
                                 f"name a {what} (a regular file), not a device, pipe or folder")
        if info.st_size > limit:
            raise UnreadableFile(_too_large(info.st_size, limit, what), _split_hint(what))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while read
            raise UnreadableFile(_too_large(size, limit, what, more=True), _split_hint(what))
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def _too_large(size: int, limit: int, what: str, more: bool = False) -> str:
    return (f"the file is {'more than ' if more else ''}{_mb(size)}: a {what} may be at most "
            f"{_mb(limit)}")


def _split_hint(what: str) -> str:
    return f"split it into several {what}s"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
