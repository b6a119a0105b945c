"""The target a run talks to, resolved once with one precedence rule.

Precedence, for every setting: command line > environment variable > ``pyproject.toml`` >
built-in default. The target is chosen by name (``--juo-env`` / ``JUO_ENV``, default
``sandbox``). ``sandbox`` is built in: the embedded simulator, started by the plugin.
Other names are tables ``[tool.juo_flowtest.environments.NAME]`` in ``pyproject.toml``.

A token is read from the environment only (``JUO_DELEGATED_TOKEN`` / ``JUO_ACCESS_TOKEN``, or the
variable an environment names in ``token_env``); it is never written in a file, and it is held
as a ``Secret``: ``Target``'s repr never shows it.

The body limit (``--juo-max-body`` > ``JUO_MAX_BODY`` > ``max_body`` of the environment's table >
10 MB) is a number of bytes or a size with a unit: ``512KB``, ``10MB``, ``1GB`` (powers of 1024).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from juo_flowtest.base.diagnostics import did_you_mean
from juo_flowtest.base.errors import ConfigError
from juo_flowtest.base.secrets import Secret
from juo_flowtest.target.transport import DEFAULT_MAX_BODY_BYTES

SANDBOX = "sandbox"
SANDBOX_TENANT = "sandbox.myshopify.com"
SANDBOX_TOKEN = "sandbox-token"  # the sandbox's documented default, not a secret
DEFAULT_TIMEOUT_S = 10.0
AuthScheme = Literal["delegated", "bearer"]
AUTH_SCHEMES: tuple[AuthScheme, ...] = ("delegated", "bearer")
ENV_KEYS = ("base_url", "tenant", "token_env", "auth", "timeout", "protected", "max_body",
            "admin_url", "admin_token_env")
MAX_BODY_ENV = "JUO_MAX_BODY"
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3, "kib": 1024,
          "mib": 1024**2, "gib": 1024**3}


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the command line and the process environment say for one run."""

    env_name: str | None = None
    base_url: str | None = None
    tenant: str | None = None
    timeout: float | None = None
    sandbox_workflows: tuple[str, ...] = ()
    sandbox_examples: bool = False
    workflows: str | None = None
    allow_protected: bool = False
    max_body: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """The resolved target. ``base_url`` is None for the sandbox until it is started."""

    name: str
    base_url: str | None
    tenant: str | None
    auth: AuthScheme | None  # None: no auth header
    token: Secret | None = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT_S
    protected: bool = False
    #: The sandbox's definition folders (none: the examples), and whether the examples load too.
    sandbox_workflows: tuple[str, ...] = ()
    sandbox_examples: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    #: The target's workflow definitions, for transition coverage (``--juo-workflows``).
    workflows: str | None = None

    @property
    def is_sandbox(self) -> bool:
        return self.name == SANDBOX and self.base_url is None

    @property
    def has_sandbox_controls(self) -> bool:
        """The sandbox-only controls (clock, variant pins) exist: embedded or served."""
        return self.name == SANDBOX

    def describe(self) -> dict[str, str]:
        """What reports may show of the target (never the token)."""
        return {
            "target": self.name,
            "base_url": self.base_url or "(embedded sandbox)",
            "tenant": self.tenant or "(none)",
            "auth": self.auth or "(none)",
        }


def load_environments(pyproject: Path | None) -> dict[str, dict[str, Any]]:
    """The ``[tool.juo_flowtest.environments]`` tables of ``pyproject``, validated."""
    if pyproject is None or not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from None
    envs = data.get("tool", {}).get("juo_flowtest", {}).get("environments", {})
    if not isinstance(envs, dict):
        raise ConfigError(f"{pyproject}: [tool.juo_flowtest.environments] must be a table")
    for name, table in envs.items():
        _check_environment(pyproject, name, table)
    return envs


def _check_environment(pyproject: Path, name: str, table: Any) -> None:
    where = f"{pyproject}: [tool.juo_flowtest.environments.{name}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    for key in table:
        if key not in ENV_KEYS:
            hint = did_you_mean(key, ENV_KEYS) or f" (known: {', '.join(ENV_KEYS)})"
            raise ConfigError(f"{where}: unknown key '{key}'{hint}")
    if "token" in table:  # pragma: no cover - caught above; kept for the explicit message
        raise ConfigError(f"{where}: never write a token in a file; use token_env")
    if table.get("auth", "delegated") not in AUTH_SCHEMES:
        raise ConfigError(f"{where}: auth must be one of {', '.join(AUTH_SCHEMES)}")
    if "max_body" in table:
        parse_size(table["max_body"], f"{where}: max_body")


