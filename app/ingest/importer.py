"""Importing one contact export: stream, stage in bulk, merge with set-based SQL, in one transaction.

The file is read and parsed a chunk at a time (memory does not grow with the file) — a big file in
a worker process (app/ingest/worker.py) while this one writes — and each chunk arrives shaped for
the database (app/ingest/chunks.py): PostgreSQL copies it with a binary COPY, SQLite attaches it
as a small database and copies it with one INSERT … SELECT. A later export's chunks go into a
temporary staging table; duplicates within the file, new, changed and unchanged contacts are then
found with SQL over that table, and the merge is set-based (UPDATE … FROM for changed contacts,
INSERT … SELECT for new ones); a source's first import, where every contact is new, inserts chunk
by chunk instead (`_FirstLoad`). Everything — the batch row, contacts, the previous values of
the contacts it changes (`contact_previous`), quarantine, field issues, and whatever the caller's
`before_commit` records — happens in one transaction: an error or a kill half-way leaves the
database as it was.

A later export of the same contact updates it; a blank in it keeps a value already known (blank
means unknown, so re-importing an older, emptier export changes nothing) unless the mapping says
`blanks: clear` for that field (a withdrawn survey answer); a bad value always keeps it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg.errors import UniqueViolation
from sqlalchemy import (
    BigInteger,
    Column,
    Identity,
    Index,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import SQLModel

from app.ingest.chunks import (
    CHUNK_ROWS,
    CHUNK_TABLE,
    CONTACT_COLUMNS,
    STAGE_COLUMNS,
    Destination,
    ParsedChunk,
    ParsingWorker,
    parsed_chunks,
)
from app.ingest.mapping import Blanks, Mapping
from app.ingest.records import (
    EncodingProblem,
    encoding_message,
    open_csv,
    read_records,
    refuse_other_encodings,
)
from app.ingest.rows import (
    FIELD_ORDER,
    ChunkNotes,
    Issue,
    MappingDoesNotFit,
    Quarantined,
    RowParser,
    visible_raw,
)
from app.store.tables import (
    Contact,
    ContactPrevious,
    FieldIssue,
    ImportBatch,
    QuarantinedRow,
    utcnow,
)

CONTACTS: Table = SQLModel.metadata.tables[Contact.__tablename__]
PREVIOUS: Table = SQLModel.metadata.tables[ContactPrevious.__tablename__]
BATCHES: Table = SQLModel.metadata.tables[ImportBatch.__tablename__]
QUARANTINE: Table = SQLModel.metadata.tables[QuarantinedRow.__tablename__]
ISSUES: Table = SQLModel.metadata.tables[FieldIssue.__tablename__]


@dataclass
class ImportSummary:
    """What one import did. rows_read == imported + updated + unchanged + quarantined."""

    batch_id: int
    file: str
    source: str
    rows_read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    field_issues: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    field_issue_reasons: dict[str, int] = field(default_factory=dict)
    months_touched: list[str] = field(default_factory=list)
    """YYYY-MM of every month whose computed actuals this import can change (set by the caller's
    `before_commit`, see `ingest_file`), each owed a recompute."""
    unmapped_values: dict[str, dict[str, int]] = field(default_factory=dict)
    """Vocabulary field (channel, queue, team, priority, segment) → each raw value its value map
    does not name → rows holding it: stored as they are (in scope form), so no goal or SLA scope
    written in the program's vocabulary counts them until the mapping names them."""
    blanks_kept: int = 0
    """Values stored before that this export has blank (or bad) and the import kept."""
    blanks_cleared: int = 0
    """Values stored before that a blank in this export cleared (fields with `blanks: clear`)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.imported + self.updated + self.unchanged + self.quarantined

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "file": self.file,
            "source": self.source,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "field_issues": self.field_issues,
            "quarantine_reasons": dict(sorted(self.quarantine_reasons.items())),
            "field_issue_reasons": dict(sorted(self.field_issue_reasons.items())),
            "months_touched": list(self.months_touched),
            "unmapped_values": {
                name: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
                for name, values in sorted(self.unmapped_values.items())
            },
            "blanks_kept": self.blanks_kept,
            "blanks_cleared": self.blanks_cleared,
            "warnings": list(self.warnings),
        }


def _stage_table() -> Table:
    columns = [Column("line_number", Integer, primary_key=True, autoincrement=False)]
    columns += [Column(name, CONTACTS.c[name].type) for name in FIELD_ORDER]
    return Table("cxgov_stage_contacts", MetaData(), *columns, prefixes=["TEMPORARY"])


STAGE = _stage_table()
STAGE_IDS = Table(
    "cxgov_stage_contact_ids",
    MetaData(),
    Column("line_number", Integer, nullable=False),
    Column("contact_id", CONTACTS.c.contact_id.type, nullable=False),
    prefixes=["TEMPORARY"],
)
"""A first load inserts its rows into contacts chunk by chunk and stages only lines and ids (for
the duplicate check)."""
CHUNK_SCHEMA = "cxgov_chunk"
CHUNK = Table(
    CHUNK_TABLE, MetaData(), *[Column(name) for name in STAGE_COLUMNS], schema=CHUNK_SCHEMA
)
"""SQLite: the chunk in hand, a database (`chunks.sqlite_chunk`) attached under CHUNK_SCHEMA."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _as_contacts(rows: Table, source: str, batch_id: int) -> Select[Any]:
    """The staged or chunk `rows` as contacts of this source and import batch (CONTACT_COLUMNS)."""
    return select(literal(source), literal(batch_id), *[rows.c[name] for name in FIELD_ORDER])


