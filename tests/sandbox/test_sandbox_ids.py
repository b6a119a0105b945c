"""Run and interaction ids: random version-4 uuids, unique whatever seeds ``random``."""

from __future__ import annotations

import random
import uuid

from juo_flowtest.sandbox.ids import fresh_id


def test_an_id_is_a_version_4_uuid_in_its_usual_text() -> None:
    for _ in range(2000):
        text = fresh_id()
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_ids_do_not_repeat() -> None:
    assert len({fresh_id() for _ in range(100_000)}) == 100_000


def test_seeding_the_random_module_does_not_make_ids_repeat() -> None:
    random.seed(7)
    first = fresh_id()
    random.seed(7)
    assert fresh_id() != first


def test_every_random_bit_varies() -> None:
    seen_set, seen_clear = 0, 0
    for _ in range(500):
        n = uuid.UUID(fresh_id()).int
        seen_set |= n
        seen_clear |= ~n
    fixed = (0xF000 << 64) | (0xC000 << 48)
    assert seen_set & ~fixed == (2**128 - 1) & ~fixed  # each free bit was 1 somewhere
    assert seen_clear & ~fixed & (2**128 - 1) == (2**128 - 1) & ~fixed  # ... and 0 somewhere
