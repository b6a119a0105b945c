"""Where the target's Admin API is and which key opens it, resolved like the rest of a target.

The URL: ``--juo-admin-url``, else ``JUO_ADMIN_URL``, else the environment's ``admin_url``,
else the customer API's origin with ``/admin/v1`` (``https://api.juo.io/customer/v1`` ->
``https://api.juo.io/admin/v1``; for the embedded sandbox, its own origin once started).

The key is a secret: read from the process environment only (``JUO_ADMIN_API_KEY``, else the
variable the environment names in ``admin_token_env``), never from a file, never printed
(``AdminAccess``'s repr leaves it out). A target named ``sandbox`` falls back to the sandbox's
documented default key ``sandbox-admin-key``. A missing key is an error only for a command that
needs the Admin API (``require_key``): a plain run never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.target.settings import SANDBOX, Target, load_environments

ADMIN_PATH = "/admin/v1"
ADMIN_KEY_VARIABLE = "JUO_ADMIN_API_KEY"
SANDBOX_ADMIN_KEY = "sandbox-admin-key"  # the sandbox's documented default, not a secret


@dataclass(frozen=True, slots=True)
class AdminAccess:
    """The Admin API of one target. ``url`` is None for the embedded sandbox until it runs."""

    url: str | None
    tenant: str | None
    key: str | None = field(repr=False)
    key_hint: str = f"set {ADMIN_KEY_VARIABLE}"
    timeout: float = 10.0
    protected: bool = False
    target_name: str = SANDBOX

    @property
    def is_sandbox(self) -> bool:
        return self.target_name == SANDBOX

    def require_key(self) -> str:
        """The key, or a ``ConfigError`` saying where it is looked for."""
        if not self.key:
            raise ConfigError(f"no Admin API key for target '{self.target_name}': "
                              f"{self.key_hint} (the key is read from the environment only)")
        return self.key

    def with_url(self, url: str) -> AdminAccess:
        """The same access at ``url`` (the embedded sandbox's, once started)."""
        return AdminAccess(url.rstrip("/"), self.tenant, self.key, self.key_hint, self.timeout,
                           self.protected, self.target_name)


def admin_url_for(base_url: str) -> str:
    """The Admin API beside a customer API: same origin, ``/admin/v1``."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{ADMIN_PATH}"


def resolve_admin(target: Target, admin_url: str | None, environ: Mapping[str, str],
                  pyproject: Path | None) -> AdminAccess:
    """The Admin API of ``target`` (CLI > env > pyproject > derived; see the module doc)."""
    table = load_environments(pyproject).get(target.name, {})
    url = admin_url or environ.get("JUO_ADMIN_URL") or table.get("admin_url")
    if not url and target.base_url:
        url = admin_url_for(target.base_url)
    key_env = table.get("admin_token_env")
    key = environ.get(ADMIN_KEY_VARIABLE) or (environ.get(str(key_env)) if key_env else None)
    if key_env and not key:
        hint = (f"set {ADMIN_KEY_VARIABLE}, or ${key_env} (admin_token_env of environment "
                f"'{target.name}'; in CI, from the secret store)")
    else:
        hint = (f"set {ADMIN_KEY_VARIABLE}, or name the variable holding it in admin_token_env "
                f"of [tool.juo_flowtest.environments.{target.name}]")
    if not key and target.name == SANDBOX:
        key = SANDBOX_ADMIN_KEY
    return AdminAccess(str(url).rstrip("/") if url else None, target.tenant, key or None, hint,
                       target.timeout, target.protected, target.name)