def _write_stage(conn: Connection, parsed: ParsedChunk) -> None:
    """One parsed chunk into the staging table, on the import's own connection: PostgreSQL gets
    the chunk in one binary COPY, SQLite copies its chunk database in one INSERT … SELECT."""
    if not parsed.kept:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, _COPY_SQL, parsed.rows)
        return
    _attach_chunk(conn, parsed.rows)
    conn.execute(insert(STAGE).from_select(list(STAGE_COLUMNS), select(*CHUNK.c)))


_Driver = TypeVar("_Driver")


def _driver(conn: Connection, driver_class: type[_Driver]) -> _Driver:
    """The DB-API connection under `conn`, as its driver's class (SQLAlchemy types it as any)."""
    driver = conn.connection.driver_connection
    if not isinstance(driver, driver_class):
        raise TypeError(
            f"expected a {driver_class.__name__} connection, got {type(driver).__name__}"
        )
    return driver


def _attach_chunk(conn: Connection, chunk: bytes) -> None:
    """SQLite: make `chunk` (a serialized database, see `chunks.sqlite_chunk`) the CHUNK table."""
    _driver(conn, sqlite3.Connection).deserialize(chunk, name=CHUNK_SCHEMA)


@contextmanager
def _import_transaction(engine: Engine, *, commit: bool = True) -> Iterator[Connection]:
    """The import's one transaction; on SQLite with CHUNK_SCHEMA attached for its length.
    Without `commit` it is rolled back at the end however it went (a dry run).

    SQLite detaches a database only outside a transaction that has read it, so the detach comes
    after the commit or rollback; a connection that cannot detach is dropped from the pool."""
    with engine.connect() as conn:
        attached = False
        try:
            with conn.begin() as transaction:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"ATTACH DATABASE ':memory:' AS {CHUNK_SCHEMA}")
                    attached = True
                yield conn
                if not commit:
                    transaction.rollback()
        finally:
            if attached and not conn.invalidated:
                try:
                    _driver(conn, sqlite3.Connection).execute(f"DETACH DATABASE {CHUNK_SCHEMA}")
                except sqlite3.Error:
                    conn.invalidate()


