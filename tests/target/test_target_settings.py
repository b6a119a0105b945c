"""Target resolution: one precedence rule, clear errors, tokens never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.base.secrets import Secret
from juo_flowtest.target import settings

PYPROJECT = """
[tool.juo_flowtest.environments.staging]
base_url = "https://staging.example/customer/v1/"
tenant = "shop.myshopify.com"
token_env = "JUO_STAGING_TOKEN"
auth = "bearer"
timeout = 5

[tool.juo_flowtest.environments.production]
base_url = "https://api.example/customer/v1"
tenant = "shop.myshopify.com"
token_env = "JUO_PROD_TOKEN"
protected = true
"""


@pytest.fixture
def pyproject(tmp_path: Path) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT)
    return path


def test_sandbox_is_the_default_with_its_documented_tenant_and_token(pyproject: Path) -> None:
    target = settings.resolve(settings.Overrides(), {}, pyproject)
    assert target.is_sandbox
    assert (target.tenant, target.auth, target.token) == (
        "sandbox.myshopify.com", "delegated", Secret("sandbox-token"))


def test_named_environment_reads_pyproject_and_token_env(pyproject: Path) -> None:
    env = {"JUO_STAGING_TOKEN": "tok-staging-123"}
    target = settings.resolve(settings.Overrides(env_name="staging"), env, pyproject)
    assert target.base_url == "https://staging.example/customer/v1"
    assert (target.tenant, target.auth, target.token, target.timeout) == (
        "shop.myshopify.com", "bearer", Secret("tok-staging-123"), 5.0)
    assert "tok-staging-123" not in repr(target)
    assert "tok-staging-123" not in str(target.describe())


def test_command_line_beats_environment_variable_beats_pyproject(pyproject: Path) -> None:
    env = {"JUO_ENV": "staging", "JUO_STAGING_TOKEN": "t", "JUO_TENANT": "env.myshopify.com"}
    target = settings.resolve(settings.Overrides(), env, pyproject)
    assert (target.name, target.tenant) == ("staging", "env.myshopify.com")
    target = settings.resolve(settings.Overrides(tenant="cli.myshopify.com",
                                                 base_url="http://127.0.0.1:1/v1"), env, pyproject)
    assert (target.tenant, target.base_url) == ("cli.myshopify.com", "http://127.0.0.1:1/v1")


def test_override_tokens_choose_the_auth_scheme(pyproject: Path) -> None:
    env = {"JUO_ACCESS_TOKEN": "access-1"}
    target = settings.resolve(settings.Overrides(), env, pyproject)
    assert (target.auth, target.token) == ("bearer", Secret("access-1"))


def test_unknown_environment_names_the_known_ones(pyproject: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown environment 'stagin' \(known: sandbox, "
                                          r"production, staging\)"):
        settings.resolve(settings.Overrides(env_name="stagin"), {}, pyproject)


def test_missing_token_says_which_variable_to_set(pyproject: Path) -> None:
    with pytest.raises(ConfigError, match=r"\$JUO_STAGING_TOKEN"):
        settings.resolve(settings.Overrides(env_name="staging"), {}, pyproject)


def test_protected_environment_refuses_unless_allowed(pyproject: Path) -> None:
    env = {"JUO_PROD_TOKEN": "p"}
    with pytest.raises(ConfigError, match="--juo-allow-protected"):
        settings.resolve(settings.Overrides(env_name="production"), env, pyproject)
    target = settings.resolve(
        settings.Overrides(env_name="production", allow_protected=True), env, pyproject)
    assert target.protected


def test_unknown_key_in_an_environment_table_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.juo_flowtest.environments.qa]\nbase_ur = "http://x"\n')
    with pytest.raises(ConfigError, match="unknown key 'base_ur' — did you mean 'base_url'"):
        settings.resolve(settings.Overrides(env_name="qa"), {}, path)


def test_the_body_limit_follows_the_one_precedence_rule(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT.replace('token_env = "JUO_STAGING_TOKEN"',
                                      'token_env = "JUO_STAGING_TOKEN"\nmax_body = "2MB"'))
    env = {"JUO_STAGING_TOKEN": "t"}
    staging = settings.Overrides(env_name="staging")
    assert settings.resolve(settings.Overrides(), {}, path).max_body_bytes == 10 * 1024 * 1024
    assert settings.resolve(staging, env, path).max_body_bytes == 2 * 1024 * 1024
    env_limit = {**env, "JUO_MAX_BODY": "512KB"}
    assert settings.resolve(staging, env_limit, path).max_body_bytes == 512 * 1024
    cli = settings.Overrides(env_name="staging", max_body="65536")
    assert settings.resolve(cli, env_limit, path).max_body_bytes == 65536


@pytest.mark.parametrize("raw", ["lots", "0", "10XB", "-1MB", "12"])
def test_a_bad_body_limit_names_where_it_came_from(pyproject: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match=r"JUO_MAX_BODY: .* is not a body size"):
        settings.resolve(settings.Overrides(), {"JUO_MAX_BODY": raw}, pyproject)
