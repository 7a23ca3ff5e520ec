"""Contact exports: choose the mapping, import a file and recompute, and the imports' reports.

"Import, then bring the computed actuals up to date" is one use case: the CLI, the app and the
demo all call `import_file`, so an import never moves the contacts without the actuals following.
The months an import can change are owed a recompute in the import's own transaction
(`app.store.owed`), so a crash before the recompute is repaired by the next reader of the actuals
or the next import. `revert_batch` withdraws an import the same way.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from app.errors import FileProblem, Invalid, NotFound, Refused, UsageError
from app.evaluate import ActualsIndex, ProgramEvaluation, evaluate_program
from app.evaluate.changes import ProgramChanges, program_changes
from app.ingest import builtin_profile, load_mapping
from app.ingest import profile_names as profile_names
from app.ingest.mapping import Mapping as Mapping
from app.ingest.mapping import MappingSpec
from app.load import Diagnostic
from app.metrics import months_touched_by, recompute_owed
from app.metrics.batch import BatchFacts, batch_facts
from app.metrics.record import ComputeSummary
from app.service.database import store_errors, transaction
from app.service.program import actuals_in, as_of_or_today, issued_in
from app.spec.program import Program, first_measured_month, scope_vocabulary
from app.store import withdrawals
from app.store.owed import owe
from app.store.tables import BatchWithdrawal, FieldIssue, ImportBatch, QuarantinedRow
from app.words import counted

if TYPE_CHECKING:
    from app.ingest.importer import ImportSummary as ImportSummary

DEFAULT_PROFILE = "generic"


@dataclass(frozen=True)
class ChosenMapping:
    mapping: Mapping
    warnings: list[Diagnostic]


@dataclass(frozen=True)
class MappingOverrides:
    """Settings given for one import over whatever the profile or mapping file says, so changing
    one of them does not mean copying a whole profile. None: the mapping's own."""

    delimiter: str | None = None
    encoding: str | None = None
    timezone: str | None = None
    """Time zone of naive timestamps: replaces the mapping's and every field's own."""
    source: str | None = None
    timestamp_format: str | None = None
    """strptime format of every timestamp column (not the durations `after` created_at)."""


_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}


def _apply(mapping: Mapping, overrides: MappingOverrides) -> Mapping:
    """The mapping with the overrides applied, validated like the mapping itself."""
    changes: dict[str, Any] = {}
    if overrides.delimiter is not None:
        changes["delimiter"] = _DELIMITER_NAMES.get(overrides.delimiter, overrides.delimiter)
    if overrides.encoding is not None:
        try:
            codecs.lookup(overrides.encoding)
        except LookupError:
            raise UsageError(
                f"unknown encoding {overrides.encoding!r} (e.g. utf-8, utf-16, cp1252, latin-1)"
            ) from None
        changes["encoding"] = overrides.encoding
    if overrides.source is not None:
        changes["source"] = overrides.source
    if overrides.timezone is not None:
        changes["timezone"] = overrides.timezone
    if overrides.timestamp_format is not None:
        changes["timestamp_format"] = overrides.timestamp_format
    if not changes:
        return mapping
    data = mapping.spec.model_dump(exclude_none=True)
    data.update(changes)
    for field_map in data["fields"].values():
        if overrides.timezone is not None:
            field_map.pop("timezone", None)
        if overrides.timestamp_format is not None and not field_map.get("after"):
            field_map.pop("format", None)
    try:
        spec = MappingSpec.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" for error in exc.errors()
        )
        raise UsageError(f"the command-line settings do not fit the mapping: {problems}") from None
    return mapping.model_copy(update={"spec": spec})


def choose_mapping(
    mapping_file: Path | None = None,
    profile: str | None = None,
    overrides: MappingOverrides | None = None,
) -> ChosenMapping:
    """A user's mapping file, or a shipped profile by name (default: generic); not both; with
    `overrides` applied over it."""
    if mapping_file is not None and profile is not None:
        raise UsageError("give a mapping file or a profile, not both")
    if mapping_file is None:
        chosen = ChosenMapping(builtin_profile(profile or DEFAULT_PROFILE), [])
    else:
        mapping, diagnostics = load_mapping(mapping_file)
        if mapping is None:
            raise Invalid(f"the mapping {mapping_file} has errors", diagnostics)
        chosen = ChosenMapping(mapping, sorted(diagnostics))
    if overrides is None:
        return chosen
    return ChosenMapping(_apply(chosen.mapping, overrides), chosen.warnings)


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
            out["examples"] = self.examples
            out["warnings"] = [*self.summary.warnings, *self.warnings]
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
    strict: bool = False,
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
                strict=strict,
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
    strict: bool = False,
    as_of: date | None = None,
) -> ImportOutcome:
    """Import one export in one transaction, then recompute the actuals of every month it changed,
    and say what that changed (goal statuses, SLA outcomes, credits, stored actuals) as of
    `as_of` (default today).

    The months it can change (`months_touched_by`) are owed a recompute in the import's own
    transaction; the recompute that follows takes every month owed, this import's and any an
    interrupted one left, so re-running an import after a crash repairs it even when nothing
    changes. Without `compute` the months stay owed: the next reader of the actuals recomputes
    them. A file that cannot be read is a `FileProblem` and nothing is imported."""
    when = as_of_or_today(program, as_of)
    before: list[_Snapshot] = []

    def owe_and_remember(conn: Connection, summary: ImportSummary) -> None:
        _owe_months_touched(conn, program, summary)
        if compute:  # the actuals and the ledger as they stand before the recompute
            with Session(bind=conn) as session:
                before.append(_snapshot(session, program, when))

    summary = _ingest(
        engine,
        program,
        path,
        mapping=mapping,
        author=author,
        progress=progress,
        before_commit=owe_and_remember,
        commit=True,
        strict=strict,
    )
    computed = None
    changes = ProgramChanges()
    if compute:
        with store_errors("recompute the actuals in"):
            computed = recompute_owed(engine, program, author=author)
        if computed is not None:
            with transaction(engine, "read") as session:
                changes = _changes(before[0], _snapshot(session, program, when))
    return ImportOutcome(summary, computed, changes, when)


