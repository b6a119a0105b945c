"""Names of generated files, tags and flows."""

from __future__ import annotations

from juo_flowtest.generate.naming import file_stem, tag, unique


def test_accented_names_keep_their_letters_in_file_names_and_tags() -> None:
    assert file_stem("Ünïcode Änderung ✓") == "unicode-anderung"
    assert tag("Ünïcode Änderung ✓") == "unicode_anderung"
    assert file_stem("✓✓") == "workflow" and tag("2024 offers") == "wf_2024_offers"


def test_a_repeated_name_is_numbered() -> None:
    assert unique(["A", "B", "A", "A"]) == ["A", "B", "A (2)", "A (3)"]
