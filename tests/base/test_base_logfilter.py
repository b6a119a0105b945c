"""SecretFilter on handlers: records from child loggers, arguments, exceptions are scrubbed."""

from __future__ import annotations

import io
import logging

from juo_flowtest.base.logfilter import SecretFilter, attach

TOKEN = "tok-LOG-123"


def _capture() -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    attach([handler], SecretFilter(lambda: (TOKEN,)))
    logger = logging.getLogger("juo_test_parent")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger, stream, handler


def test_a_record_propagated_from_a_child_logger_is_scrubbed() -> None:
    logger, stream, handler = _capture()
    try:
        child = logging.getLogger("juo_test_parent.http11")
        child.debug("headers=%r", [(b"x-echo", TOKEN.encode())])
        child.info("Authorization: Bearer %s", "other-credential")
        try:
            raise RuntimeError(f"failed with {TOKEN}")
        except RuntimeError:
            child.exception("oops %s", TOKEN)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert TOKEN not in text and "other-credential" not in text
    assert "juo_test_parent.http11 headers=[(b'x-echo', b'<redacted>')]" in text
    assert "RuntimeError: failed with <redacted>" in text


def test_attach_adds_the_filter_once() -> None:
    handler = logging.NullHandler()
    log_filter = SecretFilter(lambda: ())
    attach([handler, handler], log_filter)
    attach([handler], log_filter)
    assert handler.filters == [log_filter]


def test_a_broken_format_string_keeps_the_record() -> None:
    logger, stream, handler = _capture()
    try:
        logger.warning("%d items %s", "not-a-number", TOKEN)
    finally:
        logger.removeHandler(handler)
    assert "items" in stream.getvalue() and TOKEN not in stream.getvalue()
