"""Secrets: known values hidden cheaply, credential-looking text scrubbed defensively."""

from __future__ import annotations

import pytest

from juo_flowtest.redaction import (
    REDACTED,
    hide,
    hide_in,
    is_sensitive,
    known_secrets,
    redact_headers,
    scrub,
)


@pytest.mark.parametrize("name", ["Authorization", "X-Delegated-Token", "Cookie", "Set-Cookie",
                                  "X-Api-Key", "x-client-secret", "Proxy-Authenticate"])
def test_sensitive_names(name: str) -> None:
    assert is_sensitive(name)


@pytest.mark.parametrize("name", ["X-Tenant-ID", "Content-Type", "Connection", "X-Request-Id"])
def test_ordinary_names(name: str) -> None:
    assert not is_sensitive(name)


def test_hide_replaces_every_known_value_in_strings_and_keys() -> None:
    data = {"note": "tok-1 and tok-1", "tok-1": ["x tok-1", 3, None]}
    assert hide_in(data, ("tok-1",)) == {
        "note": f"{REDACTED} and {REDACTED}", REDACTED: [f"x {REDACTED}", 3, None]}
    assert hide("nothing here", ("tok-1", "")) == "nothing here"


def test_headers_keep_names_and_lose_sensitive_values() -> None:
    assert redact_headers({"authorization": "Bearer x", "x-tenant-id": "shop"}) == {
        "authorization": REDACTED, "x-tenant-id": "shop"}


def test_known_secrets_include_the_token_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUO_DELEGATED_TOKEN", "from-env")
    monkeypatch.delenv("JUO_ACCESS_TOKEN", raising=False)
    assert known_secrets(["a", "", "a"]) == ("a", "from-env")


def test_scrub_hides_credentials_it_was_not_told_about() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    text = f"Authorization: Bearer abc.def, id {jwt}, url /x?access_token=zzz&b=1"
    assert scrub({"msg": text, "apiKey": "k", "n": None}) == {
        "msg": f"Authorization: Bearer {REDACTED}, id {REDACTED}, "
               f"url /x?access_token={REDACTED}&b=1",
        "apiKey": REDACTED, "n": None}
