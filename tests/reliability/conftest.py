"""Fixtures for the reliability tests: the hostile server (``hostile_target``) and a canary."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from hostile_target import Hostile, serving


@pytest.fixture(scope="session")
def hostile() -> Iterator[Hostile]:
    """The hostile server, for the whole session, on a free port."""
    with serving() as server:
        yield server


@pytest.fixture(scope="session")
def canary() -> str:
    """A token no text would contain by chance: any file holding it is a leak."""
    return f"LEAKCHECK-{secrets.token_hex(12)}"
