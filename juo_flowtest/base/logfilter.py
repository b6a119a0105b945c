"""A logging filter that hides secrets in every record a handler emits.

httpcore logs response headers at DEBUG (``--log-level=DEBUG``, ``--log-cli-level=DEBUG``), httpx
logs every URL, and a target echoing the token puts it in both. ``SecretFilter`` rewrites each
record before it is formatted: its message (arguments merged in), its formatted exception and
its stack text go through ``redaction.scrub_text`` with the secrets known *at that moment* (a
run learns more as it sends sensitive headers).

Attach it to **handlers**, not loggers: a logger's filters see only the records logged on that
very logger, never those propagated from children (``httpcore.http11`` to ``httpcore``), while a
handler's filters see every record it emits, whichever logger it came from.

>>> import logging
>>> handler = logging.StreamHandler()
>>> handler.addFilter(SecretFilter(lambda: ("tok-1",)))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from juo_flowtest.base.redaction import known_secrets, scrub_text

_DONE = "_juo_secrets_hidden"
_FORMATTER = logging.Formatter()


class SecretFilter(logging.Filter):
    """Hides the secrets ``secrets()`` returns (and credential-looking text) in each record."""

    def __init__(self, secrets: Callable[[], Iterable[str]]) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):  # one record, several handlers: scrub it once
            return True
        secrets = known_secrets(self._secrets())
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = scrub_text(message, secrets), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info, secrets)
        setattr(record, _DONE, True)
        return True


def attach(handlers: Iterable[logging.Handler], log_filter: SecretFilter) -> None:
    """Add ``log_filter`` to each handler that does not have it yet."""
    for handler in handlers:
        if log_filter not in handler.filters:
            handler.addFilter(log_filter)
