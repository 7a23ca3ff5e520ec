"""Contact exports: choose the mapping, import a file and recompute, and the imports' reports.

"Import, then bring the computed actuals up to date" is one use case: the CLI, the app and the
demo all call `import_file`, so an import never moves the contacts without the actuals following.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from app.errors import FileProblem, Invalid, UsageError
from app.evaluate import ActualsIndex, ProgramEvaluation, evaluate_program
from app.evaluate.changes import ProgramChanges, program_changes
from app.ingest import builtin_profile, load_mapping
from app.ingest import profile_names as profile_names
from app.ingest.mapping import Mapping as Mapping
from app.load import Diagnostic
from app.metrics import refresh_after_import
from app.metrics.batch import BatchFacts, batch_facts
from app.metrics.record import ComputeSummary
from app.service.database import store_errors, transaction
from app.service.program import actuals_in, as_of_or_today, issued_in
from app.spec.program import Program, first_measured_month, scope_vocabulary
from app.store.tables import FieldIssue, ImportBatch, QuarantinedRow
from app.words import counted

if TYPE_CHECKING:
    from app.ingest.importer import ImportSummary as ImportSummary

DEFAULT_PROFILE = "generic"


@dataclass(frozen=True)
class ChosenMapping:
    mapping: Mapping
    warnings: list[Diagnostic]


def choose_mapping(mapping_file: Path | None = None, profile: str | None = None) -> ChosenMapping:
    """A user's mapping file, or a shipped profile by name (default: generic); not both."""
    if mapping_file is not None and profile is not None:
        raise UsageError("give a mapping file or a profile, not both")
    if mapping_file is None:
        return ChosenMapping(builtin_profile(profile or DEFAULT_PROFILE), [])
    mapping, diagnostics = load_mapping(mapping_file)
    if mapping is None:
        raise Invalid(f"the mapping {mapping_file} has errors", diagnostics)
    return ChosenMapping(mapping, sorted(diagnostics))


OPEN_LONG_DAYS = 90
"""A contact with no resolution created this many days before the as-of date is reported as
counting as open in every backlog from then on (the preview's warning)."""
ISSUE_EXAMPLES = 3
"""Examples shown per reason of a field issue or a quarantine."""


@dataclass(frozen=True)
class ImportOutcome:
    summary: ImportSummary
    computed: ComputeSummary | None
    """The recompute that followed (None when nothing changed or it was not asked for)."""
    changes: ProgramChanges = field(default_factory=ProgramChanges)
    """What the import changed (a preview: would change) in the stored actuals, the goals'
    statuses, the SLA outcomes and the credits, evaluated as of `as_of`."""
    as_of: date | None = None
    dry_run: bool = False
    """A preview: everything was rolled back, nothing was imported."""
    facts: BatchFacts | None = None
    """The preview's look at the rows: months, period, vocabulary, contacts open for ever."""
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Reason code → a few of its field issues and quarantined rows (the preview's)."""
    warnings: tuple[str, ...] = ()
    """What a manager should read before importing (the preview's), one sentence each."""

    @property
    def months(self) -> list[str]:
        """The months whose actuals were (would be) recomputed."""
        return [str(month) for month in self.computed.months] if self.computed else []

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dry_run": self.dry_run,
            **self.summary.as_dict(),
            "computed": self.computed.as_dict() if self.computed else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "changes": self.changes.to_dict(),
        }
        if self.dry_run:
            del out["batch_id"]  # rolled back: no such batch
            out["months_touched"] = self.facts.months if self.facts else {}
            out["examples"] = self.examples
            out["warnings"] = list(self.warnings)
            out["facts"] = self.facts.as_dict() if self.facts else None
        return out


@dataclass(frozen=True)
class _Snapshot:
    actuals: ActualsIndex
    evaluation: ProgramEvaluation


def _snapshot(session: Session, program: Program, as_of: date) -> _Snapshot:
    actuals = actuals_in(session, metrics=program.metrics)
    return _Snapshot(
        actuals,
        evaluate_program(program, actuals, as_of=as_of, issued=issued_in(session)),
    )


def _changes(before: _Snapshot, after: _Snapshot) -> ProgramChanges:
    return program_changes(
        before.evaluation,
        after.evaluation,
        actuals_before=before.actuals,
        actuals_after=after.actuals,
    )


