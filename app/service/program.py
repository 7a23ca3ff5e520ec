"""The program at a date with its evaluation: load → read the actuals → evaluate.

Every reader of the program's state (`cxgov status` and `credits`, the app's pages, the review
pack, `cxgov diff`'s money effects, notifications) goes through these functions, so "which
actuals count" and "as of when" are decided once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.errors import InvalidProgram, UsageError
from app.evaluate import ActualsIndex, IssuedCredit, ProgramEvaluation, evaluate_program
from app.ingest.vocabulary import import_vocabulary
from app.load import LoadResult, load_program
from app.metrics import ComputeSummary, recompute_owed
from app.periods import Month, today_in
from app.service.database import open_store, store_errors, transaction
from app.spec.program import Program
from app.store.actuals import last_change as newest_change
from app.store.actuals import latest_values
from app.store.ledger import ledger_entries
from app.store.owed import owed_months


def check_root(root: Path) -> Path:
    """The root as given, or a usage error when it is not a folder."""
    if not Path(root).is_dir():
        raise UsageError(
            f"{root} is not a folder; pass the program root (the folder with program.yaml)"
        )
    return Path(root)


def validate(root: Path, *, today: date | None = None, strict: bool = False) -> LoadResult:
    """Every diagnostic of the program at `root` (the loader never raises for bad YAML), scope
    values checked against what the shipped profiles and the program's mapping files store."""
    return load_program(
        check_root(root), today=today, strict=strict, import_vocabulary=import_vocabulary
    )


def valid_program(root: Path, *, today: date | None = None) -> Program:
    """The validated program, or `InvalidProgram` with its error diagnostics."""
    result = validate(root, today=today)
    if result.program is None:
        raise InvalidProgram(root, result.diagnostics)
    return result.program


def as_of_or_today(program: Program, as_of: date | None) -> date:
    """The date to evaluate at: the one asked for, else today in the program's timezone."""
    return as_of if as_of is not None else today_in(program.timezone)


def repair_owed(engine: Engine, program: Program) -> ComputeSummary | None:
    """Recompute the months an import or a withdrawal left owed (a crash between its commit and
    its recompute), before anything reads the actuals; None when nothing was owed (one small
    read). Every use case that reads the actuals with a program calls this first."""
    with transaction(engine, "read") as session:
        if not owed_months(session):
            return None
    with store_errors("recompute the actuals in"):
        return recompute_owed(engine, program, author="cxgov")


def actuals_in(session: Session, *, metrics: Iterable[str] | None = None) -> ActualsIndex:
    """The latest revision of every actual (of `metrics` only, when given), indexed."""
    wanted = None if metrics is None else sorted(set(metrics))
    return ActualsIndex.from_rows(latest_values(session, metrics=wanted))


def read_actuals(engine: Engine, *, metrics: Iterable[str] | None = None) -> ActualsIndex:
    with transaction(engine, "read") as session:
        return actuals_in(session, metrics=metrics)


def issued_in(session: Session, *, contract_id: str | None = None) -> list[IssuedCredit]:
    """The credit ledger's entries (of one contract, when given), as the evaluation reads them."""
    return [
        IssuedCredit(
            contract_id=row.contract_id,
            period=Month.parse(row.period),
            entry=row.entry,
            amount=row.amount,
            currency=row.currency,
            invoice=row.invoice,
            issued_on=row.issued_on,
            issued_by=row.issued_by,
            credit=row.credit,
            note=row.note,
        )
        for row in ledger_entries(session, contract_id=contract_id)
    ]


def evaluation_in(session: Session, program: Program, as_of: date) -> ProgramEvaluation:
    """The program evaluated over the latest actuals and the credit ledger, in one snapshot."""
    return evaluate_program(
        program,
        actuals_in(session, metrics=program.metrics),
        as_of=as_of,
        issued=issued_in(session),
    )


def evaluate_at(engine: Engine, program: Program, as_of: date) -> ProgramEvaluation:
    """The program evaluated over the store's latest actuals and credit ledger as of `as_of`
    (what an interrupted import owes recomputed first)."""
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        return evaluation_in(session, program, as_of)


def last_change(engine: Engine) -> str:
    """When the numbers last changed, as text ("" for an empty store): a cache key for evaluations."""
    with transaction(engine, "read") as session:
        moment = newest_change(session)
    return moment.isoformat() if moment else ""


@dataclass(frozen=True)
class ProgramState:
    """The program and its evaluation at one date, over one state of the store."""

    program: Program
    evaluation: ProgramEvaluation
    engine: Engine

    @property
    def as_of(self) -> date:
        return self.evaluation.as_of


def program_state(root: Path, *, as_of: date | None = None) -> ProgramState:
    """Load the program at `root`, open its store and evaluate it (as of today by default)."""
    program = valid_program(root, today=as_of)
    engine = open_store(root)
    return ProgramState(
        program, evaluate_at(engine, program, as_of_or_today(program, as_of)), engine
    )
