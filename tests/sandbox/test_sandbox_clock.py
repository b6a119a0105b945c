"""``clock.iso`` writes exactly what ``datetime``'s isoformat writes, rounding included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juo_flowtest.sandbox.clock import iso


def _datetime_iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


@given(st.floats(min_value=-1e9, max_value=4e9, allow_nan=False))
def test_any_time_reads_as_datetime_writes_it(at: float) -> None:
    assert iso(at) == _datetime_iso(at)


@given(st.integers(0, 4 * 10**9), st.integers(0, 999_999))
def test_times_on_a_microsecond_read_as_datetime_writes_them(second: int, micro: int) -> None:
    at = second + micro / 1e6
    assert iso(at) == _datetime_iso(at)


@pytest.mark.parametrize("at", [
    0.0, 1_767_225_600.0, 1_767_225_600.9995, 1_767_225_600.9999995,  # rounds up a second
    1_767_225_600.0000005, 1_767_225_599.999, -1.5, -0.0000004, 951_782_400.5,  # 2000-02-29
])
def test_edges_read_as_datetime_writes_them(at: float) -> None:
    assert iso(at) == _datetime_iso(at)


def test_a_second_seen_before_is_not_mixed_up_with_the_next() -> None:
    assert iso(1_767_225_600.25) == "2026-01-01T00:00:00.250Z"
    assert iso(1_767_225_601.5) == "2026-01-01T00:00:01.500Z"
    assert iso(1_767_225_600.75) == "2026-01-01T00:00:00.750Z"