def _ingest(
    engine: Engine,
    program: Program,
    path: Path,
    *,
    mapping: Mapping,
    author: str,
    progress: Callable[[int], None] | None,
    before_commit: Callable[[Connection, ImportSummary], None],
    commit: bool,
) -> ImportSummary:
    from app.ingest import FILE_ERRORS, ingest_file  # pyarrow: only when importing

    try:
        with store_errors("import into"):
            return ingest_file(
                engine,
                Path(path),
                mapping=mapping,
                program_timezone=program.timezone,
                author=author,
                progress=progress,
                before_commit=before_commit,
                commit=commit,
            )
    except FILE_ERRORS as exc:
        raise FileProblem(f"{Path(path).name}: {exc}; nothing was imported") from None


def import_file(
    engine: Engine,
    program: Program,
    path: Path,
    *,
    mapping: Mapping,
    author: str,
    compute: bool = True,
    progress: Callable[[int], None] | None = None,
    as_of: date | None = None,
) -> ImportOutcome:
    """Import one export in one transaction, then recompute the actuals of every month it changed,
    and say what that changed (goal statuses, SLA outcomes, credits, stored actuals) as of
    `as_of` (default today).

    A file that cannot be read is a `FileProblem` and nothing is imported."""
    when = as_of_or_today(program, as_of)
    before: list[_Snapshot] = []

    def remember(conn: Connection, summary: ImportSummary) -> None:
        # The actuals and the ledger as the import's transaction sees them before the recompute.
        if compute and (summary.imported or summary.updated):
            with Session(bind=conn) as session:
                before.append(_snapshot(session, program, when))

    summary = _ingest(
        engine,
        program,
        path,
        mapping=mapping,
        author=author,
        progress=progress,
        before_commit=remember,
        commit=True,
    )
    computed = None
    changes = ProgramChanges()
    if compute and (summary.imported or summary.updated):
        with store_errors("recompute the actuals in"):
            computed = refresh_after_import(
                engine, program, batch_id=summary.batch_id, author=author
            )
        with transaction(engine, "read") as session:
            changes = _changes(before[0], _snapshot(session, program, when))
    return ImportOutcome(summary, computed, changes, when)


def preview_import(
    engine: Engine,
    program: Program,
    path: Path,
    *,
    mapping: Mapping,
    author: str,
    progress: Callable[[int], None] | None = None,
    as_of: date | None = None,
    open_days: int = OPEN_LONG_DAYS,
) -> ImportOutcome:
    """The whole import — the contacts and the recompute of the actuals — in one transaction that
    is rolled back, and what it would change: rows by outcome, field issues with examples, months,
    stored actuals, goal statuses, SLA outcomes, credits, and warnings. Nothing in the database
    changes."""
    when = as_of_or_today(program, as_of)
    found: dict[str, Any] = {}

    def look(conn: Connection, summary: ImportSummary) -> None:
        with Session(bind=conn) as session:
            before = _snapshot(session, program, when)
        computed = None
        if summary.imported or summary.updated:
            computed = refresh_after_import(conn, program, batch_id=summary.batch_id, author=author)
        with Session(bind=conn) as session:
            found["changes"] = _changes(before, _snapshot(session, program, when))
            found["examples"] = _examples(session, summary.batch_id)
        found["computed"] = computed
        tz = program.timezone
        found["facts"] = batch_facts(
            conn,
            batch_id=summary.batch_id,
            timezone=tz,
            period_start=first_measured_month(program).start(tz),
            period_end=_day_end(when, tz),
            vocabulary=scope_vocabulary(program),
            open_before=_day_end(when - timedelta(days=open_days), tz),
        )

    summary = _ingest(
        engine,
        program,
        path,
        mapping=mapping,
        author=author,
        progress=progress,
        before_commit=look,
        commit=False,
    )
    facts: BatchFacts = found["facts"]
    return ImportOutcome(
        summary,
        found["computed"],
        found["changes"],
        when,
        dry_run=True,
        facts=facts,
        examples=found["examples"],
        warnings=tuple(_warnings(facts, program, when, open_days)),
    )


def _day_end(day: date, tz: str) -> datetime:
    """The first instant after `day` in timezone `tz` (UTC)."""
    from zoneinfo import ZoneInfo

    local = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZoneInfo(tz))
    return local.astimezone(UTC)


