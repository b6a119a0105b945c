"""matchers: the expectation language, its messages, positions and compile errors."""

from __future__ import annotations

from typing import Any

import pytest

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import UnknownVariable
from juo_flowtest.expect.matchcore import path_text
from juo_flowtest.expect.matchers import MISSING, MatcherSyntaxError, compile_matcher

AT = Position("f.flow.yaml", 1, 1)
SCOPE: dict[str, Any] = {"first_run": "r-1", "min": 2, "pct": 20, "pattern": "^ab"}


def resolve(name: str) -> Any:
    try:
        return SCOPE[name]
    except KeyError:
        raise UnknownVariable(name) from None


def no_position(container: Any, key: Any) -> Position | None:
    return None


def check(expected: Any, actual: Any, path: str = "body") -> list[Mismatch]:
    return compile_matcher(expected, AT, no_position).match(actual, path, resolve)


def messages(expected: Any, actual: Any) -> list[str]:
    return [m.message for m in check(expected, actual)]


PENDING = {
    "stepId": "discount_offer",
    "actionType": "offer_discount",
    "actionConfig": {"percentage": 20, "durationCycles": 3},
    "availableResponses": [{"type": "accept", "label": "Yes"}, {"type": "decline", "label": "No"}],
}


def test_mapping_is_subset_match() -> None:
    assert check({"stepId": "discount_offer", "actionConfig": {"percentage": 20}}, PENDING) == []


def test_all_mismatches_are_reported_with_paths() -> None:
    found = check({"stepId": "x", "actionConfig": {"percentage": 25, "extra": 1}}, PENDING,
                  "pending")
    assert [m.path for m in found] == ["pending.stepId", "pending.actionConfig.percentage",
                                       "pending.actionConfig.extra"]
    assert found[1].message == "expected 25, got 20"
    assert found[1].expected == 25 and found[1].actual == 20
    assert found[2].message == "expected 1, but the key is missing"
    assert found[2].actual is MISSING


def test_type_mismatch_names_both_types() -> None:
    assert messages(20, "20") == ['expected integer 20, got string "20"']
    assert messages(True, 1) == ["expected boolean true, got integer 1"]


def test_scalars_compare_by_json_value() -> None:
    assert check(1, 1.0) == []
    assert check(1.0, 1) == []
    assert check("1", 1) != []
    assert check(True, 1) != []
    assert check(0, False) != []


def test_null_matches_null_or_missing() -> None:
    assert check({"pending": None}, {"status": "completed"}) == []
    assert check({"pending": None}, {"pending": None}) == []
    assert messages({"pending": None}, {"pending": {"a": 1}}) == ['expected null, got object {"a": 1}']


def test_lists_match_in_order_with_same_length() -> None:
    assert check([1, 2], [1, 2]) == []
    assert messages([1, 2], [2, 1]) == ["expected 1, got 2", "expected 2, got 1"]
    assert messages([1, 2], [1, 2, 3]) == ["expected an array of 2 items, got 3"]
    assert [m.path for m in check([{"a": 1}, {"a": 2}], [{"a": 1}, {"a": 3}])] == ["body[1].a"]


def test_available_responses_strings_compare_types() -> None:
    assert check({"availableResponses": ["accept", "decline"]}, PENDING) == []
    found = check({"availableResponses": ["accept", "maybe"]}, PENDING, "pending")
    assert [(m.path, m.message) for m in found] == [
        ("pending.availableResponses[1].type", 'expected "maybe", got "decline"')]
    assert check({"availableResponses": {"$contains": ["decline"]}}, PENDING) == []
    assert check({"availableResponses": {"$contains": "decline"}}, PENDING) == []
    assert check({"availableResponses": {"$unordered": ["decline", "accept"]}}, PENDING) == []


def test_the_available_responses_shorthand_holds_inside_not_and_all() -> None:
    assert check({"availableResponses": {"$not": {"$contains": ["accept"]}}}, PENDING) != []
    assert check({"availableResponses": {"$not": {"$contains": ["maybe"]}}}, PENDING) == []
    both = {"$all": [{"$contains": ["accept"]}, {"$not": {"$contains": "maybe"}}]}
    assert check({"availableResponses": both}, PENDING) == []
    wrong = {"$all": [{"$contains": ["accept"]}, {"$not": {"$contains": "decline"}}]}
    assert check({"availableResponses": wrong}, PENDING) != []


