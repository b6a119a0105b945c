"""Production traffic for traffic-weighted coverage: the target's ``runs/stats``, read once
by the reporting process before any flow runs (so the suite's own runs do not count).

Only a remote target with an Admin API key has statistics; the embedded sandbox has no
production. Reading them never fails a run: a target that cannot give them simply has no
figure, and the terminal says why in one line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from juo_flowtest.base.errors import AdminApiError, ConfigError
from juo_flowtest.coverage.traffic import from_stats
from juo_flowtest.target.adminaccess import ADMIN_KEY_VARIABLE, SANDBOX_ADMIN_KEY
from juo_flowtest.target.settings import Target

Counts = dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Production:
    """What the target's Admin API says before the run: step executions and workflow names."""

    counts: Counts = field(default_factory=dict)  # {workflowId: {stepId: executionCount}}
    names: dict[str, str] = field(default_factory=dict)
    note: str | None = None  # why nothing could be read, when something should have been


def read_production(config: pytest.Config, target: Target) -> Production:
    """The target's statistics and names (nothing for the embedded sandbox or without a key)."""
    if target.is_sandbox:
        return Production()
    from juo_flowtest.target.admin import AdminClient
    from juo_flowtest.target.adminaccess import resolve_admin
    from juo_flowtest.target.client import make_http_client

    try:
        access = resolve_admin(target, config.getoption("juo_admin_url", None), os.environ,
                               Path(config.rootpath) / "pyproject.toml")
    except ConfigError as exc:
        return Production(note=f"production traffic not read: {exc}")
    if access.url is None or not access.key:
        return Production()  # no Admin API key: no statistics, nothing to say
    try:
        with make_http_client(access.timeout) as http:
            admin = AdminClient(http, access)
            listed = admin.list_workflows()
            stats = {str(w["id"]): admin.run_stats(str(w["id"])) for w in listed}
    except AdminApiError as exc:
        if exc.status in (401, 403) and _guessed(access.key):
            return Production()  # the sandbox's default key, refused: the target has no key
        return Production(note=f"production traffic not read: {exc}")
    except ConfigError as exc:
        return Production(note=f"production traffic not read: {exc}")
    return Production(from_stats(stats), {str(w["id"]): str(w["name"]) for w in listed})


def _guessed(key: str | None) -> bool:
    """Whether ``key`` is only the sandbox's documented default (no key was given): a target
    named ``sandbox`` at another URL may be a served sandbox, or may have no key at all."""
    return key == SANDBOX_ADMIN_KEY and not os.environ.get(ADMIN_KEY_VARIABLE)