def _owe_months_touched(conn: Connection, program: Program, summary: ImportSummary) -> None:
    """The months the import can change, owed a recompute in its own transaction."""
    if summary.imported or summary.updated:
        months = months_touched_by(conn, program, summary.batch_id)
        owe(conn, months, batch_id=summary.batch_id, reason="import")
        summary.months_touched = [str(month) for month in months]


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
    strict: bool = False,
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
        _owe_months_touched(conn, program, summary)
        computed = recompute_owed(conn, program, author=author)
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
        strict=strict,
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


def _batch_row(batch: ImportBatch, withdrawal: BatchWithdrawal | None) -> dict[str, Any]:
    return {
        "batch": batch.id,
        "file": batch.file_name,
        "profile": batch.source,
        "by": batch.author,
        "finished": batch.finished_at.isoformat(timespec="seconds") if batch.finished_at else "",
        "read": batch.rows_read,
        "imported": batch.rows_imported,
        "updated": batch.rows_updated,
        "unchanged": batch.rows_unchanged,
        "quarantined": batch.rows_quarantined,
        "field issues": batch.field_issues,
        "withdrawn": None
        if withdrawal is None
        else {
            "by": withdrawal.withdrawn_by,
            "at": withdrawal.withdrawn_at.isoformat(timespec="seconds"),
            "reason": withdrawal.reason,
            "contacts_withdrawn": withdrawal.contacts_withdrawn,
            "contacts_restored": withdrawal.contacts_restored,
        },
    }


def batch_report(
    engine: Engine, batch_id: int | None = None, *, limit: int = 500
) -> dict[str, Any]:
    """One import (default: the latest) with its quarantined rows and field issues and their
    reasons (the first `limit` of each, by line), and whether it was withdrawn."""
    with transaction(engine, "read") as session:
        if batch_id is None:
            batch = session.execute(
                select(ImportBatch).order_by(col(ImportBatch.id).desc()).limit(1)
            ).scalar_one_or_none()
            if batch is None:
                raise NotFound("nothing imported yet: no import to report on")
        else:
            batch = session.get(ImportBatch, batch_id)
            if batch is None:
                raise NotFound(f"no import batch {batch_id}")
        row = _batch_row(batch, withdrawals.withdrawal_of(session, int(batch.id or 0)))
    number = int(row["batch"])
    return {
        **row,
        "quarantined_rows": quarantine_report(engine, number, limit=limit),
        "field_issue_rows": field_issues(engine, number, limit=limit),
    }


@dataclass(frozen=True)
class Reverted:
    batch_id: int
    withdrawn: int
    """contacts the batch brought, taken out"""
    restored: int
    """contacts the batch changed, given their previous values back"""
    months: list[str]
    computed: ComputeSummary | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "contacts_withdrawn": self.withdrawn,
            "contacts_restored": self.restored,
            "months_touched": self.months,
            "computed": self.computed.as_dict() if self.computed else None,
        }


def revert_batch(
    engine: Engine, program: Program, batch_id: int, *, author: str, reason: str
) -> Reverted:
    """Withdraw import `batch_id` (append-only: the withdrawal is recorded and the contacts kept
    in `withdrawn_contacts`), then recompute the months it touched — owed in the same
    transaction, like an import's. Refused for a batch already withdrawn or one whose contacts a
    later import has changed since (withdraw that one first)."""
    if not reason.strip():
        raise UsageError("say why the import is withdrawn (--reason)")
    with store_errors("withdraw an import from"), transaction(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound(f"no import batch {batch_id}")
        done = withdrawals.withdrawal_of(session, batch_id)
        if done is not None:
            raise Refused(
                f"import batch {batch_id} was already withdrawn by {done.withdrawn_by} on "
                f"{done.withdrawn_at:%Y-%m-%d %H:%M} UTC"
            )
        later = withdrawals.later_batches(session, batch_id)
        if later:
            names = ", ".join(str(number) for number in later)
            raise Refused(
                f"import batch {batch_id} cannot be withdrawn: a later import changed its contacts "
                f"since (batch {names}); withdraw that one first"
            )
        months = months_touched_by(session, program, batch_id)
        withdrawal = withdrawals.withdraw(session, batch_id, by=author, reason=reason.strip())
        owe(session, months, batch_id=batch_id, reason="revert")
        withdrawn, restored = withdrawal.contacts_withdrawn, withdrawal.contacts_restored
    with store_errors("recompute the actuals in"):
        computed = recompute_owed(engine, program, author=author)
    return Reverted(batch_id, withdrawn, restored, [str(month) for month in months], computed)
