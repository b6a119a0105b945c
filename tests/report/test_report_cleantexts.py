"""``juo_flowtest.report.cleantexts``: ``scrub_text`` with the clean texts remembered."""

from __future__ import annotations

import pytest

from juo_flowtest.base.redaction import REDACTED, scrub_text
from juo_flowtest.report import cleantexts
from juo_flowtest.report.cleantexts import CleanTexts

TOKEN = "tok-SECRET-xyz789"
TEXTS = ["respond next to show_content (step value_reminder)", f"start with {TOKEN}",
         "Authorization: Bearer abc.def", "http://h/s?access_token=abc", "", "é ☕",
         "eyJhbGciOi.x.y", "plain again"]


def test_it_answers_as_scrub_text_every_time() -> None:
    texts = CleanTexts()
    for _ in range(3):  # first seen, then remembered
        for text in TEXTS:
            assert texts.scrub(text, (TOKEN,)) == scrub_text(text, (TOKEN,))


def test_a_secret_learnt_later_is_hidden_in_a_text_found_clean_before() -> None:
    texts = CleanTexts()
    later = "sent-in-a-header-42"
    title = f"respond with {later}"
    assert texts.scrub(title, (TOKEN,)) == title  # clean for what was known then
    assert texts.scrub(title, (TOKEN, later)) == f"respond with {REDACTED}"
    assert texts.scrub(title, (TOKEN, later)) == f"respond with {REDACTED}"


def test_it_keeps_at_most_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cleantexts, "LIMIT", 3)
    texts = CleanTexts()
    for n in range(10):
        assert texts.scrub(f"title {n}", ()) == f"title {n}"
    assert texts.scrub(f"title {TOKEN}", (TOKEN,)) == f"title {REDACTED}"
