"""Time for the sandbox: an injectable clock, so tests move time instead of sleeping."""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Seconds since the Unix epoch; must never go backwards."""

    def now(self) -> float: ...


class SystemClock:
    """Wall time at creation, moved on by the monotonic clock (immune to clock steps)."""

    def __init__(self) -> None:
        self._wall = time.time()
        self._mono = time.monotonic()

    def now(self) -> float:
        return self._wall + (time.monotonic() - self._mono)


class ManualClock:
    """A clock that moves only when told: ``clock.advance(ms=300)``."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float = 0.0, *, ms: float = 0.0) -> float:
        """Move time forward by ``seconds`` plus ``ms`` milliseconds; return the new time."""
        if seconds < 0 or ms < 0:
            raise ValueError("a clock never goes backwards")
        with self._lock:
            self._now += seconds + ms / 1000.0
            return self._now


#: The last whole second ``iso`` wrote, and its text up to the seconds (one tuple, so a thread
#: never reads one second's text with another's number).
_last_second: tuple[float, str] = (math.nan, "")
_MILLISECONDS = tuple(f".{ms:03d}Z" for ms in range(1000))


def iso(at: float) -> str:
    """``2026-01-01T00:00:00.000Z`` for an epoch time.

    The text ``datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")`` writes (with
    ``Z``), made the way it makes it: the fraction rounded half-even to microseconds (a second
    carried when it rounds up to one), then cut to milliseconds. Every run state shows one, and
    the datetime route cost ~4x more (bench/README-sandbox.md); the seconds' text is kept for
    the second it was made in.
    """
    fraction, whole = math.modf(at)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        whole, micro = whole + 1.0, micro - 1_000_000
    elif micro < 0:
        whole, micro = whole - 1.0, micro + 1_000_000
    global _last_second
    second, text = _last_second
    if second != whole:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
        _last_second = (whole, text)
    return text + _MILLISECONDS[micro // 1000]
