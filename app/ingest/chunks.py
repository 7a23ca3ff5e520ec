"""The parsing side of an import: the file, a chunk at a time, in the shape its database takes.

Each chunk's kept rows leave here ready to be written without a value passing through Python
again on the writing side: PostgreSQL gets COPY's binary format; SQLite gets a small SQLite database
holding the chunk (`sqlite_chunk`), which the importer attaches and copies from with one
INSERT … SELECT. Done here because a big file is parsed in a worker process
(app/ingest/worker.py) while the importer writes, and the importer is the busier of the two.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import tempfile
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import adbc_driver_manager as adbc
import adbc_driver_sqlite as adbc_sqlite
import pyarrow as pa
import pyarrow.compute as pc
from pgpq import ArrowToPostgresBinaryEncoder

from app.ingest.mapping import CANONICAL_FIELDS, Mapping
from app.ingest.records import open_csv, read_records
from app.ingest.rows import (
    ARROW_TYPES,
    FIELD_ORDER,
    Chunk,
    ChunkNotes,
    Issue,
    Quarantined,
    RowParser,
)

CHUNK_ROWS = 10_000
STAGE_COLUMNS = ("line_number", *FIELD_ORDER)
CONTACT_COLUMNS = ("source", "batch_id", *FIELD_ORDER)
CHUNK_TABLE = "stage"
"""The table of a SQLite chunk database: STAGE_COLUMNS, keyed by line (so it reads in file order)
and otherwise untyped, so each value keeps the type it was bound with until the contacts table's
own column types apply."""


@dataclass(frozen=True)
class Destination:
    """Where the parsed rows go, for the parsing side to shape them: the database's dialect and,
    for a PostgreSQL first load (see `importer._FirstLoad`), the source and import batch of the
    rows it copies straight into contacts."""

    dialect: str
    source: str | None = None
    batch_id: int | None = None

    @property
    def copies_contacts(self) -> bool:
        return self.batch_id is not None


@dataclass(frozen=True)
class ParsedChunk:
    """One chunk, parsed: its kept rows (line numbers `first_line` to `last_line`) as `stage_rows`
    shapes them for the destination, the quarantined rows and the field issues."""

    rows_read: int
    kept: int
    first_line: int
    last_line: int
    rows: bytes
    quarantined: list[Quarantined]
    issues: list[Issue]
    ids: bytes | None = None
    """For a destination that copies contacts: the kept rows' lines and ids, for COPY."""
    unmapped: dict[str, dict[str, int]] | None = None
    """Vocabulary field → raw value its value map does not name → rows (`Chunk.unmapped`)."""
    notes: ChunkNotes | None = None
    """Counts for the summary's warnings (see `RowParser.warnings_from`)."""


def stage_rows(batch: pa.RecordBatch, destination: Destination) -> bytes:
    """The rows of `batch` (STAGE_COLUMNS) for the destination. PostgreSQL: COPY's binary format
    (`postgres_copy`), for a destination that copies contacts with the contacts table's columns
    (source and batch instead of the line number). SQLite: a chunk database (`sqlite_chunk`) with
    timestamps as UTC text ("YYYY-MM-DD HH:MM:SS.ffffff", what SQLAlchemy's SQLite DateTime
    stores)."""
    if destination.dialect != "postgresql":
        columns = [
            _utc_texts(column) if pa.types.is_timestamp(column.type) else column
            for column in batch.columns
        ]
        return sqlite_chunk(pa.RecordBatch.from_arrays(columns, names=list(STAGE_COLUMNS)))
    if not destination.copies_contacts:
        return postgres_copy(batch)
    constants = [
        pa.array([destination.source] * batch.num_rows, pa.string()),
        pa.array([destination.batch_id] * batch.num_rows, pa.int64()),
    ]
    return postgres_copy(
        pa.RecordBatch.from_arrays(constants + batch.columns[1:], names=list(CONTACT_COLUMNS))
    )


def postgres_copy(batch: pa.RecordBatch) -> bytes:
    """`batch` in PostgreSQL's binary COPY format, encoded by pgpq (in Rust, from the Arrow
    arrays). The server then parses no text: 1M contacts go into the contacts table in about 6 s
    against 7-7.7 s as CSV, and encoding takes the worker 0.6 s against about 1 s to write the CSV.
    Binary values must have the column's exact type; every integer column here is an `integer`
    (ratings, line numbers, the import batch), so 64-bit integers go as 32-bit ones."""
    columns = [
        column.cast(pa.int32()) if pa.types.is_int64(column.type) else column
        for column in batch.columns
    ]
    batch = pa.RecordBatch.from_arrays(columns, names=batch.schema.names)
    encoder = ArrowToPostgresBinaryEncoder(batch.schema)
    return b"".join(
        bytes(part)
        for part in (encoder.write_header(), encoder.write_batch(batch), encoder.finish())
    )


