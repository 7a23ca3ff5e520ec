"""Chunked CSV reading gives every record the line it starts on, exactly as reading record by record."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest import builtin_profile
from app.ingest.importer import _open_csv, _record_chunks

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
    reader, _header, handle = _open_csv(path, builtin_profile("generic"))
    try:
        return [(line, row) for lines, rows in _record_chunks(reader, chunk_rows) for line, row in zip(lines, rows)]
    finally:
        handle.close()


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.one_of(ROW, st.just([])), max_size=25), ending=ENDING, chunk_rows=st.integers(1, 7),
       trailing_ending=st.booleans())
def test_line_numbers_match_reading_record_by_record(
    tmp_path_factory, rows: list[list[str]], ending: str, chunk_rows: int, trailing_ending: bool  # type: ignore[no-untyped-def]
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
    assert _chunked(path, 2) == [(2, ["A", "one\r\ntwo"]), (5, ["B", "x"]), (6, ["C", "a\rb\nc"]), (9, ["D", "y"])]
