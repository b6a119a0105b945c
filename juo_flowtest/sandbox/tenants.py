"""Who is calling: tokens map to one customer of one tenant (Part B 11).

Config file (YAML or JSON)::

    tenants:
      shop-a.myshopify.com:
        tokens: {token-a1: customer-1, token-a2: customer-2}
      shop-b.myshopify.com:
        tokens: {token-b1: customer-1}

Tokens are secrets: they are never put in a response, a log line or an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from juo_flowtest.errors import ConfigError
from juo_flowtest.sandbox import assumptions


def _default_tenants() -> dict[str, dict[str, str]]:
    return {assumptions.DEFAULT_TENANT: dict(assumptions.DEFAULT_TOKENS)}


@dataclass(frozen=True)
class SandboxConfig:
    """Tenants and their tokens: ``{tenant: {token: customer}}``; default = Part B 11."""

    tenants: Mapping[str, Mapping[str, str]] = field(default_factory=_default_tenants)

    def customer(self, tenant: str, token: str) -> str | None:
        """The customer a token stands for in ``tenant``, or ``None``."""
        tokens = self.tenants.get(tenant)
        return tokens.get(token) if tokens is not None else None

    @classmethod
    def from_data(cls, data: Any, source: str = "<config>") -> SandboxConfig:
        """Build from parsed YAML/JSON; a bad shape is a ``ConfigError`` naming the key."""
        if not isinstance(data, dict) or not isinstance(data.get("tenants"), dict):
            raise ConfigError(f"{source}: expected a mapping with a 'tenants' mapping "
                              "(tenants: {shop.myshopify.com: {tokens: {TOKEN: customer-id}}})")
        tenants: dict[str, dict[str, str]] = {}
        for tenant, body in data["tenants"].items():
            tokens = body.get("tokens") if isinstance(body, dict) else None
            if not isinstance(tokens, dict) or not all(
                isinstance(c, str) and isinstance(t, str) for t, c in tokens.items()
            ):
                raise ConfigError(f"{source}: tenants.{tenant}.tokens must map token strings "
                                  "to customer id strings")
            tenants[str(tenant)] = dict(tokens)
        return cls(tenants)

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxConfig:
        """Read a YAML or JSON config file."""
        try:
            data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the sandbox config ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML/JSON: {exc}") from None
        return cls.from_data(data, str(path))
