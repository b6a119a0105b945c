"""What a secret looks like, and how it is hidden before anything is printed or written.

Two strengths, for two places:

- ``hide`` / ``hide_in``: replace *known* secret values (the target's token, values sent in
  sensitive headers). Cheap; the client applies it to every record on the per-call path.
- ``scrub`` / ``scrub_text``: ``hide`` plus anything that *looks* like a credential
  (``Bearer …``, ``Basic …``, JWTs, ``?token=…`` query values) and the values of secret-named
  keys. The report applies it once more to everything it writes: defence in depth.
- ``scrub_json``: ``scrub`` then indented JSON, for the report's per-call attachments. It writes
  the text first and walks the data only when that text holds a known secret or one of the
  words every credential pattern needs: a run state almost never does, and the walk (two
  regular expressions per string) cost as much as the rest of the report.

>>> hide("sent tok-1 twice: tok-1", ("tok-1",))
'sent <redacted> twice: <redacted>'
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from typing import Any

from juo_flowtest.base import prettyjson
from juo_flowtest.base.secrets import REDACTED, SecretValues, as_values, secret_values

__all__ = [
    "REDACTED",
    "TOKEN_VARIABLES",
    "SecretValues",
    "hide",
    "hide_in",
    "is_sensitive",
    "known_secrets",
    "may_need_scrub",
    "redact_headers",
    "scrub",
    "scrub_json",
    "scrub_text",
]
#: Token variables always treated as secrets, even when no caller names them.
TOKEN_VARIABLES = ("JUO_DELEGATED_TOKEN", "JUO_ACCESS_TOKEN", "JUO_ADMIN_API_KEY")
#: Names (of headers, JSON keys) whose values are secrets.
SECRET_NAME = re.compile(r"token|secret|key|auth|password|cookie|credential", re.IGNORECASE)
_CREDENTIAL = re.compile(
    r"\b(bearer|basic)(\s+)[^\s\"',;]+|\beyJ[\w-]+\.[\w-]+\.[\w-]+", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"([?&][^=&#]*(?:token|secret|key|auth)[^=&#]*=)[^&#]*",
                           re.IGNORECASE)
#: Every match of SECRET_NAME, _CREDENTIAL and _SECRET_QUERY holds one of these words (any case):
#: a word added to one of those patterns goes here too (tests/test_redaction.py checks).
_SUSPECT_WORDS = ("token", "secret", "key", "auth", "password", "cookie", "credential",
                  "bearer", "basic", "eyj")
#: The only non-ASCII characters IGNORECASE matches to ASCII letters (İ ı ſ K), which
#: ``str.lower`` does not map onto the words above; tests/test_redaction.py checks the list.
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
#: Any of ``_SUSPECT_WORDS`` in lower-cased text: one search instead of a loop of ``in``.
_SUSPECT = re.compile("|".join(re.escape(word) for word in _SUSPECT_WORDS))


@functools.lru_cache(maxsize=512)
def is_sensitive(name: str) -> bool:
    """True for a header or key whose value must never be recorded (``Authorization``...)."""
    return SECRET_NAME.search(name) is not None


def known_secrets(secrets: Iterable[str] | None = None) -> SecretValues:
    """``secrets`` plus the values of ``TOKEN_VARIABLES``, without empties or repeats."""
    return secret_values([*(secrets or ()), *(os.environ.get(name) for name in TOKEN_VARIABLES)])


def hide(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known secret value replaced by ``<redacted>``."""
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def hide_in(value: Any, secrets: tuple[str, ...]) -> Any:
    """A copy of JSON-like ``value`` with known secrets hidden in its strings and keys."""
    if isinstance(value, str):
        return hide(value, secrets)
    if isinstance(value, dict):
        return {hide(str(k), secrets): hide_in(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [hide_in(v, secrets) for v in value]
    return value


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers with the values of sensitive ones replaced by ``<redacted>``."""
    return {k: (REDACTED if is_sensitive(k) else v) for k, v in headers.items()}


def scrub_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Known secrets, credential-looking words and secret query values hidden."""
    text = _SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, hide(text, secrets))

    def _hide(m: re.Match[str]) -> str:
        return f"{m.group(1)}{m.group(2)}{REDACTED}" if m.group(1) else REDACTED

    return _CREDENTIAL.sub(_hide, text)


def scrub(value: Any, secrets: Iterable[str] = ()) -> Any:
    """Scrub JSON-like data: secret-named keys lose their value, every string is scrubbed.

    Keys are scrubbed too, and a value that is not JSON (bytes, an object) becomes its
    scrubbed ``str``: a writer would otherwise print it as it is.
    """
    secrets = as_values(secrets)
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, Mapping):
        return {scrub_text(str(k), secrets):
                REDACTED if is_sensitive(str(k)) and v is not None else scrub(v, secrets)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, secrets) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value), secrets)


def may_need_scrub(text: str, secrets: tuple[str, ...]) -> bool:
    """False only when ``scrub`` would change nothing in the data ``text`` was written from.

    ``text``: written by ``prettyjson`` (strings escaped as ``encode_basestring`` does, non-ASCII
    kept as it is). Escaping maps each character on its own, so a secret inside a string is a
    substring of the text once escaped; and no word in ``_SUSPECT_WORDS`` is ever escaped.
    """
    if not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII):
        return True
    lowered = text.lower()
    # One regex search is cheaper on a short text (a member's name); on a long one, ten
    # substring searches beat the regex's alternation at every position (measured 30 vs 85 us
    # on a 3 KB run state).
    if _SUSPECT.search(lowered) if len(text) < 256 else any(w in lowered for w in _SUSPECT_WORDS):
        return True
    return any(s in text or encode_basestring(s)[1:-1] in text for s in secrets if s)


def scrub_json(value: Any, secrets: Iterable[str] = (), level: int = 0) -> str:
    """``prettyjson.dumps(scrub(value, secrets), level)``, walking ``value`` only if needed."""
    secrets = as_values(secrets)
    text = prettyjson.dumps(value, level)
    if not may_need_scrub(text, secrets):
        return text
    return prettyjson.dumps(scrub(value, secrets), level)
