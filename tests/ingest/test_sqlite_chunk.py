"""A SQLite chunk database (written by ADBC from Arrow) holds exactly what binding the same values
one by one through Python's sqlite3 would store: the same values, of the same SQLite types."""

from __future__ import annotations

import sqlite3
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.chunks import CHUNK_TABLE, STAGE_COLUMNS, sqlite_chunk
from app.ingest.mapping import CANONICAL_FIELDS
from app.ingest.rows import ARROW_TYPES, FIELD_ORDER

TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "'", "''", "a'b", "NULL", "0", "1.5", "é" * 200]
)
UTC_TEXT = st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f"))
VALUES: dict[pa.DataType, st.SearchStrategy[Any]] = {
    pa.string(): TEXT,
    pa.int64(): st.integers(-(2**63), 2**63 - 1),
    pa.float64(): st.floats(
        allow_nan=False, allow_infinity=False
    ),  # parsing never yields NaN or infinity
    pa.bool_(): st.booleans(),
}


def _arrow_type(name: str) -> pa.DataType:
    kind = ARROW_TYPES[CANONICAL_FIELDS[name]]
    return (
        pa.string() if pa.types.is_timestamp(kind) else kind
    )  # timestamps reach the chunk as UTC text


@st.composite
def batches(draw: st.DrawFn) -> pa.RecordBatch:
    count = draw(st.integers(1, 30))
    lines = sorted(draw(st.sets(st.integers(2, 10**9), min_size=count, max_size=count)))
    columns = [pa.array(lines, pa.int64())]
    for name in FIELD_ORDER:
        kind = _arrow_type(name)
        values = UTC_TEXT if CANONICAL_FIELDS[name] == "timestamp" else VALUES[kind]
        column = draw(st.lists(st.none() | values, min_size=count, max_size=count))
        columns.append(pa.array(column, kind))
    return pa.RecordBatch.from_arrays(columns, names=list(STAGE_COLUMNS))


def _stored(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    kinds = ", ".join(f"typeof({name})" for name in STAGE_COLUMNS)
    return db.execute(f"SELECT *, {kinds} FROM {CHUNK_TABLE} ORDER BY rowid").fetchall()


@settings(max_examples=100, deadline=None)
@given(batches())
def test_the_chunk_database_stores_what_python_sqlite3_would_bind(batch: pa.RecordBatch) -> None:
    written = sqlite3.connect(":memory:")
    written.deserialize(sqlite_chunk(batch))

    bound = sqlite3.connect(":memory:")
    bound.execute(
        f"CREATE TABLE {CHUNK_TABLE} (line_number INTEGER PRIMARY KEY, {', '.join(STAGE_COLUMNS[1:])})"
    )
    bound.executemany(
        f"INSERT INTO {CHUNK_TABLE} VALUES ({', '.join('?' * len(STAGE_COLUMNS))})",
        zip(*[column.to_pylist() for column in batch.columns]),
    )
    assert _stored(written) == _stored(bound)


def test_the_chunk_reads_in_file_order_by_its_line_numbers() -> None:
    lines = [10, 3, 7]
    columns = [pa.array(lines, pa.int64())] + [
        pa.nulls(3, _arrow_type(name)) for name in FIELD_ORDER
    ]
    db = sqlite3.connect(":memory:")
    db.deserialize(sqlite_chunk(pa.RecordBatch.from_arrays(columns, names=list(STAGE_COLUMNS))))
    assert [line for (line,) in db.execute(f"SELECT line_number FROM {CHUNK_TABLE}")] == [3, 7, 10]
