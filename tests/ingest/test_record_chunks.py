"""Chunked CSV reading gives every record the line it starts on, exactly as reading record by record;
Arrow's reader, with the csv module reading on where Arrow cannot, gives the csv module's records."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ingest import builtin_profile
from app.ingest import records as records_module
from app.ingest.records import open_csv, read_records, record_chunks

VALUE = st.text(alphabet=st.sampled_from(list('ab ,"\r\n\t;é')), max_size=6)
ROW = st.lists(VALUE, min_size=0, max_size=4)
ENDING = st.sampled_from(["\n", "\r\n", "\r"])


def _one_by_one(text: str) -> list[tuple[int, list[str]]]:
    """The reference: csv's own line counter read after every record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    records, start = [], reader.line_num + 1
    for row in reader:
        if row:
            records.append((start, row))
        start = reader.line_num + 1
    return records


def _chunked(path: Path, chunk_rows: int) -> list[tuple[int, list[str]]]:
    reader, _header, handle = open_csv(path, builtin_profile("generic"))
    try:
        return [
            (line, row)
            for lines, rows in record_chunks(reader, chunk_rows)
            for line, row in zip(lines, rows)
        ]
    finally:
        handle.close()


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.one_of(ROW, st.just([])), max_size=25),
    ending=ENDING,
    chunk_rows=st.integers(1, 7),
    trailing_ending=st.booleans(),
)
def test_line_numbers_match_reading_record_by_record(
    tmp_path_factory,
    rows: list[list[str]],
    ending: str,
    chunk_rows: int,
    trailing_ending: bool,  # type: ignore[no-untyped-def]
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=ending)
    writer.writerow(["contact_id", "created_at"])
    for row in rows:
        if row:
            writer.writerow(row)
        else:
            buffer.write(ending)  # a blank line
    text = buffer.getvalue()
    if not trailing_ending and text.endswith(ending):
        text = text[: -len(ending)]
    path = tmp_path_factory.mktemp("csv") / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    assert _chunked(path, chunk_rows) == _one_by_one(text)


def test_quoted_line_breaks_and_blank_lines_move_the_lines_that_follow(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b'contact_id,note\nA,"one\r\ntwo"\n\nB,x\r\nC,"a\rb\nc"\nD,y\n')
    assert _chunked(path, 2) == [
        (2, ["A", "one\r\ntwo"]),
        (5, ["B", "x"]),
        (6, ["C", "a\rb\nc"]),
        (9, ["D", "y"]),
    ]


def _reference(
    text: str, width: int
) -> tuple[list[tuple[int, list[str]]], list[tuple[int, list[str]]]]:
    records = _one_by_one(text)
    return (
        [(line, row) for line, row in records if len(row) == width],
        [(line, row) for line, row in records if len(row) != width],
    )


def _read(
    path: Path, width: int, chunk_rows: int
) -> tuple[list[tuple[int, list[str]]], list[tuple[int, list[str]]]]:
    kept: list[tuple[int, list[str]]] = []
    malformed: list[tuple[int, list[str]]] = []
    for records in read_records(path, builtin_profile("generic"), range(width), chunk_rows):
        assert records.rows_read <= chunk_rows
        columns = [records.columns[index].to_pylist() for index in range(width)]
        kept += [
            (line, [column[i] for column in columns]) for i, line in enumerate(records.line_numbers)
        ]
        malformed += records.malformed
    return kept, malformed


RAW = st.text(alphabet=st.sampled_from(list('ab ,"\r\n')), max_size=40)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        RAW,
        st.lists(st.one_of(ROW, st.just([])), max_size=12).map(
            lambda rows: "".join(
                ",".join(f'"{value}"' if set(value) & set(',"\r\n') else value for value in row)
                + "\n"
                for row in rows
            )
        ),
    ),
    chunk_rows=st.integers(1, 5),
    block=st.sampled_from([8, 64, 1 << 20]),
)
def test_arrow_reads_the_records_the_csv_module_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, chunk_rows: int, block: int
) -> None:
    """Any text after a header of three columns, also malformed quoting and blank lines: the same
    records on the same lines, the same malformed rows — or, where the csv module fails, a failure."""
    monkeypatch.setattr(
        records_module, "ARROW_BLOCK_BYTES", block
    )  # small blocks: the reader turns to the csv module mid-file
    text = "a,b,c\n" + body
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        expected = _reference(text, 3)
    except csv.Error:
        with pytest.raises(csv.Error):
            _read(path, 3, chunk_rows)
        return
    assert _read(path, 3, chunk_rows) == expected


def test_arrow_reads_a_regular_file_and_the_csv_module_reads_on_after_a_blank_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records_module, "ARROW_BLOCK_BYTES", 64)
    lines = [f'C{i},2026-01-0{i % 9 + 1},"note\n{i}"' for i in range(40)]
    text = "id,created,note\n" + "\n".join(lines[:25]) + "\n\n" + "\n".join(lines[25:]) + "\n"
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    csv_calls: list[int] = []
    original = records_module._csv_records
    monkeypatch.setattr(
        records_module, "_csv_records", lambda *args: csv_calls.append(1) or original(*args)
    )
    kept, malformed = _read(path, 3, 10)
    assert (kept, malformed) == _reference(text, 3)
    assert (
        kept[24][0] == 2 + 24 * 2 and kept[25][0] == 2 + 25 * 2 + 1
    )  # two lines a record, then a blank line
    assert (
        0 < len(csv_calls) < 4
    )  # Arrow read the start, the csv module from the blank line's chunk on
