"""What a manager reads: paths without pydantic noise, hints, both lines of a duplicate, the other file."""

from __future__ import annotations

from pathlib import Path

from load_fixture import GOAL, TODAY, write_program
from test_corpus import SERVICE_LEVEL

from app.load import load_program


def only(tmp_path: Path, files: dict[str, str | bytes | None], code: str):
    result = load_program(write_program(tmp_path, files), today=TODAY)
    matches = [d for d in result.diagnostics if d.code == code]
    assert len(matches) == 1, result.diagnostics
    return matches[0]


def test_unknown_field_suggests_the_close_name(tmp_path: Path) -> None:
    d = only(
        tmp_path,
        {"goals/goals.yaml": GOAL.replace("  target:", "  targte:")},
        "schema-unknown-field",
    )
    assert d.path == "spec.targte"
    assert d.hint == "did you mean `target`?"


def test_unknown_field_suggests_an_alias(tmp_path: Path) -> None:
    from load_fixture import CONTRACT

    d = only(
        tmp_path,
        {"goals/sla.yaml": CONTRACT.replace("    from: 2026-01-01", "    frm: 2026-01-01")},
        "schema-unknown-field",
    )
    assert d.hint == "did you mean `from`?"


def test_union_tag_is_dropped_from_the_path(tmp_path: Path) -> None:
    d = only(tmp_path, {"goals/sl.yaml": SERVICE_LEVEL}, "schema-invalid")
    assert d.path == "spec.calculation.threshold"
    assert "1m" in d.message and "spell the unit out" in (d.hint or "")


def test_enum_lists_allowed_values(tmp_path: Path) -> None:
    d = only(
        tmp_path,
        {"goals/goals.yaml": GOAL.replace("pillar: process", "pillar: culture")},
        "schema-allowed-values",
    )
    assert "people, process or platform" in d.message
    assert "culture" in d.message


def test_month_hint(tmp_path: Path) -> None:
    d = only(
        tmp_path,
        {"goals/goals.yaml": GOAL.replace("period: 2025-12", "period: Dec 2025")},
        "schema-invalid",
    )
    assert d.path == "spec.baseline.period"
    assert d.hint == "write a month as YYYY-MM, e.g. `2026-03`"


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    d = only(tmp_path, {"goals/goals.yaml": GOAL + "  pillar: people\n"}, "yaml-duplicate-key")
    assert "line 14" in d.message and "line 16" in d.message


def test_duplicate_id_names_the_other_file_and_line(tmp_path: Path) -> None:
    d = only(tmp_path, {"goals/zz.yaml": "# another copy\n" + GOAL}, "duplicate-id")
    assert d.file == "goals/zz.yaml" and d.line == 5
    assert "goals/goals.yaml:1" in d.message


def test_unknown_reference_suggests_the_known_id(tmp_path: Path) -> None:
    d = only(
        tmp_path,
        {"goals/goals.yaml": GOAL.replace("metric: csat", "metric: cast")},
        "unknown-metric",
    )
    assert d.hint == "did you mean `csat`?"


def test_every_diagnostic_is_located_in_a_real_file(tmp_path: Path) -> None:
    broken = GOAL.replace("  target:", "  targte:").replace("metric: csat", "metric: nope")
    result = load_program(write_program(tmp_path, {"goals/goals.yaml": broken}), today=TODAY)
    assert result.diagnostics
    for d in result.diagnostics:
        assert (tmp_path / d.file).is_file()
        assert d.line >= 1 and d.column >= 1


def test_diagnostics_are_sorted_by_file_and_line(tmp_path: Path) -> None:
    broken = GOAL.replace("  target:", "  targte:").replace("metric: csat", "metric: nope")
    result = load_program(
        write_program(tmp_path, {"goals/goals.yaml": broken, "goals/a.yaml": "- x\n"}), today=TODAY
    )
    keys = [(d.file, d.line) for d in result.diagnostics]
    assert keys == sorted(keys) and keys[0][0] == "goals/a.yaml"
