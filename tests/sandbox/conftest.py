"""Fixtures for the sandbox tests: one served sandbox on a ManualClock, and an API helper."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sandbox_api import HEADERS, Api

from juo_flowtest.sandbox import ManualClock, Sandbox


@pytest.fixture(scope="session")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def sandbox(clock: ManualClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as sb:
        yield sb


@pytest.fixture(scope="session")
def api(sandbox: Sandbox) -> Iterator[Api]:
    with httpx.Client(base_url=sandbox.base_url, headers=HEADERS, timeout=10) as client:
        yield Api(client)
