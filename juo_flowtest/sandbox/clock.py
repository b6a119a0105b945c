"""Time for the sandbox: an injectable clock, so tests move time instead of sleeping."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
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


def iso(at: float) -> str:
    """``2026-01-01T00:00:00.000Z`` for an epoch time."""
    text = datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
