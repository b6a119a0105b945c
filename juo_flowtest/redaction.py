"""What a secret looks like, and how it is hidden before anything is printed or written.

Two strengths, for two places:

- ``hide`` / ``hide_in``: replace *known* secret values (the target's token, values sent in
  sensitive headers). Cheap; the client applies it to every record on the per-call path.
- ``scrub`` / ``scrub_text``: ``hide`` plus anything that *looks* like a credential
  (``Bearer …``, ``Basic …``, JWTs, ``?token=…`` query values) and the values of secret-named
  keys. The report applies it once more to everything it writes: defence in depth.

>>> hide("sent tok-1 twice: tok-1", ("tok-1",))
'sent <redacted> twice: <redacted>'
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "<redacted>"
#: Token variables always treated as secrets, even when no caller names them.
TOKEN_VARIABLES = ("JUO_DELEGATED_TOKEN", "JUO_ACCESS_TOKEN")
#: Names (of headers, JSON keys) whose values are secrets.
SECRET_NAME = re.compile(r"token|secret|key|auth|password|cookie|credential", re.IGNORECASE)
_CREDENTIAL = re.compile(
    r"\b(bearer|basic)(\s+)[^\s\"',;]+|\beyJ[\w-]+\.[\w-]+\.[\w-]+", re.IGNORECASE)
_SECRET_QUERY = re.compile(r"([?&][^=&#]*(?:token|secret|key|auth)[^=&#]*=)[^&#]*",
                           re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def is_sensitive(name: str) -> bool:
    """True for a header or key whose value must never be recorded (``Authorization``...)."""
    return SECRET_NAME.search(name) is not None


def known_secrets(secrets: Iterable[str] | None = None) -> tuple[str, ...]:
    """``secrets`` plus the values of ``TOKEN_VARIABLES``, without empties or repeats."""
    found = [*(secrets or ()), *(os.environ.get(name) for name in TOKEN_VARIABLES)]
    return tuple(s for s in dict.fromkeys(found) if s)


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
    """Scrub JSON-like data: secret-named keys lose their value, every string is scrubbed."""
    secrets = tuple(secrets)
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, Mapping):
        return {str(k): REDACTED if is_sensitive(str(k)) and v is not None else scrub(v, secrets)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, secrets) for v in value]
    return value
