"""What the store commands need from the program: its timezone and metric catalogue.

A thin adapter over the shared loader (`app.cli.common.load_or_exit`): an invalid program exits 1
with its file:line diagnostics, exactly as `cxgov validate` reports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.cli.common import load_or_exit
from app.spec.metric import Metric


@dataclass(frozen=True)
class ProgramBits:
    timezone: str
    metrics: dict[str, Metric]


def load_program_bits(root: Path) -> ProgramBits:
    """Program timezone and metrics, or exit 1 with the program's diagnostics."""
    program = load_or_exit(root)
    return ProgramBits(timezone=program.timezone, metrics=dict(program.metrics))