def parse_size(raw: Any, what: str) -> int:
    """Bytes for ``1048576``, ``512KB``, ``10MB``, ``1GB`` (powers of 1024); ``ConfigError``
    naming ``what`` otherwise."""
    m = _SIZE.fullmatch(str(raw)) if isinstance(raw, (int, str)) and not isinstance(raw, bool) \
        else None
    size = int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()]) if m else 0
    if size < 1024:
        raise ConfigError(f"{what}: {raw!r} is not a body size of at least 1KB; write e.g. "
                          "10MB, 512KB or a number of bytes")
    return size


def _max_body(overrides: Overrides, environ: Mapping[str, str],
              table: Mapping[str, Any]) -> int:
    if overrides.max_body:
        return parse_size(overrides.max_body, "--juo-max-body")
    if environ.get(MAX_BODY_ENV):
        return parse_size(environ[MAX_BODY_ENV], MAX_BODY_ENV)
    if "max_body" in table:
        return parse_size(table["max_body"], "max_body")
    return DEFAULT_MAX_BODY_BYTES


def resolve(
    overrides: Overrides, environ: Mapping[str, str], pyproject: Path | None
) -> Target:
    """Build the run's target; raise ``ConfigError`` with what to do when it cannot."""
    name = overrides.env_name or environ.get("JUO_ENV") or SANDBOX
    envs = load_environments(pyproject)
    if name == SANDBOX and name not in envs:
        return _sandbox_target(overrides, environ)
    if name not in envs:
        known = ", ".join([SANDBOX, *sorted(envs)])
        raise ConfigError(
            f"unknown environment '{name}' (known: {known}); declare it as "
            f"[tool.juo_flowtest.environments.{name}] in pyproject.toml"
        )
    table = envs[name]
    if table.get("protected", False) and not overrides.allow_protected:
        raise ConfigError(
            f"environment '{name}' is protected; pass --juo-allow-protected to run against it"
        )
    base_url = overrides.base_url or environ.get("JUO_BASE_URL") or table.get("base_url")
    if not base_url:
        raise ConfigError(f"environment '{name}' has no base_url; set it or pass --juo-base-url")
    auth, token = _token(name, table, environ)
    return Target(
        name=name,
        base_url=str(base_url).rstrip("/"),
        tenant=overrides.tenant or environ.get("JUO_TENANT") or table.get("tenant"),
        auth=auth,
        token=token,
        timeout=float(overrides.timeout or table.get("timeout", DEFAULT_TIMEOUT_S)),
        protected=bool(table.get("protected", False)),
        max_body_bytes=_max_body(overrides, environ, table),
        workflows=overrides.workflows,
    )


def _sandbox_target(overrides: Overrides, environ: Mapping[str, str]) -> Target:
    base_url = overrides.base_url or environ.get("JUO_BASE_URL")
    auth, token = _token(SANDBOX, {}, environ)
    if token is None:
        auth, token = "delegated", Secret(SANDBOX_TOKEN)
    return Target(
        name=SANDBOX,
        base_url=base_url.rstrip("/") if base_url else None,
        tenant=overrides.tenant or environ.get("JUO_TENANT") or SANDBOX_TENANT,
        auth=auth,
        token=token,
        timeout=float(overrides.timeout or DEFAULT_TIMEOUT_S),
        sandbox_workflows=overrides.sandbox_workflows,
        sandbox_examples=overrides.sandbox_examples,
        max_body_bytes=_max_body(overrides, environ, {}),
        workflows=overrides.workflows,
    )


def _token(
    name: str, table: Mapping[str, Any], environ: Mapping[str, str]
) -> tuple[AuthScheme | None, Secret | None]:
    if environ.get("JUO_DELEGATED_TOKEN"):
        return "delegated", Secret(environ["JUO_DELEGATED_TOKEN"])
    if environ.get("JUO_ACCESS_TOKEN"):
        return "bearer", Secret(environ["JUO_ACCESS_TOKEN"])
    token_env = table.get("token_env")
    if token_env is None:
        return None, None
    text = environ.get(str(token_env))
    if not text:
        raise ConfigError(
            f"environment '{name}' reads its token from ${token_env} (token_env), "
            f"which is not set; export it (in CI, from the secret store)"
        )
    return cast(AuthScheme, table.get("auth", "delegated")), Secret(text)