@pytest.mark.parametrize(
    ("expected", "actual"),
    [({"$eq": {"a": 1}}, {"a": 1}), ({"$ne": 3}, 4), ({"$gt": 1}, 2), ({"$gte": 2}, 2),
     ({"$lt": 3}, 2.5), ({"$lte": 2}, 2), ({"$gt": "2024-01-01"}, "2025-01-01"),
     ({"$in": ["a", "b"]}, "b"), ({"$nin": ["a"]}, "c"), ({"$regex": "^gid://"}, "gid://x"),
     ({"$type": "integer"}, 3), ({"$type": "integer"}, 3.0), ({"$type": "number"}, 3.5),
     ({"$type": ["string", "null"]}, None), ({"$type": "object"}, {}), ({"$type": "array"}, []),
     ({"$type": "boolean"}, False), ({"$len": 2}, [1, 2]), ({"$len": {"$gt": 1}}, "abc"),
     ({"$contains": [{"type": "x"}]}, [{"type": "x", "n": 1}]), ({"$contains": "ell"}, "hello"),
     ({"$contains": "a"}, ["a", "b"]), ({"$contains": 2}, [1, 2]),
     ({"$unordered": [2, 1]}, [1, 2]), ({"$any": True}, None), ({"$any": None}, {"x": 1}),
     ({"$not": {"$eq": 3}}, 4), ({"$all": [{"$gt": 1}, {"$lt": 5}]}, 3)],
)
def test_operators_that_hold(expected: Any, actual: Any) -> None:
    assert check(expected, actual) == []


@pytest.mark.parametrize(
    ("expected", "actual", "message"),
    [({"$eq": {"a": 1}}, {"a": 1, "b": 2}, 'expected {"a": 1}, got {"a": 1, "b": 2}'),
     ({"$ne": 3}, 3, "expected anything but 3, got 3"),
     ({"$gt": 5}, 3, "expected a value > 5, got 3"),
     ({"$gt": 5}, "9", 'expected a value > 5, got string "9"'),
     ({"$in": ["a", "b"]}, "c", 'expected one of ["a", "b"], got "c"'),
     ({"$nin": ["a"]}, "a", 'expected none of ["a"], got "a"'),
     ({"$regex": "^ab"}, "xab", 'expected a string matching /^ab/, got string "xab"'),
     ({"$type": "integer"}, "20", 'expected type integer, got string "20"'),
     ({"$type": "integer"}, True, "expected type integer, got boolean true"),
     ({"$len": 3}, [1], "length: expected 3, got 1 (value [1])"),
     ({"$contains": "zz"}, "hello", 'expected a string containing "zz", got "hello"'),
     ({"$unordered": [1, 3]}, [1, 2], "expected the same items in any order; no match for [3]"),
     ({"$unordered": [1]}, [1, 2], "expected 1 items in any order, got 2"),
     ({"$not": {"$eq": 3}}, 3, 'expected not {"$eq": 3}, got 3'),
     ({"$exists": False}, 1, "expected no such key, got 1")],
)
def test_operators_that_fail(expected: Any, actual: Any, message: str) -> None:
    assert messages(expected, actual) == [message]


def test_contains_reports_each_missing_item() -> None:
    found = messages({"$contains": ["subscription", "upcoming_order"]}, ["subscription"])
    assert found == [('expected the array to contain an item matching "upcoming_order", '
                      "none of its 1 items does")]


def test_unordered_pairs_each_item_once() -> None:
    assert check({"$unordered": [{"$type": "integer"}, 1]}, [1, 2]) == []
    assert check({"$unordered": [1, 1]}, [1, 2]) != []


def test_all_reports_every_failing_operator() -> None:
    assert len(check({"$all": [{"$gt": 5}, {"$type": "string"}]}, 3)) == 2


def test_exists_and_missing_keys() -> None:
    assert check({"timeoutMs": {"$exists": False}}, {}) == []
    assert messages({"timeoutMs": {"$exists": True}}, {}) == [
        "expected the key to exist, it is missing"]
    assert messages({"n": {"$gt": 1}}, {}) == ["expected a value > 1, but the key is missing"]
    assert messages({"n": {"$any": True}}, {}) == ["expected any value, but the key is missing"]
    assert check({"n": {"$not": {"$eq": 1}}}, {}) == []


def test_templates_render_at_match_time() -> None:
    assert check({"runId": "${first_run}", "n": {"$gte": "${min}"}}, {"runId": "r-1", "n": 2}) == []
    assert messages({"runId": "${first_run}"}, {"runId": "r-2"}) == ['expected "r-1", got "r-2"']
    assert check({"$regex": "${pattern}"}, "abc") == []
    with pytest.raises(UnknownVariable):
        check({"runId": "${nope}"}, {"runId": "r"})


