"""Shard specs, suite identities, shard records and durations files (``report.shards``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juo_flowtest.report.shards import (
    BY_COUNT,
    ShardRecord,
    ShardSpec,
    read_durations,
    read_records,
    remove_records,
    split_identity,
    suite_identity,
    write_durations,
    write_record,
)


def test_a_spec_reads_k_of_n() -> None:
    assert ShardSpec.parse("2/3") == ShardSpec(2, 3)
    assert ShardSpec.parse(" 1 / 1 ") == ShardSpec(1, 1)
    assert str(ShardSpec(3, 4)) == "3/4"


@pytest.mark.parametrize("text", ["", "3", "0/3", "4/3", "1/0", "-1/3", "a/b", "1/2/3"])
def test_a_bad_spec_says_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. "):
        ShardSpec.parse(text)


def test_the_suite_identity_ignores_order_and_sees_any_difference() -> None:
    ids = ["a.flow.yaml::One", "b.flow.yaml::Two[x]", "b.flow.yaml::Two[y]"]
    assert suite_identity(ids) == suite_identity(reversed(ids))
    assert suite_identity(ids) != suite_identity(ids[:2])
    assert suite_identity(ids) != suite_identity([*ids[:2], "b.flow.yaml::Two[z]"])


def test_the_split_names_the_durations_by_content() -> None:
    assert split_identity(None) == BY_COUNT
    assert split_identity(b'{"a": 1}') == split_identity(b'{"a": 1}')
    assert split_identity(b'{"a": 1}') != split_identity(b'{"a": 2}')


def test_records_round_trip_and_are_removed_by_name_only(tmp_path: Path) -> None:
    one, two = ShardRecord(1, 2, "abc", BY_COUNT, 9, 5), ShardRecord(2, 2, "abc", BY_COUNT, 9, 4)
    write_record(str(tmp_path), one)
    write_record(str(tmp_path), two)
    (tmp_path / "x-result.json").write_text("{}")
    assert read_records(tmp_path) == [one, two]
    remove_records(str(tmp_path))
    assert read_records(tmp_path) == []
    assert [p.name for p in tmp_path.iterdir()] == ["x-result.json"]


def test_a_malformed_record_is_named(tmp_path: Path) -> None:
    (tmp_path / "juo-shard-1-of-2.json").write_text('{"shard": 1}')
    with pytest.raises(ValueError, match="juo-shard-1-of-2.json: not a readable shard record"):
        read_records(tmp_path)


def test_durations_use_pytest_split_s_format(tmp_path: Path) -> None:
    path = tmp_path / "reports" / "durations.json"
    write_durations(path, {"b::two": 0.123456, "a::one": 2.0})
    assert json.loads(path.read_text()) == {"a::one": 2.0, "b::two": 0.1235}
    durations, raw = read_durations(path)
    assert durations == {"a::one": 2.0, "b::two": 0.1235}
    assert raw == path.read_bytes()
    path.write_text('[["a::one", 1.5]]')  # pytest-split's older list format
    assert read_durations(path)[0] == {"a::one": 1.5}


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '{"a": "slow"}', '{"a": true}'])
def test_a_bad_durations_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "durations.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="durations"):
        read_durations(path)
