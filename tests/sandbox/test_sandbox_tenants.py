"""The sandbox's tenants/tokens config file: strict YAML, exact diagnostics, no token ever echoed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpx
import pytest

from juo_flowtest.base.errors import ConfigError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.sandbox import ManualClock, Sandbox, SandboxConfig
from juo_flowtest.sandbox.command import main

CANCELLATION = "subscription_cancellation_requested"

GOOD = """\
# two shops; customer ids that YAML 1.1 would turn into numbers or booleans stay strings
tenants:
  shop-a.myshopify.com:
    tokens: {sekrit-a1: customer-1, sekrit-a2: "1001", sekrit-a3: no, sekrit-a4: 0123}
  shop-b.myshopify.com:
    tokens:
      sekrit-b1: customer-1
"""
SECRETS = ("sekrit-a1", "sekrit-a2", "sekrit-b1", "sekrit-b2")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        SandboxConfig.from_file(path)
    message = str(caught.value)
    assert not any(secret in message for secret in SECRETS), message
    return message


def test_a_config_file_maps_tokens_to_customers_per_tenant(tmp_path: Path) -> None:
    config = SandboxConfig.from_file(write(tmp_path, "sandbox.yaml", GOOD))
    assert config.tenants == {
        "shop-a.myshopify.com": {"sekrit-a1": "customer-1", "sekrit-a2": "1001",
                                 "sekrit-a3": "no", "sekrit-a4": "0123"},
        "shop-b.myshopify.com": {"sekrit-b1": "customer-1"},
    }
    assert config.customer("shop-b.myshopify.com", "sekrit-b1") == "customer-1"
    assert config.customer("shop-b.myshopify.com", "sekrit-a1") is None


def test_a_json_config_is_read_too_and_errors_point_into_it(tmp_path: Path) -> None:
    text = '{"tenants": {"shop.myshopify.com": {"tokens": {"sekrit-a1": "customer-1"}}}}\n'
    config = SandboxConfig.from_file(write(tmp_path, "sandbox.json", text))
    assert config.customer("shop.myshopify.com", "sekrit-a1") == "customer-1"
    path = write(tmp_path, "bad.json", text.replace('"customer-1"', "12"))
    assert error_of(path) == (
        f"{path}:1:61: error: a customer id must be a non-empty string, not a number\n"
        "  hint: write the customer id after the token, quoted if it looks like a number"
    )


def test_every_problem_is_reported_at_once_by_position_without_tokens(tmp_path: Path) -> None:
    path = write(tmp_path, "sandbox.yaml", """\
        tenants:
          shop-a.myshopify.com:
            tokens: {sekrit-a1: customer-1, sekrit-a1: customer-2, sekrit-a2: 7}
          shop-b.myshopify.com:
            tokns: {sekrit-b1: customer-1}
          shop-c.myshopify.com: [sekrit-b2]
        tenant: x
        """)
    assert error_of(path) == (
        f"{path}:3:37: error: duplicate key <redacted> (first written at line 3)\n"
        "  hint: a key may appear once in a mapping; remove or rename one of them\n"
        f"{path}:3:71: error: a customer id must be a non-empty string, not a number\n"
        "  hint: write the customer id after the token, quoted if it looks like a number\n"
        f"{path}:5:5: error: unknown key in a tenant\n"
        "  hint: did you mean 'tokens'?\n"
        f"{path}:5:5: error: a tenant's 'tokens' must map each token to a customer id"
        " (no 'tokens')\n"
        "  hint: e.g. `tokens: {TOKEN: customer-id}`\n"
        f"{path}:6:25: error: a tenant must be a mapping with 'tokens', not a list\n"
        "  hint: e.g. `shop.myshopify.com: {tokens: {TOKEN: customer-id}}`\n"
        f"{path}:7:1: error: unknown key in the sandbox config\n"
        "  hint: did you mean 'tenants'?"
    )


def test_a_yaml_syntax_error_shows_no_source_line(tmp_path: Path) -> None:
    path = write(tmp_path, "sandbox.yaml", "tenants:\n  shop: {tokens: {sekrit-a1: c1}\n")
    assert error_of(path) == (
        f"{path}:3:1: error: YAML syntax error: did not find expected ',' or '}}'"
        " (while parsing a flow mapping)\n"
        "  hint: check the indentation and quoting around this place"
    )


SHAPE = "e.g. `tenants: {shop.myshopify.com: {tokens: {TOKEN: customer-id}}}`"
CUSTOMER = "write the customer id after the token, quoted if it looks like a number"


@pytest.mark.parametrize(
    ("text", "at", "message", "hint"),
    [
        ("", "1:1", "the sandbox config is empty", SHAPE),
        ("- sekrit-a1\n", "1:1", "the sandbox config must be a mapping, not a list", SHAPE),
        ("tenants: [sekrit-a1]\n", "1:10",
         "'tenants' must map shop domains to tenants, not a list", SHAPE),
        ("tenants:\n  s: {tokens: [sekrit-a1]}\n", "2:15",
         "a tenant's 'tokens' must map each token to a customer id ('tokens' is a list)",
         "e.g. `tokens: {TOKEN: customer-id}`"),
        ("tenants:\n  s:\n    tokens: {sekrit-a1: ''}\n", "3:25",
         "a customer id must be a non-empty string, not empty", CUSTOMER),
        ("tenants:\n  s: {tokens: {sekrit-a1: !!binary eA==}}\n", "2:27",
         "unsupported YAML tag <redacted>",
         ("these files use plain YAML: no '!tags' beyond !!str, !!int, !!float, !!bool, !!null, "
          "!!map and !!seq")),
        ("tenants: {s: {tokens: {sekrit-a1: c}}}\n---\ntenants: {}\n", "3:1",
         "a second YAML document in the sandbox config", "write all tenants in one document"),
    ],
)
def test_a_bad_config_says_where_and_what(
    tmp_path: Path, text: str, at: str, message: str, hint: str
) -> None:
    path = write(tmp_path, "sandbox.yaml", text)
    assert error_of(path) == f"{path}:{at}: error: {message}\n  hint: {hint}"


def test_a_config_without_the_tenants_level_names_no_key_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "sandbox.yaml", "sekrit-a1: {tokens: {sekrit-a2: c}}\n")
    assert error_of(path) == (
        f"{path}:1:1: error: unknown key in the sandbox config\n"
        "  hint: the sandbox config has only 'tenants'\n"
        f"{path}:1:1: error: the sandbox config has no 'tenants'\n"
        f"  hint: {SHAPE}"
    )


def test_plain_data_is_checked_the_same_way_pointing_at_the_top() -> None:
    with pytest.raises(ConfigError) as caught:
        SandboxConfig.from_data({"tenants": {"s": {"tokens": {"sekrit-a1": 1}}}}, "cfg")
    assert str(caught.value) == (
        "cfg:1:1: error: a customer id must be a non-empty string, not a number\n"
        "  hint: write the customer id after the token, quoted if it looks like a number"
    )
    config = SandboxConfig.from_data({"tenants": {"s": {"tokens": {"sekrit-a1": "c-1"}}}})
    assert config.customer("s", "sekrit-a1") == "c-1"


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.yaml") == (
        f"{tmp_path / 'nope.yaml'}: cannot read the sandbox config (No such file or directory)"
    )
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"tenants: {s: {tokens: {sekrit-a1: caf\xe9}}}\n")
    assert error_of(latin) == (
        f"{latin}:1:1: error: not UTF-8 text: invalid continuation byte\n"
        "  hint: save the file as UTF-8"
    )


def test_the_sandbox_command_exits_4_on_a_bad_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "sandbox.yaml", "tenants:\n  s: {tokens: {sekrit-a1: 5}}\n")
    assert main(["--config", str(path), "--port", "0"]) == int(ExitCode.USAGE) == 4
    err = capsys.readouterr().err
    assert f"{path}:2:27: error: a customer id must be a non-empty string" in err
    assert "sekrit" not in err


def test_a_config_file_drives_the_served_sandbox(tmp_path: Path) -> None:
    config = SandboxConfig.from_file(write(tmp_path, "sandbox.yaml", GOOD))
    body = {"flowType": CANCELLATION, "context": {}}
    with Sandbox(config=config, clock=ManualClock()) as sb, httpx.Client(
            base_url=sb.base_url) as client:
        shop_b = {"X-Tenant-ID": "shop-b.myshopify.com"}
        ok = client.post("/workflows/start", json=body,
                         headers={**shop_b, "X-Delegated-Token": "sekrit-b1"})
        assert ok.status_code == 200, ok.text
        wrong_shop = client.post("/workflows/start", json=body,
                                 headers={**shop_b, "X-Delegated-Token": "sekrit-a1"})
        assert wrong_shop.status_code == 401


def test_admin_keys_belong_to_their_tenant(tmp_path: Path) -> None:
    path = write(tmp_path, "sandbox.yaml", """\
        tenants:
          shop-a.myshopify.com:
            tokens: {sekrit-a1: customer-1}
            admin_keys: [sekrit-admin-a]
          shop-b.myshopify.com:
            admin_keys: [sekrit-admin-b, sekrit-admin-b2]
        """)
    config = SandboxConfig.from_file(path)
    assert config.admin("shop-a.myshopify.com", "sekrit-admin-a")
    assert not config.admin("shop-b.myshopify.com", "sekrit-admin-a")
    assert config.admin("shop-b.myshopify.com", "sekrit-admin-b2")
    assert config.customer("shop-b.myshopify.com", "sekrit-admin-b") is None
    assert SandboxConfig().admin("sandbox.myshopify.com", "sandbox-admin-key")


def test_bad_admin_keys_are_reported_without_quoting_them(tmp_path: Path) -> None:
    path = write(tmp_path, "sandbox.yaml", """\
        tenants:
          shop-a.myshopify.com:
            admin_keys: {sekrit-a1: x}
        """)
    message = error_of(path)
    assert ":3:" in message and "'admin_keys' must be a list of non-empty strings" in message