def test_long_values_get_a_unified_diff() -> None:
    big = {f"key{i}": i for i in range(12)}
    other = dict(big, key5=99)
    (mismatch,) = check({"$eq": big}, other)
    assert mismatch.diff is not None
    assert '-  "key5": 5,' in mismatch.diff and '+  "key5": 99,' in mismatch.diff
    assert check(1, 2)[0].diff is None
    (multi,) = check("line one\nline two", "line one\nline 2")
    assert multi.diff is not None and "+line 2" in multi.diff


def test_positions_flow_to_mismatches() -> None:
    positions = {"percentage": Position("f.flow.yaml", 7, 22)}

    def position_of(container: Any, key: Any) -> Position | None:
        return positions.get(key)

    matcher = compile_matcher({"actionConfig": {"percentage": 25}}, AT, position_of)
    (mismatch,) = matcher.match(PENDING, "pending", resolve)
    assert mismatch.position == Position("f.flow.yaml", 7, 22)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [({"$regx": "a"}, "unknown operator '$regx' — did you mean '$regex'?"),
     ({"$regex": "("}, "bad regular expression"),
     ({"$type": "int"}, "unknown $type 'int' — did you mean 'integer'?"),
     ({"$len": -1}, "$len takes a non-negative integer"),
     ({"$len": {"a": 1}}, "$len takes an operator mapping"),
     ({"$in": "a"}, "$in takes a list"),
     ({"$gt": True}, "$gt takes a number or a string"),
     ({"$exists": "yes"}, "$exists takes true or false"),
     ({"$any": False}, "$any takes true"),
     ({"$not": 3}, "$not takes an operator mapping"),
     ({"$all": [{"$gt": 1}, 3]}, "$all takes an operator mapping"),
     ({"$gt": 1, "$lt": 3}, "an operator mapping has exactly one key"),
     ({"a": "${"}, "unclosed"),
     ({"$unordered": 3}, "$unordered takes a list")],
)
def test_compile_errors(raw: Any, fragment: str) -> None:
    with pytest.raises(MatcherSyntaxError) as info:
        compile_matcher(raw, AT, no_position)
    assert fragment in info.value.problems[0].message


def test_compile_collects_every_problem() -> None:
    with pytest.raises(MatcherSyntaxError) as info:
        compile_matcher({"a": {"$regx": 1}, "b": [{"$typ": "string"}]}, AT, no_position)
    assert len(info.value.problems) == 2


def test_paths_are_joined_only_as_text_of_a_mismatch() -> None:
    found = check({"a b": {"x": [1, {"$gt": 5}]}, "ok-key_1$": 2}, {"a b": {"x": [1, 3]}}, "")
    assert [m.path for m in found] == ['["a b"].x[1]', "ok-key_1$"]
    assert path_text((("pending", "actionConfig"), "percentage")) == "pending.actionConfig.percentage"
    assert path_text(("", 0)) == "[0]" and path_text(("body", "")) == 'body[""]'


HOLDS_CASES: list[tuple[Any, Any]] = [
    (expected, actual)
    for expected in (
        {"stepId": "discount_offer", "availableResponses": ["accept", "decline"]},
        {"actionConfig": {"percentage": {"$gte": 20}}, "stepId": {"$regex": "^disc"}},
        {"availableResponses": {"$contains": ["decline"]}, "x": None},
        {"availableResponses": {"$unordered": ["decline", "accept"]}},
        {"actionType": {"$not": {"$in": ["poll"]}}, "actionConfig": {"$len": 2}},
        {"stepId": {"$all": [{"$type": "string"}, {"$ne": "x"}]}, "gone": {"$exists": False}},
        {"stepId": {"$contains": "offer"}, "label": {"$any": True}},
        [1, {"a": "${min}"}],
        {"$contains": [{"a": 2}]},
    )
    for actual in (PENDING, {**PENDING, "stepId": "poll"}, {**PENDING, "actionConfig": {}},
                   {**PENDING, "availableResponses": [{"type": "accept"}]}, [1, {"a": 2}],
                   [1, {"a": 3}], None, MISSING, "discount_offer")
]


@pytest.mark.parametrize(("expected", "actual"), HOLDS_CASES)
def test_holds_agrees_with_match(expected: Any, actual: Any) -> None:
    # ``holds`` skips wording messages; it must still give the same answer as ``match``.
    matcher = compile_matcher(expected, AT, no_position)
    assert matcher.holds(actual, resolve) is (not matcher.match(actual, "body", resolve))
