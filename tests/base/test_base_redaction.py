"""Secrets: known values hidden cheaply, credential-looking text scrubbed defensively."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juo_flowtest.base import prettyjson
from juo_flowtest.base.redaction import (
    _CREDENTIAL,
    _FOLDS_TO_ASCII,
    _SECRET_QUERY,
    _SUSPECT_WORDS,
    REDACTED,
    SECRET_NAME,
    hide,
    hide_in,
    is_sensitive,
    known_secrets,
    may_need_scrub,
    redact_headers,
    scrub,
    scrub_json,
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


def test_scrub_hides_secrets_in_keys_and_in_values_that_are_not_json() -> None:
    data = {"tok-1": 1, "note": b"Bearer abc", "n": 3, "f": 1.5, "b": True, "none": None}
    assert scrub(data, ("tok-1",)) == {
        REDACTED: 1, "note": f"b'Bearer {REDACTED}'", "n": 3, "f": 1.5, "b": True,
        "none": None}


# ----- the fast path: write the JSON first, walk the data only when the text is suspect ----

TOKEN = "tok-SECRET-abc123"
RUN_STATE = {
    "workflowId": "cancellation", "workflowVersion": 1, "runVersion": 3,
    "runId": "225777d3-253f-4bc4-bc10-1136a309d52e", "status": "waiting_interaction",
    "pendingInteraction": {
        "interactionId": "ea5ff5dc-011e-47be-ae1b-f3a3a6dbbad9", "stepId": "reason_poll",
        "actionType": "poll", "presentedAt": "2026-11-28T11:41:25.084Z",
        "actionConfig": {"question": "Why do you want to cancel?", "options": [
            {"id": "too_expensive", "label": "It’s too expensive"}]},
        "availableResponses": [{"type": "too_expensive", "label": "It’s too expensive"}]},
    "result": {"variants": {}, "effects": [], "visitedSteps": ["value_reminder"],
               "dryRun": False},
}


def test_a_run_state_takes_the_fast_path_and_renders_as_json_dumps() -> None:
    text = prettyjson.dumps(RUN_STATE)
    assert not may_need_scrub(text, (TOKEN,))
    assert scrub_json(RUN_STATE, (TOKEN,)) == json.dumps(RUN_STATE, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("value", [
    {"headers": {"x-delegated-token": "<redacted>"}},  # a secret-named key
    {"note": "Authorization: Basic dXNlcjpwYXNz"},
    {"url": "/x?api_key=zzz"},
    {"id": "eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl"},
    {"echo": f"id {TOKEN}"},
    {"echo": 'quote"d tok\\en'},  # the secret below, as JSON escapes it
    {"\u212aey": "v"},  # KELVIN SIGN: IGNORECASE reads "key"
    {"n": "ſecret"},  # LATIN SMALL LETTER LONG S: IGNORECASE reads "secret"
])
def test_suspect_text_takes_the_full_walk(value: Any) -> None:
    secrets = (TOKEN, 'quote"d tok\\en')
    assert may_need_scrub(prettyjson.dumps(value), secrets)
    assert scrub_json(value, secrets) == prettyjson.dumps(scrub(value, secrets))


def test_the_fold_list_names_every_non_ascii_letter_ignorecase_reads_as_ascii() -> None:
    every = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(re.findall("(?i)[a-z]", every)) == set(_FOLDS_TO_ASCII)


def test_every_word_the_credential_patterns_name_is_a_suspect_word() -> None:
    """A word added to a pattern but not to _SUSPECT_WORDS would let its match skip the walk."""
    for pattern in (SECRET_NAME, _CREDENTIAL, _SECRET_QUERY):
        source = re.sub(r"\\.", " ", pattern.pattern)  # drop escapes: \b, \s, \w
        words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", source)}
        assert words <= set(_SUSPECT_WORDS), (pattern.pattern, words - set(_SUSPECT_WORDS))


FRAGMENTS = st.sampled_from([
    "token", "Bearer abc", "basic  x", "eyJa.b_c.d-e", "EYJ", "?api_key=1&x=2", "&auth=zz",
    "PassWord", "Cookie", "credential", "secret", "KEY", "\u212aey", "ſecret", "cookİe", "ı",
    '"', "\\", "\n", "\t", "\x00", "<redacted>", "\u2028", "é", "ok", "a b", "/path?q=1",
    TOKEN, 'quote"d tok\\en', "k",
])
SECRET_POOL = st.sampled_from([TOKEN, 'quote"d tok\\en', "é-tok", "\u212a", "ab", "<red"])
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=6)), max_size=4).map("".join)
KEYS = st.one_of(TEXTS, st.integers(-5, 5), st.booleans(), st.none(), st.floats(-2, 2))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXTS,
                    st.binary(max_size=4))


def _distinct_as_text(data: dict[Any, Any]) -> bool:
    # {1: .., "1": ..}: JSON writes both, scrub's dict keeps one; no data from JSON has it.
    return len({str(k) for k in data}) == len(data)


VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4).filter(_distinct_as_text),
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_any_text_a_pattern_matches_is_suspect(text: str) -> None:
    if SECRET_NAME.search(text) or _CREDENTIAL.search(text) or _SECRET_QUERY.search(text):
        assert may_need_scrub(prettyjson.dumps({text: text}), ())


@settings(max_examples=400, deadline=None)
@given(value=VALUES, secrets=st.lists(st.one_of(SECRET_POOL, st.text(max_size=3)), max_size=3),
       level=st.integers(0, 3))
def test_the_fast_path_gives_what_the_full_walk_gives(
    value: Any, secrets: list[str], level: int
) -> None:
    assert scrub_json(value, secrets, level) == prettyjson.dumps(scrub(value, secrets), level)


@settings(max_examples=200, deadline=None)
@given(value=VALUES, secret=SECRET_POOL.filter(lambda s: s not in REDACTED))
def test_no_known_secret_or_credential_survives_scrub_json(value: Any, secret: str) -> None:
    text = scrub_json(value, [secret])
    strings = _strings(json.loads(text))
    assert not any(secret in s for s in strings)
    assert not any(re.search(r"(?i)\bbearer\s+(?!<redacted>)[^\s\"',;]", s) for s in strings)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for v in value.values() for s in _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
