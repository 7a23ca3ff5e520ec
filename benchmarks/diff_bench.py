"""Benchmark of `app.diff.compare` on a large program: the example program's documents copied
until it holds 1,000 goals, 100 contracts, 100 playbooks and 20 roadmaps, with every tenth
document changed on the head side.

Prints the median wall time of several runs and two ratios measured in the same process: against
dumping and comparing every document pair (`model_dump() ==`, the least any document-level diff
must do) and against a program half the size (≈ 0.5 when the comparison is linear).

    .venv/bin/python benchmarks/diff_bench.py [--repeat 7]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _timing import (
    median_seconds,  # benchmarks/_timing.py (run scripts as python benchmarks/NAME.py)
)

from app.diff import compare
from app.diff.compare import documents
from app.load import load_program
from app.spec import Program

ROOT = Path(__file__).resolve().parent.parent


def _copy(doc: Any, suffix: str, change: Callable[[dict[str, Any]], None] | None) -> Any:
    data = doc.model_dump(by_alias=True, mode="json")
    data["metadata"]["id"] = f"{doc.id}_{suffix}"[:63]
    if change is not None:
        change(data)
    return type(doc).model_validate(data)


def _lower_target(data: dict[str, Any]) -> None:
    if data["spec"].get("target"):
        data["spec"]["target"]["value"] -= 1
    data["metadata"]["title"] += " (edited)"


def scaled(example: Program, goals: int, *, head: bool) -> Program:
    def many(collection: dict[str, Any], count: int) -> dict[str, Any]:
        source = list(collection.values())
        out = {}
        for i in range(count):
            edit = _lower_target if head and i % 10 == 0 else None
            doc = _copy(source[i % len(source)], str(i), edit)
            out[doc.id] = doc
        return out

    return Program(
        settings=example.settings,
        metrics=example.metrics,
        goals=many(example.goals, goals),
        contracts=many(example.contracts, goals // 10),
        playbooks=many(example.playbooks, goals // 10),
        roadmaps=many(example.roadmaps, goals // 50),
    )


def dump_equality(base: Program, head: Program) -> int:
    a, b = documents(base), documents(head)
    return sum(1 for key in a if key in b and a[key].model_dump() != b[key].model_dump())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    example = load_program(ROOT).program
    assert example is not None, "the example program must validate"
    base, head = scaled(example, 1000, head=False), scaled(example, 1000, head=True)
    half_base, half_head = scaled(example, 500, head=False), scaled(example, 500, head=True)
    changes = compare(base, head)
    full = median_seconds(lambda: compare(base, head), args.repeat)
    floor = median_seconds(lambda: dump_equality(base, head), args.repeat)
    half = median_seconds(lambda: compare(half_base, half_head), args.repeat)
    print(f"documents per side: {len(documents(base))}; changes found: {len(changes)}")
    print(f"compare (1,000 goals):        median {full * 1000:8.1f} ms")
    print(
        f"model_dump equality floor:    median {floor * 1000:8.1f} ms   compare / floor = {full / floor:.2f}"
    )
    print(
        f"compare (500 goals):          median {half * 1000:8.1f} ms   half / full = {half / full:.2f}"
    )


if __name__ == "__main__":
    main()