def sqlite_chunk(batch: pa.RecordBatch) -> bytes:
    """The rows (STAGE_COLUMNS, timestamps as text) as the bytes of a SQLite database with one
    table, CHUNK_TABLE, written by ADBC's SQLite driver.

    Binding values one by one through Python's sqlite3 is the slow part of a SQLite import (about
    a quarter of a microsecond per value, over five seconds per million contacts with the
    conversion to Python objects). ADBC binds straight from the Arrow arrays, in C (1M contacts:
    about 2 s). The importer takes the chunk with one `deserialize` and copies it inside SQLite; the
    rows cross the pipe from the worker as one block of bytes instead of 21 pickled objects each.
    The driver brings its own SQLite library; the file format is the same in every SQLite 3."""
    with tempfile.TemporaryDirectory(prefix="cxgov-chunk-") as folder:
        path = Path(folder) / "chunk.db"
        with (
            adbc_sqlite.connect(str(path)) as database,
            adbc.AdbcConnection(database) as connection,
            adbc.AdbcStatement(connection) as statement,
        ):
            for sql in _CHUNK_DDL:
                statement.set_sql_query(sql)
                statement.execute_update()
            statement.set_options(
                **{
                    adbc.INGEST_OPTION_TARGET_TABLE: CHUNK_TABLE,
                    adbc.INGEST_OPTION_MODE: adbc.INGEST_OPTION_MODE_APPEND,
                }
            )
            statement.bind(batch)
            statement.execute_update()
        return path.read_bytes()


_CHUNK_DDL = (
    "PRAGMA journal_mode = OFF",  # a scratch file: nothing to roll back, nothing to make durable
    "PRAGMA synchronous = OFF",
    f"CREATE TABLE {CHUNK_TABLE} (line_number INTEGER PRIMARY KEY, {', '.join(STAGE_COLUMNS[1:])})",
)


def _utc_texts(column: pa.Array) -> pa.StringArray:
    return pc.cast(pc.cast(column, pa.timestamp("us")), pa.string())


def _stage_batch(chunk: Chunk) -> pa.RecordBatch:
    count = len(chunk.line_numbers)
    columns = [pa.array(chunk.line_numbers, pa.int64())]
    columns += [
        pa.nulls(count, ARROW_TYPES[CANONICAL_FIELDS[name]]) if column is None else column
        for name, column in zip(FIELD_ORDER, chunk.columns)
    ]
    return pa.RecordBatch.from_arrays(columns, names=list(STAGE_COLUMNS))


def parsed_chunks(
    path: Path, mapping: Mapping, program_timezone: str, chunk_rows: int, destination: Destination
) -> Generator[ParsedChunk, None, None]:
    """Read and parse the file a chunk at a time, in this process, shaped for `destination`."""
    _reader, header, handle = open_csv(path, mapping)
    handle.close()
    parser = RowParser(mapping, header, program_timezone)
    for records in read_records(path, mapping, parser.used_columns, chunk_rows):
        chunk = parser.parse_chunk(records)
        lines = chunk.line_numbers
        batch = _stage_batch(chunk)
        ids = (
            postgres_copy(batch.select(["line_number", "contact_id"]))
            if destination.copies_contacts
            else None
        )
        yield ParsedChunk(
            records.rows_read,
            len(lines),
            lines[0] if lines else 0,
            lines[-1] if lines else 0,
            stage_rows(batch, destination),
            chunk.quarantined,
            chunk.issues,
            ids,
            chunk.unmapped,
            chunk.notes,
        )


class ParsingWorker:
    """`parsed_chunks` in a worker process (app/ingest/worker.py): the file is parsed while the
    database writes.

    Parsing and writing each take about half of a big import and the machine has cores to spare.
    The worker only reads the file; everything that touches the database stays in the importer, in
    the one transaction. It is a fresh interpreter (not a fork of a process that may run threads,
    and never a re-run of the caller's main script), started as soon as the import begins so that
    its imports (0.6 s) overlap the importer's own start (hashing the file, opening the batch);
    `chunks` then hands it the work. Chunks come back pickled over its stdout, whose pipe holds
    about one chunk, so memory stays flat. An error in the worker is raised in the importer as
    itself. Whoever starts it calls `stop` on every way out — done, an error in the importer,
    Ctrl-C — which ends the worker (`ingest_file` does, in a `finally`).
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.ingest.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def chunks(
        self,
        path: Path,
        mapping: Mapping,
        program_timezone: str,
        chunk_rows: int,
        destination: Destination,
    ) -> Generator[ParsedChunk, None, None]:
        worker = self.process
        assert worker.stdin is not None and worker.stdout is not None
        pickle.dump((path, mapping, program_timezone, chunk_rows, destination), worker.stdin)
        worker.stdin.close()
        while True:
            try:
                kind, item = pickle.load(worker.stdout)
            except EOFError:
                raise RuntimeError(
                    f"the parsing process stopped unexpectedly (exit code {worker.wait()})"
                ) from None
            if kind == "done":
                return
            if kind == "error":
                raise item
            yield item

    def stop(self) -> None:
        worker = self.process
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        for pipe in (worker.stdin, worker.stdout):
            if pipe is not None:
                pipe.close()
