"""Who is calling: tokens map to one customer of one tenant (Part B 11); Admin API keys
belong to one tenant (Part C).

Config file (YAML or JSON)::

    tenants:
      shop-a.myshopify.com:
        tokens: {token-a1: customer-1, token-a2: customer-2}
        admin_keys: [admin-key-a]
      shop-b.myshopify.com:
        tokens: {token-b1: customer-1}

A tenant needs ``tokens`` (the customer API), ``admin_keys`` (the Admin API) or both.

The file is read by ``juo_flowtest.source.yamlsource`` (strict YAML 1.2, duplicate keys rejected), like
flow and workflow files. Every problem found is reported at once in one ``ConfigError`` of
``path:line:col`` diagnostics with a hint (``juo-flowtest sandbox`` exits 4 on it).

Tokens and admin keys are secrets: they are never put in a response, a log line or an error message. So a
config diagnostic names a place, never what is written there: it shows no source line (any line
of this file may hold a token) and quotes no key or value from the file (texts quoted by
yamlsource, such as a duplicate key, are replaced by ``<redacted>``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic, closest
from juo_flowtest.base.errors import ConfigError
from juo_flowtest.base.position import Position
from juo_flowtest.base.redaction import REDACTED
from juo_flowtest.sandbox import assumptions
from juo_flowtest.source import yamlsource

_EXAMPLE = "tenants: {shop.myshopify.com: {tokens: {TOKEN: customer-id}}}"


def _default_tenants() -> dict[str, dict[str, str]]:
    return {assumptions.DEFAULT_TENANT: dict(assumptions.DEFAULT_TOKENS)}


def _default_admin_keys() -> dict[str, tuple[str, ...]]:
    return {assumptions.DEFAULT_TENANT: tuple(assumptions.DEFAULT_ADMIN_KEYS)}


@dataclass(frozen=True)
class SandboxConfig:
    """Tenants, their tokens ``{tenant: {token: customer}}`` and their Admin API keys
    ``{tenant: (key, ...)}``; default = Part B 11 and ``sandbox-admin-key``."""

    tenants: Mapping[str, Mapping[str, str]] = field(default_factory=_default_tenants)
    admin_keys: Mapping[str, tuple[str, ...]] = field(default_factory=_default_admin_keys)

    def customer(self, tenant: str, token: str) -> str | None:
        """The customer a token stands for in ``tenant``, or ``None``."""
        tokens = self.tenants.get(tenant)
        return tokens.get(token) if tokens is not None else None

    def admin(self, tenant: str, key: str) -> bool:
        """Whether ``key`` is one of ``tenant``'s Admin API keys."""
        return key in self.admin_keys.get(tenant, ())

    @classmethod
    def from_data(cls, data: Any, source: str = "<config>") -> SandboxConfig:
        """Build from parsed YAML/JSON; a bad shape is a ``ConfigError`` saying where.

        Positions come from ``yamlsource`` data; plain data points at the top of ``source``.
        """
        checker = _Checker(source)
        tenants = checker.config(data)
        checker.raise_problems()
        return cls(tenants, checker.admin_keys)

    @classmethod
    def from_file(cls, path: str | Path) -> SandboxConfig:
        """Read a YAML or JSON config file: ``SandboxConfig.from_file("sandbox.yaml")``."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the sandbox config ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            top = Position(str(path), 1, 1)
            message = f"not UTF-8 text: {exc.reason}"
            raise ConfigError(Diagnostic(top, message, "", "save the file as UTF-8").render()) from None
        checker = _Checker(str(path))
        data = checker.parse(text)
        if checker.problems and data is None:
            checker.raise_problems()  # nothing was read: "empty" would only add noise
        tenants = checker.config(data)
        checker.raise_problems()
        return cls(tenants, checker.admin_keys)


class _Checker:
    """Checks the config's shape, collecting a diagnostic (with a position) per problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self.admin_keys: dict[str, tuple[str, ...]] = {}

    def problem(self, at: Position | None, message: str, hint: str | None = None) -> None:
        # No source line: it could hold a token (see the module docstring).
        self.problems.append(Diagnostic(at or Position(self.source, 1, 1), message, "", hint))

    def raise_problems(self) -> None:
        if self.problems:
            ordered = sorted(self.problems, key=lambda d: (d.position.line, d.position.column))
            raise ConfigError("\n".join(d.render() for d in ordered))

    def parse(self, text: str) -> Any:
        """The one document of ``text`` (``None`` when empty), recording YAML problems."""
        try:
            parsed = yamlsource.parse(text, self.source)
        except RecursionError:  # absurd nesting: say so instead of a traceback
            self.problem(None, "the sandbox config is nested too deeply", f"e.g. `{_EXAMPLE}`")
            return None
        for found in parsed.problems:
            self.problem(found.position, _unquoted(found.message), found.hint)
        if len(parsed.documents) > 1:
            self.problem(parsed.documents[1][1], "a second YAML document in the sandbox config",
                         "write all tenants in one document")
        return parsed.documents[0][0] if parsed.documents else None

    def config(self, data: Any) -> dict[str, dict[str, str]]:
        if not isinstance(data, dict):
            message = ("the sandbox config is empty" if data is None else
                       f"the sandbox config must be a mapping, not {_kind(data)}")
            self.problem(yamlsource.position(data), message, f"e.g. `{_EXAMPLE}`")
            return {}
        self.unknown_keys(data, ("tenants",), "the sandbox config")
        if "tenants" not in data:
            self.problem(yamlsource.position(data), "the sandbox config has no 'tenants'",
                         f"e.g. `{_EXAMPLE}`")
            return {}
        tenants = data["tenants"]
        if not isinstance(tenants, dict):
            self.problem(yamlsource.child_position(data, "tenants"),
                         f"'tenants' must map shop domains to tenants, not {_kind(tenants)}",
                         f"e.g. `{_EXAMPLE}`")
            return {}
        return {str(name): self.tenant(tenants, name) for name in tenants}

    def tenant(self, tenants: dict[Any, Any], name: Any) -> dict[str, str]:
        body = tenants[name]
        if not isinstance(name, str) or not name.strip():
            self.problem(yamlsource.key_position(tenants, name) if isinstance(name, str) else None,
                         "a tenant's name must be a non-empty string (its shop domain)")
        if not isinstance(body, dict):
            self.problem(yamlsource.child_position(tenants, name),
                         f"a tenant must be a mapping with 'tokens', not {_kind(body)}",
                         "e.g. `shop.myshopify.com: {tokens: {TOKEN: customer-id}}`")
            return {}
        self.unknown_keys(body, ("tokens", "admin_keys"), "a tenant")
        if "admin_keys" in body:
            self.admin_keys[str(name)] = self.keys(body)
            if "tokens" not in body:
                return {}
        tokens = body.get("tokens")
        if not isinstance(tokens, dict):
            at = yamlsource.child_position(body, "tokens") or yamlsource.position(body)
            got = "no 'tokens'" if "tokens" not in body else f"'tokens' is {_kind(tokens)}"
            self.problem(at, f"a tenant's 'tokens' must map each token to a customer id ({got})",
                         "e.g. `tokens: {TOKEN: customer-id}`")
            return {}
        return {token: customer for token, customer in tokens.items()
                if self.token_entry(tokens, token, customer)}

    def keys(self, body: dict[Any, Any]) -> tuple[str, ...]:
        """A tenant's ``admin_keys``: a list of non-empty strings (never quoted back)."""
        keys = body["admin_keys"]
        at = yamlsource.child_position(body, "admin_keys") or yamlsource.position(body)
        if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
            self.problem(at, "a tenant's 'admin_keys' must be a list of non-empty strings",
                         "e.g. `admin_keys: [ADMIN-KEY]`")
            return ()
        return tuple(keys)

    def token_entry(self, tokens: dict[Any, Any], token: Any, customer: Any) -> bool:
        """True when the entry is usable; its problems name its position, never the token."""
        if not isinstance(token, str) or not token.strip():
            self.problem(yamlsource.position(tokens), "a token must be a non-empty string")
            return False
        if not isinstance(customer, str) or not customer.strip():
            self.problem(yamlsource.child_position(tokens, token),
                         f"a customer id must be a non-empty string, not {_kind(customer)}",
                         "write the customer id after the token, quoted if it looks like a number")
            return False
        return True

    def unknown_keys(self, node: dict[Any, Any], known: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in known:
                close = closest(str(key), known)
                hint = f"did you mean '{close}'?" if close else (
                    f"{where} has only " + ", ".join(f"'{k}'" for k in known))
                at = yamlsource.key_position(node, key) if isinstance(key, str) else None
                self.problem(at, f"unknown key in {where}", hint)


_QUOTED = re.compile(r"'[^'\n]*'")


def _unquoted(message: str) -> str:
    """yamlsource's message without the file's text it quotes (a duplicate key may be a token).

    Syntax errors quote only YAML's own punctuation (``expected ',' or ']'``): kept.
    """
    return message if message.startswith("YAML syntax error:") else _QUOTED.sub(REDACTED, message)


def _kind(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    names = ((dict, "a mapping"), (list, "a list"), (str, "a string"), ((int, float), "a number"))
    return next((name for kinds, name in names if isinstance(value, kinds)), "a value")