def _examples(session: Session, batch_id: int) -> dict[str, list[dict[str, Any]]]:
    """A few field issues and quarantined rows per reason code, in line order."""
    out: dict[str, list[dict[str, Any]]] = {}
    issues = session.execute(
        select(FieldIssue)
        .where(col(FieldIssue.batch_id) == batch_id)
        .order_by(col(FieldIssue.line_number))
        .limit(5000)
    ).scalars()
    for issue in issues:
        shown = out.setdefault(issue.reason.split(":", 1)[0], [])
        if len(shown) < ISSUE_EXAMPLES:
            shown.append(
                {
                    "line": issue.line_number,
                    "field": issue.field,
                    "value": issue.raw_value,
                    "reason": issue.reason,
                }
            )
    rows = session.execute(
        select(QuarantinedRow)
        .where(col(QuarantinedRow.batch_id) == batch_id)
        .order_by(col(QuarantinedRow.line_number))
        .limit(5000)
    ).scalars()
    for row in rows:
        reasons = [str(reason) for reason in _json_list(row.reasons)]
        for reason in reasons:
            shown = out.setdefault(reason.split(":", 1)[0], [])
            if len(shown) < ISSUE_EXAMPLES:
                shown.append({"line": row.line_number, "reason": reason})
    return dict(sorted(out.items()))


def _warnings(facts: BatchFacts, program: Program, as_of: date, open_days: int) -> list[str]:
    out = []
    if facts.before_period:
        out.append(
            f"{counted(facts.before_period, 'row')} dated before {first_measured_month(program)}, "
            "the first month the program measures"
        )
    if facts.after_period:
        out.append(f"{counted(facts.after_period, 'row')} dated after {as_of} (in the future)")
    for dimension, values in facts.outside_vocabulary.items():
        listed = ", ".join(f"{value} ({count:,})" for value, count in values.items())
        out.append(
            f"{dimension} values no scope of the program names: {listed} — these contacts are "
            f"in no series scoped by {dimension}"
        )
    if facts.open_long:
        out.append(
            f"{counted(facts.open_long, 'contact')} without a resolution created more than "
            f"{counted(open_days, 'day')} before {as_of}: each counts as open in every backlog "
            "from then on"
        )
    return out


def recent_imports(engine: Engine, *, limit: int = 10) -> list[dict[str, Any]]:
    """The latest imports, newest first, with their counts."""
    with transaction(engine, "read") as session:
        batches = session.execute(
            select(ImportBatch).order_by(col(ImportBatch.id).desc()).limit(limit)
        ).scalars()
        return [
            {
                "batch": b.id,
                "file": b.file_name,
                "profile": b.source,
                "by": b.author,
                "finished": b.finished_at.isoformat(timespec="seconds") if b.finished_at else "",
                "read": b.rows_read,
                "imported": b.rows_imported,
                "updated": b.rows_updated,
                "unchanged": b.rows_unchanged,
                "quarantined": b.rows_quarantined,
                "field issues": b.field_issues,
            }
            for b in batches
        ]


_BatchRow = TypeVar("_BatchRow", QuarantinedRow, FieldIssue)


def _batch_rows(
    engine: Engine, table: type[_BatchRow], batch_id: int, limit: int
) -> list[_BatchRow]:
    with transaction(engine, "read") as session:
        return list(
            session.execute(
                select(table)
                .where(col(table.batch_id) == batch_id)
                .order_by(col(table.line_number))
                .limit(limit)
            ).scalars()
        )


def quarantine_report(engine: Engine, batch_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Rows of one import that could not be placed: line, every reason, the raw values."""
    return [
        {"line": r.line_number, "reasons": "; ".join(map(str, _json_list(r.reasons))), "raw": r.raw}
        for r in _batch_rows(engine, QuarantinedRow, batch_id, limit)
    ]


def field_issues(engine: Engine, batch_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Bad fields left blank in otherwise good rows of one import."""
    return [
        {
            "line": r.line_number,
            "contact": r.contact_id,
            "field": r.field,
            "value": r.raw_value,
            "reason": r.reason,
        }
        for r in _batch_rows(engine, FieldIssue, batch_id, limit)
    ]


def _json_list(text: str) -> list[Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return value if isinstance(value, list) else [value]
