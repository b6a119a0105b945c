"""Secret values: never shown by repr/str/format/pickle; the known set hides every form."""

from __future__ import annotations

import copy
import json
import pickle
import traceback

import pytest

from juo_flowtest.base.secrets import REDACTED, Secret, SecretSet, SecretValues, secret_values

TOKEN = "tok-é/9+x"


def test_a_secret_shows_only_when_revealed() -> None:
    secret = Secret(TOKEN)
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>30}",
                  f"{secret} {secret!r}", repr([secret]), repr({"t": secret})):
        assert TOKEN not in shown and REDACTED in shown
    assert secret.reveal() == TOKEN and Secret(secret) == secret and bool(secret)
    assert copy.deepcopy(secret) is secret
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(secret)


def test_a_traceback_with_locals_does_not_show_it() -> None:
    def fails(token: Secret, known: SecretValues) -> None:
        raise ValueError("boom")

    try:
        fails(Secret(TOKEN), secret_values([TOKEN]))
    except ValueError as exc:
        text = "".join(traceback.TracebackException.from_exception(
            exc, capture_locals=True).format())
    assert "boom" in text and TOKEN not in text


def test_the_set_hides_raw_json_escaped_and_percent_encoded_forms() -> None:
    known = SecretSet([Secret(TOKEN), None, ""])
    known.add(TOKEN)
    assert len(known) == 1 and TOKEN not in repr(known)
    escaped = json.dumps(TOKEN)[1:-1]
    for text in (TOKEN, escaped, escaped.replace("/", "\\/"), "tok-%C3%A9%2F9%2Bx",
                 "tok-%C3%A9/9%2Bx"):
        assert known.hide(f"a {text} b") == f"a {REDACTED} b", text
    assert all(form.decode() in known.values for form in known.byte_values)


def test_secret_values_drop_empties_and_repeats() -> None:
    values = secret_values(["a1", Secret("b2"), None, "", "a1"])
    assert tuple(values) == ("a1", "b2") and "a1" not in repr(values)
