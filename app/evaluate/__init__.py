"""Evaluation: goal status and forecast, SLA attainment and service credits, roadmap status.

Pure: no database, no files, no clock — `as_of` is always a parameter and actuals come in as an
`ActualsIndex`. The CLI, the app and the review packs all call `evaluate_program`.
"""

from app.evaluate.actuals import ActualPoint, ActualsIndex
from app.evaluate.attainment import ObjectivePeriod
from app.evaluate.contracts import (
    ContractEvaluation,
    ExposureSummary,
    evaluate_contracts,
    exposure_summary,
)
from app.evaluate.credits import CapApplied, CreditLine, PeriodCredit
from app.evaluate.fees import MonthFee
from app.evaluate.forecast import Forecast, forecast
from app.evaluate.goals import GoalEvaluation, GuardrailCheck, evaluate_goals
from app.evaluate.ledger import CreditStatus, IssuedCredit
from app.evaluate.program import ProgramEvaluation, evaluate_program
from app.evaluate.roadmap import (
    DUE_SOON_DAYS,
    ItemStatus,
    PhaseStatus,
    RoadmapEvaluation,
    evaluate_roadmap,
)
from app.evaluate.rollup import Rollup, Transition, goal_rollup
from app.evaluate.serialize import to_jsonable
from app.evaluate.staleness import StaleSeries, stale_series

__all__ = [
    "DUE_SOON_DAYS",
    "ActualPoint",
    "ActualsIndex",
    "CapApplied",
    "ContractEvaluation",
    "CreditLine",
    "CreditStatus",
    "ExposureSummary",
    "Forecast",
    "GoalEvaluation",
    "GuardrailCheck",
    "IssuedCredit",
    "ItemStatus",
    "MonthFee",
    "ObjectivePeriod",
    "PeriodCredit",
    "PhaseStatus",
    "ProgramEvaluation",
    "RoadmapEvaluation",
    "Rollup",
    "StaleSeries",
    "Transition",
    "evaluate_contracts",
    "evaluate_goals",
    "evaluate_program",
    "evaluate_roadmap",
    "exposure_summary",
    "forecast",
    "goal_rollup",
    "stale_series",
    "to_jsonable",
]
