"""Benchmark: `load_program` on a generated program of 2,000 goals vs a bare PyYAML parse of the same files.

Run: .venv/bin/python benchmarks/validate_bench.py [--goals 2000] [--repeat 5]
Prints medians and the ratios against two baselines measured in the same process: `yaml.safe_load_all`
(PyYAML's pure-Python SafeLoader, what "a bare parse" usually means) and `yaml.load_all` with
`CSafeLoader` (libyaml, which the loader itself composes with).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import (
    median_seconds,  # benchmarks/_timing.py (run scripts as python benchmarks/NAME.py)
)

from app.load import load_program, program_files

PROGRAM = """\
apiVersion: cxgov/v1
kind: Program
metadata: {id: bench, title: Benchmark program}
spec:
  name: Benchmark
  start_date: 2026-01-01
  timezone: UTC
  currency: USD
"""

METRIC = """\
---
apiVersion: cxgov/v1
kind: Metric
metadata:
  id: m{n}
  title: Metric {n}
spec:
  unit: percent
  better: higher
  calculation:
    type: csat
    scale: 5
    satisfied_from: 4
  definition: Share of satisfied answers for team {n}.
"""

GOAL = """\
---
apiVersion: cxgov/v1
kind: Goal
metadata:
  id: g{n}
  title: Raise metric {n} from 70 % to 75 % by December 2026
  owner: owner{n}@example.com
spec:
  metric: m{m}
  scope:
    channel: [phone, chat]
    team: team{t}
  baseline:
    value: 70
    period: 2025-12
  target:
    value: 75
    by: 2026-12-31
  milestones:
    - value: 72
      by: 2026-06-30
  pillar: process
  relevance: Goal {n} keeps the team's customers satisfied.
  guardrails:
    - metric: m{m}
      min: 60
"""


def generate(root: Path, goals: int, per_file: int = 50) -> None:
    (root / "program.yaml").write_text(PROGRAM)
    (root / "goals").mkdir()
    metrics = max(goals // 10, 1)
    (root / "goals" / "metrics.yaml").write_text(
        "".join(METRIC.format(n=n) for n in range(metrics))
    )
    for start in range(0, goals, per_file):
        text = "".join(
            GOAL.format(n=n, m=n % metrics, t=n % 7)
            for n in range(start, min(start + per_file, goals))
        )
        (root / "goals" / f"goals-{start // per_file:03d}.yaml").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--goals", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cxgov-bench-"))
    try:
        generate(root, args.goals)
        files = program_files(root)
        texts = [path.read_bytes() for path in files]
        result = load_program(root, today=date(2026, 3, 1))
        assert (
            result.ok and result.program is not None and len(result.program.goals) == args.goals
        ), result.diagnostics[:3]

        def bare_python() -> None:
            for path in files:
                list(yaml.safe_load_all(path.read_bytes()))

        def bare_c() -> None:
            for path in files:
                list(yaml.load_all(path.read_bytes(), Loader=yaml.CSafeLoader))

        validate = median_seconds(lambda: load_program(root, today=date(2026, 3, 1)), args.repeat)
        python = median_seconds(bare_python, args.repeat)
        c = median_seconds(bare_c, args.repeat)
        size = sum(len(t) for t in texts)
        print(
            f"{args.goals} goals, {len(files)} files, {size / 1e6:.1f} MB, median of {args.repeat}"
        )
        print(f"  load_program (validate)           {validate:7.3f} s")
        print(
            f"  yaml.safe_load_all (pure Python)  {python:7.3f} s   validate / this = {validate / python:.2f}x"
        )
        print(
            f"  yaml.load_all CSafeLoader (C)     {c:7.3f} s   validate / this = {validate / c:.2f}x"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
