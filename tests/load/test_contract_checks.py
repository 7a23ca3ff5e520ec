"""What `cxgov validate` says about pools and bands, word for word (a contract manager reads it)."""

from __future__ import annotations

from pathlib import Path

from load_fixture import CONTRACT, TODAY, write_program

from app.load import load_program

POOL = "      - type: pool\n        at_risk_percent: 12\n"
BANDS = (
    "      - type: bands\n        objectives: [csat_85]\n        bands:\n"
    "          - below: 85\n            percent: 5\n"
)


def _contract(text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_program(write_program(tmp_path, {"goals/sla.yaml": text}), today=TODAY)


def _allocated(first: int, second: int) -> str:
    return CONTRACT.replace(
        "      target: 85\n", f"      target: 85\n      allocation_percent: {first}\n"
    ).replace("      target: 8\n", f"      target: 8\n      allocation_percent: {second}\n")


def test_the_250_percent_pattern_is_written_directly(tmp_path: Path) -> None:
    """Allocations of 100 % and 100 % are 200 %: fine when the contract makes 250 % of the pool
    available for allocation; the payout still never exceeds the pool (tests/evaluate)."""
    text = _allocated(100, 100).replace(BANDS, POOL + "        allocatable_percent: 250\n")
    result = _contract(text, tmp_path)
    assert result.ok, [d.message for d in result.diagnostics]


def test_an_over_allocated_pool_says_what_to_write(tmp_path: Path) -> None:
    result = _contract(_allocated(100, 100).replace(BANDS, POOL), tmp_path)
    [problem] = [d for d in result.diagnostics if d.code == "pool-over-allocated"]
    assert problem.message == (
        "the pool's objectives are allocated 200 % in all, more than the 100 % available for "
        "allocation"
    )
    assert "`allocatable_percent: N`" in (problem.hint or "")


def test_a_band_beyond_the_target_names_both_and_the_values_that_owe_nothing(
    tmp_path: Path,
) -> None:
    result = _contract(CONTRACT.replace("          - below: 85", "          - below: 88"), tmp_path)
    [problem] = [d for d in result.diagnostics if d.code == "band-beyond-target"]
    assert (problem.file, problem.line, problem.path) == (
        "goals/sla.yaml",
        31,
        "spec.credits.rules.0.bands.0.below",
    )
    assert problem.message == (
        "the band `below: 88` is above objective `csat_85`'s target of 85: a value from 85 to 88 "
        "meets the target and owes nothing, so the band does not apply as written"
    )
    assert problem.hint == (
        "a band's edge is on the missing side of the target: write `below: 85` (the target) or "
        "move the target to 88"
    )


def test_an_allocation_no_pool_covers_is_a_warning(tmp_path: Path) -> None:
    result = _contract(_allocated(40, 40), tmp_path)
    assert result.ok
    assert [d.code for d in result.diagnostics if d.severity == "warning"].count(
        "pool-allocation"
    ) == 2
