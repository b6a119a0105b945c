"""yamlsource: positions without injected keys, strict scalars, duplicate keys, documents."""

from __future__ import annotations

import json

from juo_flowtest.base.position import Position
from juo_flowtest.source import yamlsource
from juo_flowtest.source.yamlsource import (
    PosDict,
    PosList,
    child_position,
    key_position,
    parse,
    plain,
)


def only_document(text: str) -> object:
    source = parse(text, "f.yaml")
    assert source.problems == []
    ((doc, _),) = source.documents
    return doc


def test_the_c_parser_is_used() -> None:
    assert yamlsource.C_LOADER


def test_positions_of_mappings_keys_values_and_items() -> None:
    doc = only_document("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert isinstance(doc, PosDict)
    assert doc.pos == Position("f.yaml", 1, 1)
    assert key_position(doc, "b") == Position("f.yaml", 2, 1)
    assert child_position(doc, "a") == Position("f.yaml", 1, 4)
    items = doc["b"]
    assert isinstance(items, PosList)
    assert child_position(items, 1) == Position("f.yaml", 4, 5)
    assert child_position(items, 5) is None
    assert child_position({"plain": 1}, "plain") is None


def test_data_is_plain_json_without_position_keys() -> None:
    doc = only_document("a: {b: [1, 2]}\n")
    assert doc == {"a": {"b": [1, 2]}}
    assert json.loads(json.dumps(doc)) == {"a": {"b": [1, 2]}}
    assert not any(k.startswith("__") for k in doc)  # type: ignore[attr-defined]
    copied = plain(doc)
    assert type(copied) is dict and type(copied["a"]["b"]) is list


def test_strict_scalars() -> None:
    doc = only_document(
        "a: [yes, no, on, off, y, n, true, False, TRUE]\n"
        "b: [010, 0x1F, 1_000, '1:20', 1:20, 7, -3, +4, 0]\n"
        "c: [1.5, .5, 1e3, -2.0, .inf, .nan]\n"
        "d: [null, ~, Null, NULL, 2024-05-01, 2024-05-01T10:00:00Z]\n"
        "e:\n"
    )
    assert doc == {
        "a": ["yes", "no", "on", "off", "y", "n", True, False, True],
        "b": ["010", "0x1F", "1_000", "1:20", "1:20", 7, -3, 4, 0],
        "c": [1.5, 0.5, 1000.0, -2.0, ".inf", ".nan"],
        "d": [None, None, None, None, "2024-05-01", "2024-05-01T10:00:00Z"],
        "e": None,
    }


def test_keys_are_always_strings() -> None:
    assert only_document("200: ok\ntrue: t\nnull: n\n") == {"200": "ok", "true": "t", "null": "n"}


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    source = parse("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "f.yaml")
    assert [(p.position.line, p.position.column, p.message) for p in source.problems] == [
        (4, 3, "duplicate key 'c' (first written at line 3)"),
        (5, 1, "duplicate key 'a' (first written at line 1)"),
    ]


def test_merge_keys_work_and_explicit_keys_win() -> None:
    doc = only_document("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
    assert doc["use"] == {"x": 1, "y": 3}  # type: ignore[index]


def test_several_documents_each_with_its_position() -> None:
    source = parse("a: 1\n---\nb: 2\n---\n", "f.yaml")
    assert [(doc, at.line) for doc, at in source.documents] == [
        ({"a": 1}, 1), ({"b": 2}, 3), (None, 5)]


def test_syntax_error_keeps_earlier_documents() -> None:
    source = parse("a: 1\n---\nb: [\n", "f.yaml")
    assert [doc for doc, _ in source.documents] == [{"a": 1}]
    (problem,) = source.problems
    assert problem.message.startswith("YAML syntax error:")
    assert problem.position.line == 4


def test_complex_keys_and_tags_are_problems() -> None:
    assert "a key must be a plain string" in parse("? [a]\n: 1\n", "f.yaml").problems[0].message
    tagged = parse("a: !custom x\nb: !!int x1\n", "f.yaml").problems
    assert [p.message for p in tagged] == ["unsupported YAML tag '!custom'",
                                           "'x1' is not a valid int"]


def test_explicit_standard_tags_still_work() -> None:
    assert only_document("a: !!str 010\nb: !!int '7'\n") == {"a": "010", "b": 7}


def test_alias_bombs_and_self_references_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    source = parse("\n".join(lines) + "\n", "f.yaml")
    assert source.documents[0][0] is None
    assert "expands to more than" in source.problems[0].message
    looped = parse("a: &x [1, *x]\n", "f.yaml")
    assert looped.documents[0][0] is None and looped.problems


def test_aliases_within_limits_are_shared_values() -> None:
    doc = only_document("h: &h {X-Tenant-ID: t}\nsteps: [{headers: *h}, {headers: *h}]\n")
    assert doc["steps"][1]["headers"] == {"X-Tenant-ID": "t"}  # type: ignore[index]


def test_position_views_agree_with_the_lookups_and_stay_read_only() -> None:
    doc = only_document("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert isinstance(doc, PosDict)
    assert dict(doc.key_pos) == {"a": Position("f.yaml", 1, 1), "b": Position("f.yaml", 2, 1)}
    assert dict(doc.value_pos) == {"a": Position("f.yaml", 1, 4), "b": Position("f.yaml", 3, 3)}
    assert doc.value_position("b") == doc.value_pos["b"] and "b" in doc.value_pos
    assert doc.key_pos.get("missing") is None and "missing" not in doc.key_pos
    items = doc["b"]
    assert isinstance(items, PosList)
    assert items.pos == Position("f.yaml", 3, 3)
    assert items.item_pos == [Position("f.yaml", 3, 5), Position("f.yaml", 4, 5)]
    assert items.item_position(1) == items[1].pos == Position("f.yaml", 4, 5)


def test_merged_keys_keep_the_positions_of_their_source() -> None:
    doc = only_document("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n")
    use = doc["use"]  # type: ignore[index]
    assert use.value_pos["x"] == Position("f.yaml", 1, 14)
    assert use.key_pos["y"] == Position("f.yaml", 4, 3)


def test_an_alias_without_an_anchor_is_a_syntax_problem() -> None:
    (problem,) = parse("a: *x\n", "f.yaml").problems
    assert (problem.position.line, problem.position.column) == (1, 4)
    assert problem.message == "YAML syntax error: found undefined alias"


def test_every_non_core_tag_is_refused_on_scalars_mappings_and_lists() -> None:
    text = ("a: !!set {x, y}\nb: !!omap [{x: 1}]\nc: !!binary aGk=\nd: !!timestamp 2024-01-01\n"
            "e: !local {x: 1}\nf: !!pairs [[a, 1]]\ng: !!map {x: 1}\nh: !!seq [1]\n")
    problems = parse(text, "f.yaml").problems
    assert [(p.position.line, p.message) for p in problems] == [
        (1, "unsupported YAML tag '!!set'"), (2, "unsupported YAML tag '!!omap'"),
        (3, "unsupported YAML tag '!!binary'"), (4, "unsupported YAML tag '!!timestamp'"),
        (5, "unsupported YAML tag '!local'"), (6, "unsupported YAML tag '!!pairs'")]


def test_numbers_json_cannot_carry_are_problems_where_written() -> None:
    text = (f"a: 1e99999\nb: -1e400\nc: {10**400}\nd: {'9' * 5000}\ne: -9223372036854775808\n"
            "f: 9223372036854775807\ng: 1e308\nh: 1e-99999\n")
    source = parse(text, "f.yaml")
    assert [(p.position.line, p.message.split(":")[0]) for p in source.problems] == [
        (1, "the number 1e99999 is out of range"), (2, "the number -1e400 is out of range"),
        (3, "the integer 10000000000000000000…00000000 (401 characters) is out of range"),
        (4, "the integer 99999999999999999999…99999999 (5000 characters) is out of range"),
        (5, "the integer -9223372036854775808 is out of range")]
    assert all(p.hint == "write a smaller number, or quote it to send it as text"
               for p in source.problems)
    fine = only_document("f: 9223372036854775807\ng: 1e308\nh: 1e-99999\ni: '1e99999'\n")
    assert fine == {"f": 2**63 - 1, "g": 1e308, "h": 0.0, "i": "1e99999"}