def _copy(conn: Connection, statement: str, data: bytes) -> None:
    """PostgreSQL: COPY … FROM STDIN of `data` on the import's connection."""
    with (
        _driver(conn, psycopg.Connection).cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        copy.write(data)


_COPY_SQL = f"COPY {STAGE.name} ({', '.join(STAGE_COLUMNS)}) FROM STDIN (FORMAT binary)"
DIALECTS = ("sqlite", "postgresql")

PARALLEL_MIN_BYTES = 8 << 20
"""Files at least this big are parsed in a worker process while this one writes (about 50,000 rows)."""


def _quarantine_rows(batch_id: int, rows: list[Quarantined]) -> list[dict[str, Any]]:
    return [
        {
            "batch_id": batch_id,
            "line_number": row.line_number,
            "raw": json.dumps(row.raw, ensure_ascii=False),
            "reasons": json.dumps(list(row.reasons), ensure_ascii=False),
        }
        for row in rows
    ]


def _issue_rows(batch_id: int, issues: list[Issue]) -> list[dict[str, Any]]:
    return [
        {
            "batch_id": batch_id,
            "line_number": issue.line_number,
            "contact_id": issue.contact_id,
            "field": issue.field,
            "raw_value": visible_raw(issue.raw_value),
            "reason": issue.reason,
        }
        for issue in issues
    ]


FILE_ERRORS: tuple[type[Exception], ...] = (
    MappingDoesNotFit,
    EncodingProblem,
    ValueError,
    UnicodeDecodeError,
    csv.Error,
    NotImplementedError,
)
"""What `ingest_file` raises for a file it cannot read — the mapping does not fit it, it is empty,
its bytes are not in the mapping's encoding, the csv module refuses it (a field over its 128 KB
limit) — or a store it cannot import into: a message for the user; nothing was imported."""
SQLITE_CAN_DESERIALIZE = hasattr(sqlite3.Connection, "deserialize")
"""Python's sqlite3 has `deserialize` where its SQLite has it (3.36 and later build it in): the
SQLite import takes its chunks through it (see `_attach_chunk`)."""


def ingest_file(
    engine: Engine,
    path: Path,
    *,
    mapping: Mapping,
    program_timezone: str,
    author: str,
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    before_commit: Callable[[Connection, ImportSummary], None] | None = None,
    strict: bool = False,
    commit: bool = True,
) -> ImportSummary:
    """Import one export file in one transaction and say what happened (see ImportSummary).

    `before_commit` runs last inside that transaction, on its connection, with the summary, once
    the contacts are merged (the batch's new and changed contacts carry its `batch_id`, the
    changed ones' previous values are in `contact_previous`): where the caller records what the
    import owes, so that it commits with the contacts or not at all, and where the preview
    recomputes and evaluates. `strict`: a mapped optional column missing from the file is an
    error, not a warning. Without `commit` the transaction is rolled back at the end: nothing of
    the import stays — no batch row, contact, quarantined row or field issue (a dry run); the
    summary says what it would have done."""
    path = Path(path)
    try:
        return _ingest_file(
            engine,
            path,
            mapping,
            program_timezone,
            author,
            progress,
            chunk_rows,
            strict,
            before_commit,
            commit,
        )
    except UnicodeDecodeError as exc:
        raise EncodingProblem(encoding_message(path, mapping.spec.encoding, exc)) from None


def _ingest_file(
    engine: Engine,
    path: Path,
    mapping: Mapping,
    program_timezone: str,
    author: str,
    progress: Callable[[int], None] | None,
    chunk_rows: int,
    strict: bool,
    before_commit: Callable[[Connection, ImportSummary], None] | None,
    commit: bool,
) -> ImportSummary:
    refuse_other_encodings(path, mapping.spec.encoding)
    _reader, header, handle = open_csv(path, mapping)
    handle.close()
    parser = RowParser(
        mapping, header, program_timezone, strict=strict
    )  # a file the mapping does not fit stops here
    if engine.dialect.name not in DIALECTS:
        raise NotImplementedError(
            f"contact imports support SQLite and PostgreSQL, not {engine.dialect.name}"
        )
    if engine.dialect.name == "sqlite" and not SQLITE_CAN_DESERIALIZE:
        raise NotImplementedError(
            f"importing contacts into SQLite needs SQLite 3.36 or later under Python's sqlite3 (this one has "
            f"{sqlite3.sqlite_version}); use a newer Python or store the contacts in PostgreSQL (CXGOV_DATABASE_URL)"
        )
    worker = ParsingWorker() if path.stat().st_size >= PARALLEL_MIN_BYTES else None
    try:
        digest = file_sha256(path)
        read = worker.chunks if worker is not None else parsed_chunks
        source = mapping.spec.source
        with _import_transaction(engine, commit=commit) as conn:
            batch_id = int(
                conn.execute(
                    insert(BATCHES)
                    .values(
                        source=source,
                        file_name=path.name,
                        file_sha256=digest,
                        started_at=utcnow(),
                        author=author,
                    )
                    .returning(BATCHES.c.id)
                ).scalar_one()
            )
            first_load = (
                _FirstLoad(conn, source, batch_id) if _source_is_new(conn, source) else None
            )
            destination = (
                first_load.destination if first_load is not None else Destination(conn.dialect.name)
            )
            with closing(read(path, mapping, program_timezone, chunk_rows, destination)) as chunks:
                summary = _import(
                    conn, path, batch_id, chunks, parser, mapping, first_load, progress
                )
            if before_commit is not None:
                before_commit(conn, summary)
            return summary
    finally:
        if worker is not None:
            worker.stop()


def _import(
    conn: Connection,
    path: Path,
    batch_id: int,
    chunks: Iterator[ParsedChunk],
    parser: RowParser,
    mapping: Mapping,
    first_load: _FirstLoad | None,
    progress: Callable[[int], None] | None,
) -> ImportSummary:
    source = mapping.spec.source
    summary = ImportSummary(batch_id=batch_id, file=path.name, source=source)
    notes = ChunkNotes({}, {})
    quarantine_codes: Counter[str] = Counter()
    issue_codes: Counter[str] = Counter()
    unmapped: dict[str, Counter[str]] = {}

    stage = STAGE_IDS if first_load is not None else STAGE
    stage.drop(conn, checkfirst=True)
    stage.create(conn)
    for parsed in chunks:
        summary.rows_read += parsed.rows_read
        if parsed.notes is not None:
            notes.merge(parsed.notes)
        if first_load is not None:
            first_load.write(parsed)
        else:
            _write_stage(conn, parsed)
        if parsed.quarantined:
            conn.execute(insert(QUARANTINE), _quarantine_rows(batch_id, parsed.quarantined))
            for row in parsed.quarantined:
                quarantine_codes.update(set(row.codes))
        if parsed.issues:
            conn.execute(insert(ISSUES), _issue_rows(batch_id, parsed.issues))
        for name, counts in (parsed.unmapped or {}).items():
            unmapped.setdefault(name, Counter()).update(counts)
        if progress is not None:
            progress(summary.rows_read)

    if first_load is None or first_load.may_have_repeats:
        conn.exec_driver_sql(
            f"CREATE INDEX ix_{stage.name}_id ON {stage.name} (contact_id, line_number)"
        )
        _quarantine_duplicates(conn, stage, path, mapping, parser, batch_id, quarantine_codes)
    if first_load is not None:
        first_load.finish(summary)
    else:
        blanks = {name: mapping.spec.blanks_of(name) for name in parser.mapped_fields}
        _merge(conn, source, batch_id, summary, blanks)
    summary.warnings = parser.warnings_from(notes)

    summary.quarantined = int(
        conn.execute(
            select(func.count()).select_from(QUARANTINE).where(QUARANTINE.c.batch_id == batch_id)
        ).scalar_one()
    )
    for reason_text, count in conn.execute(
        select(ISSUES.c.reason, func.count())
        .where(ISSUES.c.batch_id == batch_id)
        .group_by(ISSUES.c.reason)
    ):
        issue_codes[reason_text.split(":", 1)[0]] += count
    summary.field_issues = sum(issue_codes.values())
    summary.quarantine_reasons = dict(quarantine_codes)
    summary.field_issue_reasons = dict(issue_codes)
    summary.unmapped_values = {name: dict(counts) for name, counts in unmapped.items()}
    conn.execute(
        update(BATCHES)
        .where(BATCHES.c.id == batch_id)
        .values(
            finished_at=utcnow(),
            rows_read=summary.rows_read,
            rows_imported=summary.imported,
            rows_updated=summary.updated,
            rows_unchanged=summary.unchanged,
            rows_quarantined=summary.quarantined,
            field_issues=summary.field_issues,
        )
    )
    stage.drop(conn)
    if first_load is not None:
        first_load.drop()
    if not summary.balanced:  # a bug, not bad data: refuse to commit numbers that do not add up
        raise RuntimeError(f"import summary does not balance: {summary.as_dict()}")
    return summary


def _quarantine_duplicates(
    conn: Connection,
    stage: Table,
    path: Path,
    mapping: Mapping,
    parser: RowParser,
    batch_id: int,
    codes: Counter[str],
) -> None:
    """Every repeat of a contact id within the file goes to quarantine; the first occurrence is kept."""
    first = (
        select(stage.c.contact_id, func.min(stage.c.line_number).label("first_line"))
        .group_by(stage.c.contact_id)
        .having(func.count() > 1)
        .subquery()
    )
    repeats = dict(
        conn.execute(
            select(stage.c.line_number, first.c.first_line)
            .join(first, stage.c.contact_id == first.c.contact_id)
            .where(stage.c.line_number > first.c.first_line)
        ).all()
    )
    if not repeats:
        return
    raw_by_line: dict[int, dict[str, str]] = {}
    for records in read_records(
        path, mapping, parser.used_columns, CHUNK_ROWS
    ):  # a second pass, only for repeats
        for index, line_number in enumerate(records.line_numbers):
            if line_number in repeats:
                raw_by_line[line_number] = parser.raw_of(records.columns, index)
    rows = [
        Quarantined(
            line,
            raw_by_line.get(line, {}),
            (f"duplicate_id: the same contact id as line {first_line}",),
        )
        for line, first_line in sorted(repeats.items())
    ]
    conn.execute(insert(QUARANTINE), _quarantine_rows(batch_id, rows))
    codes["duplicate_id"] += len(rows)
    lines = sorted(repeats)
    for start in range(0, len(lines), 500):
        part = lines[start : start + 500]
        conn.execute(delete(stage).where(stage.c.line_number.in_(part)))
        conn.execute(
            delete(ISSUES).where(ISSUES.c.batch_id == batch_id, ISSUES.c.line_number.in_(part))
        )


def _merge(
    conn: Connection,
    source: str,
    batch_id: int,
    summary: ImportSummary,
    blanks: dict[str, Blanks],
) -> None:
    """Count new / changed / unchanged contacts, keep the changed ones' values as they were
    (`contact_previous`), then update the changed and insert the new.

    `blanks`: each field the file maps → "keep" or "clear". A staged null of a "clear" field
    clears the stored value unless it was a bad value (a field issue of this import): a bad value
    is no answer, a blank is. Fields the file does not map keep their values."""
    data_fields = [name for name in FIELD_ORDER if name != "contact_id"]
    match = and_(CONTACTS.c.source == source, CONTACTS.c.contact_id == STAGE.c.contact_id)

    cleared = [name for name in data_fields if blanks.get(name) == "clear"]
    if cleared:  # this import's bad values of those fields, keyed for a lookup per staged row
        BAD_VALUES.drop(conn, checkfirst=True)
        BAD_VALUES.create(conn)
        conn.execute(
            insert(BAD_VALUES).from_select(
                ["field", "line_number"],
                select(ISSUES.c.field, ISSUES.c.line_number)
                .where(ISSUES.c.batch_id == batch_id, ISSUES.c.field.in_(cleared))
                .distinct(),
            )
        )

    def was_bad(name: str) -> ColumnElement[bool]:
        return exists().where(
            BAD_VALUES.c.field == name, BAD_VALUES.c.line_number == STAGE.c.line_number
        )

    def new_value(name: str) -> ColumnElement[Any]:
        if blanks.get(name) == "clear":
            return case(
                (and_(STAGE.c[name].is_(None), was_bad(name)), CONTACTS.c[name]),
                else_=STAGE.c[name],
            )
        return func.coalesce(STAGE.c[name], CONTACTS.c[name])

    def differs(names: list[str]) -> ColumnElement[bool]:
        return or_(*[new_value(name).is_distinct_from(CONTACTS.c[name]) for name in names])

    def blank_over_value(name: str) -> ColumnElement[bool]:
        return and_(STAGE.c[name].is_(None), CONTACTS.c[name].is_not(None))

    def count_of(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    changed = differs(data_fields)
    indexed = sorted({column.name for index in CONTACTS.indexes for column in index.columns})
    mapped = [name for name in data_fields if name in blanks]
    blank_counts = [
        count_of(
            and_(
                blank_over_value(name),
                was_bad(name) if name in cleared else literal(True),
            )
        )
        for name in mapped
    ] + [count_of(and_(blank_over_value(name), ~was_bad(name))) for name in cleared]
    total, existing, differing, reindexed, *blank_figures = conn.execute(
        select(
            func.count(),
            func.count(CONTACTS.c.id),
            count_of(and_(CONTACTS.c.id.is_not(None), changed)),
            count_of(and_(CONTACTS.c.id.is_not(None), differs(indexed))),
            *blank_counts,
        ).select_from(STAGE.outerjoin(CONTACTS, match))
    ).one()
    summary.imported = int(total) - int(existing)
    summary.updated = int(differing)
    summary.unchanged = int(existing) - int(differing)
    summary.blanks_kept = sum(int(value) for value in blank_figures[: len(mapped)])
    summary.blanks_cleared = sum(int(value) for value in blank_figures[len(mapped) :])
    if summary.updated:
        kept = [name for name in FIELD_ORDER if name in PREVIOUS.c]
        conn.execute(
            insert(PREVIOUS).from_select(
                ["batch_id", "contact_row", "previous_batch_id", "source", *kept],
                select(
                    literal(batch_id),
                    CONTACTS.c.id,
                    CONTACTS.c.batch_id,
                    CONTACTS.c.source,
                    *[CONTACTS.c[name] for name in kept],
                )
                .select_from(CONTACTS.join(STAGE, match))
                .where(changed),
            )
        )
        # Contacts whose indexed fields change first, with every field; then the rest, leaving the
        # indexed fields out of the SET: an index is maintained for every row whose SET names its
        # columns, changed or not (SQLite, 100k updates in a 1M table: 2.25 s -> 0.47 s). The
        # first statement makes its rows equal to the stage, so the second does not see them.
        coalesced = {name: new_value(name) for name in data_fields}
        if reindexed:
            conn.execute(
                update(CONTACTS)
                .where(match, differs(indexed))
                .values({**coalesced, "batch_id": batch_id})
            )
        unindexed = {name: value for name, value in coalesced.items() if name not in indexed}
        conn.execute(
            update(CONTACTS).where(match, changed).values({**unindexed, "batch_id": batch_id})
        )
    if summary.imported:
        new_rows = _as_contacts(STAGE, source, batch_id)
        if existing:  # else every staged row is new: no need to look each one up again
            new_rows = new_rows.where(~exists().where(match))
        indexes = _ContactIndexes(conn)
        indexes.before_loading(summary.imported)
        conn.execute(insert(CONTACTS).from_select(list(CONTACT_COLUMNS), new_rows))
        indexes.restore()
    if cleared:
        BAD_VALUES.drop(conn)


BAD_VALUES = Table(
    "cxgov_stage_bad_values",
    MetaData(),
    Column("field", ISSUES.c.field.type, primary_key=True),
    Column("line_number", Integer, primary_key=True, autoincrement=False),
    prefixes=["TEMPORARY"],
)
"""A merge with `blanks: clear` fields: this import's bad values of those fields (a bad value
keeps the stored one, a blank clears it), so each staged row looks them up by key."""


REBUILD_MIN_ROWS = 50_000


class _ContactIndexes:
    """Drops the contacts table's secondary indexes (and, on PostgreSQL, its foreign key) once an
    import brings at least as many new rows as the table had, and builds them again at the end.

    Inserting a million contacts into the indexes row by row costs more than the insert itself (on
    PostgreSQL 11 s against 4 s + 1.3 s to build both indexes afterwards; SQLite 7.5 s against
    2 s + 2.4 s): building an index sorts once, maintaining it scatters writes over the whole
    tree. PostgreSQL also checks the foreign key with a trigger per row (1.8 s), where adding it
    back checks every row in one join (0.2 s). This is PostgreSQL's "Populating a Database"
    advice, applied only where it pays: when the new rows outnumber the rows already there. The
    drops and the builds are part of the import's transaction, so a failed import leaves the table
    as it was; on PostgreSQL they lock the table against readers until the import commits, the
    right trade for a first load into an (almost) empty store.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.existing = int(conn.execute(select(func.count()).select_from(CONTACTS)).scalar_one())
        self.dropped: list[Index] = []
        self.foreign_keys: list[tuple[str, str]] = []

    def before_loading(self, new_rows: int) -> None:
        """Before inserting new rows; `new_rows`: how many this import brings so far, these included."""
        if self.dropped or new_rows < REBUILD_MIN_ROWS or new_rows < self.existing:
            return
        self.dropped = sorted(CONTACTS.indexes, key=lambda index: str(index.name))
        self.foreign_keys = (
            _foreign_key_ddl(self.conn) if self.conn.dialect.name == "postgresql" else []
        )
        for index in self.dropped:
            index.drop(self.conn)
        for drop, _add in self.foreign_keys:
            self.conn.exec_driver_sql(drop)

    def restore(self) -> None:
        for index in self.dropped:
            index.create(self.conn)
        for _drop, add in self.foreign_keys:
            self.conn.exec_driver_sql(add)
        self.dropped, self.foreign_keys = [], []


def _source_is_new(conn: Connection, source: str) -> bool:
    return (
        conn.execute(select(CONTACTS.c.id).where(CONTACTS.c.source == source).limit(1)).first()
        is None
    )


class _FirstLoad:
    """A source's first import: its new contacts go in chunk by chunk while the file is still being
    parsed, instead of in one merge after the last chunk.

    No contact of the source exists yet, so every row is new except a repeat of an id earlier in
    the file. Only lines and ids are staged; a chunk goes into contacts with a plain INSERT from
    its chunk database (SQLite) or a COPY (PostgreSQL) under a savepoint; only a
    chunk the unique key stops is inserted again, in line order, with ON CONFLICT DO NOTHING,
    which keeps the first occurrence — the one the duplicate check keeps. (PostgreSQL's ON
    CONFLICT inserts speculatively, row by row: 1M rows took 6.3 s with it, 3.8 s without; a COPY
    into contacts 6.8 s against 3.2 s into the stage plus 6.9 s from it.) At the end the rows
    inserted must be the rows staged minus the repeats; anything else means another import of the
    same source wrote at the same time, and this one stops (its transaction rolls back).
    """

    def __init__(self, conn: Connection, source: str, batch_id: int) -> None:
        self.conn = conn
        self.source = source
        self.batch_id = batch_id
        self.staged = 0
        self.inserted = 0
        self.indexes = _ContactIndexes(conn)
        copies = conn.dialect.name == "postgresql"
        self.destination = (
            Destination(conn.dialect.name, source, batch_id)
            if copies
            else Destination(conn.dialect.name)
        )
        self.repeating = False

    def write(self, parsed: ParsedChunk) -> None:
        """Stage one chunk and insert its rows."""
        if not parsed.kept:
            return
        self.staged += parsed.kept
        self.indexes.before_loading(self.staged)
        if self.destination.copies_contacts:
            assert parsed.ids is not None
            _copy(self.conn, _COPY_IDS_SQL, parsed.ids)
            if self._went_in(
                lambda: _copy(self.conn, _COPY_CONTACTS_SQL, parsed.rows), UniqueViolation
            ):
                self.inserted += parsed.kept
                return
            if not self.repeating:
                REPEATING.create(self.conn, checkfirst=True)
                self.repeating = True
            _copy(self.conn, _COPY_REPEATING_SQL, parsed.rows)
            chunk = select(*[REPEATING.c[name] for name in CONTACT_COLUMNS]).order_by(
                REPEATING.c.seq
            )
            self.inserted += self._insert_keeping_first(chunk)
            self.conn.execute(delete(REPEATING))
            return
        _attach_chunk(self.conn, parsed.rows)
        self.conn.execute(
            insert(STAGE_IDS).from_select(
                ["line_number", "contact_id"], select(CHUNK.c.line_number, CHUNK.c.contact_id)
            )
        )
        chunk = _as_contacts(CHUNK, self.source, self.batch_id).order_by(CHUNK.c.line_number)
        if self._went_in(
            lambda: self.conn.execute(insert(CONTACTS).from_select(list(CONTACT_COLUMNS), chunk)),
            IntegrityError,
        ):
            self.inserted += parsed.kept
        else:
            self.inserted += self._insert_keeping_first(chunk)

    def _went_in(self, attempt: Callable[[], object], refused: type[Exception]) -> bool:
        """Runs `attempt` under a savepoint: False, and undone, when the unique key refused a row."""
        try:
            with self.conn.begin_nested():
                attempt()
        except refused:
            return False
        return True

    def _insert_keeping_first(self, rows: Select[Any]) -> int:
        statement = _dialect_insert(self.conn)(CONTACTS).from_select(list(CONTACT_COLUMNS), rows)
        statement = statement.on_conflict_do_nothing(index_elements=["source", "contact_id"])
        return int(self.conn.execute(statement.execution_options(preserve_rowcount=True)).rowcount)

    @property
    def may_have_repeats(self) -> bool:
        """False when every staged row went in: then no id was repeated (nor written by anyone else)."""
        return self.inserted != self.staged

    def finish(self, summary: ImportSummary) -> None:
        staged = int(
            self.conn.execute(select(func.count()).select_from(STAGE_IDS)).scalar_one()
        )  # repeats removed
        if staged != self.inserted:
            raise RuntimeError(
                f"another import of source {self.source!r} wrote contacts while this one ran; nothing was imported, "
                "import the file again"
            )
        summary.imported = staged
        self.indexes.restore()

    def drop(self) -> None:
        if self.repeating:
            REPEATING.drop(self.conn)


def _repeating_table() -> Table:
    columns = [Column("seq", BigInteger, Identity(), primary_key=True)]
    columns += [Column(name, CONTACTS.c[name].type) for name in CONTACT_COLUMNS]
    return Table("cxgov_stage_repeating", MetaData(), *columns, prefixes=["TEMPORARY"])


REPEATING = _repeating_table()
"""PostgreSQL: a chunk whose COPY the unique key stopped, in file order (`seq`), to insert again
with ON CONFLICT DO NOTHING."""
_COPY_IDS_SQL = f"COPY {STAGE_IDS.name} (line_number, contact_id) FROM STDIN (FORMAT binary)"
_COPY_CONTACTS_SQL = (
    f"COPY {CONTACTS.name} ({', '.join(CONTACT_COLUMNS)}) FROM STDIN (FORMAT binary)"
)
_COPY_REPEATING_SQL = (
    f"COPY {REPEATING.name} ({', '.join(CONTACT_COLUMNS)}) FROM STDIN (FORMAT binary)"
)


def _dialect_insert(conn: Connection) -> Any:
    """The dialect's own INSERT construct, the one that knows ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _foreign_key_ddl(conn: Connection) -> list[tuple[str, str]]:
    """(drop, add back) statements for the contacts table's foreign keys, as the database names them."""
    quote = conn.dialect.identifier_preparer.quote
    statements = []
    for key in inspect(conn).get_foreign_keys(CONTACTS.name):
        table, name = quote(CONTACTS.name), quote(str(key["name"]))
        columns = ", ".join(quote(column) for column in key["constrained_columns"])
        referred = ", ".join(quote(column) for column in key["referred_columns"])
        statements.append(
            (
                f"ALTER TABLE {table} DROP CONSTRAINT {name}",
                f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({columns}) "
                f"REFERENCES {quote(key['referred_table'])} ({referred})",
            )
        )
    return statements
