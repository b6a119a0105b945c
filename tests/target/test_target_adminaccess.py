"""Where the Admin API is and which key opens it: precedence, defaults, and no key printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.target import settings
from juo_flowtest.target.adminaccess import admin_url_for, resolve_admin

PYPROJECT = """\
[tool.juo_flowtest.environments.staging]
base_url = "https://api.juo.io/customer/v1"
tenant = "shop.myshopify.com"
token_env = "STAGING_TOKEN"
admin_token_env = "STAGING_ADMIN_KEY"

[tool.juo_flowtest.environments.custom]
base_url = "https://api.juo.io/customer/v1"
admin_url = "https://admin.example/admin/v1/"
"""


def resolved(tmp_path: Path, env_name: str, environ: dict[str, str],
             admin_url: str | None = None, base_url: str | None = None):  # type: ignore[no-untyped-def]
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT)
    environ = {"STAGING_TOKEN": "tok", **environ}
    target = settings.resolve(settings.Overrides(env_name=env_name, base_url=base_url),
                              environ, pyproject)
    return resolve_admin(target, admin_url, environ, pyproject)


def test_the_admin_url_is_the_customer_origin_with_admin_v1(tmp_path: Path) -> None:
    assert admin_url_for("https://api.juo.io/customer/v1") == "https://api.juo.io/admin/v1"
    access = resolved(tmp_path, "staging", {"STAGING_ADMIN_KEY": "adm-1"})
    assert (access.url, access.tenant, access.require_key()) == (
        "https://api.juo.io/admin/v1", "shop.myshopify.com", "adm-1")


def test_precedence_cli_then_env_then_table(tmp_path: Path) -> None:
    assert resolved(tmp_path, "custom", {}).url == "https://admin.example/admin/v1"
    assert resolved(tmp_path, "custom", {"JUO_ADMIN_URL": "https://env/admin/v1"}).url == (
        "https://env/admin/v1")
    assert resolved(tmp_path, "custom", {"JUO_ADMIN_URL": "https://env/admin/v1"},
                    admin_url="https://cli/admin/v1").url == "https://cli/admin/v1"
    key = resolved(tmp_path, "staging", {"STAGING_ADMIN_KEY": "a", "JUO_ADMIN_API_KEY": "b"})
    assert key.key == "b"


def test_a_missing_key_is_an_error_only_when_needed_and_names_where(tmp_path: Path) -> None:
    access = resolved(tmp_path, "staging", {})
    assert access.key is None
    with pytest.raises(ConfigError, match=r"\$STAGING_ADMIN_KEY \(admin_token_env"):
        access.require_key()
    with pytest.raises(ConfigError, match="admin_token_env of"):
        resolved(tmp_path, "custom", {}).require_key()


def test_a_sandbox_target_has_the_sandboxs_default_key(tmp_path: Path) -> None:
    embedded = resolved(tmp_path, "sandbox", {})
    assert (embedded.url, embedded.key) == (None, "sandbox-admin-key")
    served = resolved(tmp_path, "sandbox", {}, base_url="http://127.0.0.1:9/customer/v1")
    assert served.url == "http://127.0.0.1:9/admin/v1"
    assert served.with_url("http://h/admin/v1/").url == "http://h/admin/v1"
    assert "sandbox-admin-key" not in repr(served)
