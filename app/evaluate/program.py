"""One call for everything the committee sees: goals, roll-up, contracts, exposure, roadmap,
stale series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.evaluate.actuals import ActualsIndex
from app.evaluate.contracts import (
    ContractEvaluation,
    ExposureSummary,
    evaluate_contracts,
    exposure_summary,
)
from app.evaluate.goals import GoalEvaluation, evaluate_goals
from app.evaluate.ledger import IssuedCredit
from app.evaluate.roadmap import DUE_SOON_DAYS, RoadmapEvaluation, evaluate_roadmap
from app.evaluate.rollup import Rollup, goal_rollup
from app.evaluate.serialize import JsonReady
from app.evaluate.staleness import StaleSeries, stale_series
from app.periods import Month
from app.spec.program import Program


@dataclass(frozen=True)
class ProgramEvaluation(JsonReady):
    program: str
    as_of: date
    open_period: Month
    currency: str
    goals: tuple[GoalEvaluation, ...]
    rollup: Rollup
    contracts: tuple[ContractEvaluation, ...]
    exposure: ExposureSummary
    roadmap: RoadmapEvaluation
    stale_series: tuple[StaleSeries, ...] = ()
    """Watched series without a fresh value (`app.evaluate.staleness`)."""


def evaluate_program(
    program: Program,
    actuals: ActualsIndex,
    *,
    as_of: date,
    due_soon_days: int = DUE_SOON_DAYS,
    issued: Sequence[IssuedCredit] = (),
) -> ProgramEvaluation:
    """Everything as of `as_of`; `issued` is the credit ledger (its entries up to `as_of` count)."""
    goals = evaluate_goals(program, actuals, as_of=as_of)
    contracts = evaluate_contracts(program, actuals, as_of=as_of, issued=issued)
    return ProgramEvaluation(
        program=program.spec.name,
        as_of=as_of,
        open_period=Month.of(as_of),
        currency=program.spec.currency,
        goals=tuple(goals),
        rollup=goal_rollup(goals),
        contracts=tuple(contracts),
        exposure=exposure_summary(program, contracts),
        roadmap=evaluate_roadmap(program, as_of=as_of, due_soon_days=due_soon_days),
        stale_series=stale_series(program, actuals, as_of),
    )
