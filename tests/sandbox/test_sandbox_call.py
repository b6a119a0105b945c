"""``Call`` reads headers as Starlette's ``request.headers.get`` does."""

from __future__ import annotations

from juo_flowtest.sandbox.call import Call


def test_a_header_reads_as_latin_1_and_a_missing_one_as_none() -> None:
    call = Call([(b"x-tenant-id", b"shop.example"), (b"x-note", "caf\u00e9".encode("latin-1"))],
                b"{}", "r-1")
    assert call.header(b"x-tenant-id") == "shop.example"
    assert call.header(b"x-note") == "caf\u00e9"
    assert call.header(b"x-delegated-token") is None
    assert (call.body, call.run_id) == (b"{}", "r-1")


def test_the_first_of_repeated_headers_counts() -> None:
    call = Call([(b"x-tenant-id", b"first"), (b"accept", b"*/*"), (b"x-tenant-id", b"second")],
                b"")
    assert call.header(b"x-tenant-id") == "first"
    assert call.headers[b"x-tenant-id"] == b"first"
