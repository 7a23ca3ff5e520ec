"""Reading an export's records a chunk at a time, each with the line it starts on.

Two readers give the same records. Arrow's CSV reader (in C++) reads a file while it is regular;
the csv module reads the rest from the first thing Arrow cannot represent exactly: a blank line
(Arrow makes it a row of empty values, the csv module no record), a row with another number of
values than the header (quarantined with its raw values), bytes that are not UTF-8 (the csv
module raises the decoding error, as it always did), a file in another encoding. Arrow reads a
million rows in about 0.8 s to the csv module's 1.3 s, and hands them over as columns that the
parser converts without a Python object per value (see app/ingest/rows.py).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from app.errors import FileProblem
from app.ingest.mapping import Mapping

_LINE_BREAK_PATTERN = r"\r\n|\r|\n"
_LINE_BREAK = re.compile(_LINE_BREAK_PATTERN)
ARROW_BLOCK_BYTES = 1 << 19


@dataclass(frozen=True)
class Records:
    """One chunk of records: well-formed ones by column, the malformed ones apart.

    `columns` holds the wanted columns of the header (by index) as string arrays, one value per
    well-formed record; `malformed` the (line, raw values) of records with another number of
    values than the header, in file order.
    """

    line_numbers: list[int]
    columns: dict[int, pa.StringArray]
    malformed: list[tuple[int, list[str]]]

    @property
    def rows_read(self) -> int:
        return len(self.line_numbers) + len(self.malformed)


class EncodingProblem(FileProblem):
    """The file's bytes are not in the mapping's encoding: nothing was imported."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "UTF-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "UTF-16 (Excel's 'Unicode text')", "utf-16"),
    (codecs.BOM_UTF16_BE, "UTF-16 (Excel's 'Unicode text')", "utf-16"),
)


def refuse_other_encodings(path: Path, encoding: str) -> None:
    """A file whose byte-order mark says UTF-16 or UTF-32 read in another encoding is an
    `EncodingProblem` that says which encoding to give."""
    with path.open("rb") as handle:
        start = handle.read(4)
    family = codecs.lookup(encoding).name
    for bom, name, suggested in _BOMS:
        if start.startswith(bom):
            if family.startswith((suggested.replace("-", ""), suggested)):
                return
            raise EncodingProblem(
                f"the file is {name}, not {encoding}; use --encoding {suggested} "
                "(or `encoding:` in the mapping)"
            )


def encoding_message(path: Path, encoding: str, error: UnicodeDecodeError) -> str:
    """Where a file stops being `encoding`, by line (not byte position), and the encoding it more
    likely is."""
    line = _undecodable_line(path, encoding)
    where = f"line {line}" if line is not None else "the file"
    bad = error.object[error.start : error.start + 1] if error.object else b""
    byte = f" (byte 0x{bad.hex()})" if bad else ""
    family = codecs.lookup(encoding).name
    shown = "UTF-8" if family in ("utf-8", "utf-8-sig") else encoding
    message = f"{where} is not valid {shown}{byte}"
    if family in ("utf-8", "utf-8-sig") and _reads_as(path, "cp1252"):
        message += (
            "; the file looks like Latin-1 / Windows-1252 (Excel's 'CSV' on Windows): use "
            "--encoding cp1252 (or latin-1)"
        )
    else:
        message += "; give the file's encoding with --encoding (e.g. cp1252, latin-1, utf-16)"
    return message


def _undecodable_line(path: Path, encoding: str) -> int | None:
    """The first physical line holding bytes that are not `encoding`, or None."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
    return None


def _reads_as(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def open_csv(path: Path, mapping: Mapping) -> tuple[Any, list[str], Any]:
    """(csv reader positioned after the header, the header, the open file)."""
    handle = path.open("r", encoding=mapping.spec.encoding, newline="")
    reader = csv.reader(handle, delimiter=mapping.spec.delimiter)
    header = next(reader, None)
    if header is None:
        handle.close()
        raise ValueError(f"{path.name} is empty: expected a header line")
    return reader, header, handle


def read_records(
    path: Path, mapping: Mapping, wanted: Sequence[int], chunk_rows: int
) -> Iterator[Records]:
    """The file's records after the header, `chunk_rows` at a time (the last chunk may hold fewer)."""
    reader, header, handle = open_csv(path, mapping)
    header_lines = reader.line_num
    handle.close()
    done: int | None = 0
    if header_lines == 1 and codecs.lookup(mapping.spec.encoding).name in ("utf-8", "utf-8-sig"):
        done = yield from _arrow_records(path, mapping, len(header), wanted, chunk_rows)
        if done is None:
            return
    reader, _header, handle = open_csv(path, mapping)
    try:
        # skip what Arrow read: regular records, with no blank line among them
        for _ in islice(reader, done):
            pass
        for line_numbers, rows in record_chunks(reader, chunk_rows):
            yield _csv_records(line_numbers, rows, len(header), wanted)
    finally:
        handle.close()


class _Irregular(Exception):
    """A part of the file Arrow cannot read as the csv module would: the csv module reads on."""


def _arrow_records(
    path: Path, mapping: Mapping, width: int, wanted: Sequence[int], chunk_rows: int
) -> Generator[Records, None, int | None]:
    """Records read by Arrow until the file ends (returns None) or turns irregular (returns how
    many records were yielded; the csv module reads the rest)."""
    names = [f"c{index}" for index in range(width)]
    try:
        reader = _open_arrow(path, mapping, names)
    except (pa.ArrowInvalid, UnicodeDecodeError):  # it reads the first block on opening
        return 0
    quoted = _has_quotes(path)
    next_line = 2
    pending: list[pa.RecordBatch] = []
    lines: list[int] = []
    done = 0
    irregular = False
    try:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, UnicodeDecodeError):
                raise _Irregular from None
            if batch.num_rows == 0:
                continue
            starts, next_line = _starting_lines(batch, next_line, quoted)
            pending.append(batch)
            lines.extend(starts)
            while len(lines) >= chunk_rows:
                done += chunk_rows
                yield _arrow_chunk(pending, lines, chunk_rows, wanted)
    except _Irregular:
        irregular = True
    finally:
        reader.close()
    if lines:  # the regular records read before the end (or before the irregular batch)
        done += len(lines)
        yield _arrow_chunk(pending, lines, len(lines), wanted)
    return done if irregular else None


def _open_arrow(path: Path, mapping: Mapping, names: list[str]) -> pa_csv.CSVStreamingReader:
    return pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(
            use_threads=False, block_size=ARROW_BLOCK_BYTES, skip_rows=1, column_names=names
        ),
        parse_options=pa_csv.ParseOptions(
            delimiter=mapping.spec.delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
        ),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _arrow_chunk(
    pending: list[pa.RecordBatch], lines: list[int], count: int, wanted: Sequence[int]
) -> Records:
    """The first `count` pending records as one chunk; the rest stay pending."""
    table = pa.Table.from_batches(pending)
    head, rest = table.slice(0, count), table.slice(count)
    pending[:] = rest.to_batches() if rest.num_rows else []
    line_numbers = lines[:count]
    del lines[:count]
    return Records(
        line_numbers, {index: head.column(index).combine_chunks() for index in wanted}, []
    )


def _starting_lines(batch: pa.RecordBatch, first_line: int, quoted: bool) -> tuple[list[int], int]:
    """The line each record of a regular batch starts on, and the line after the batch; raises
    `_Irregular` at a row of empty values."""
    lengths = None
    for column in batch.columns:
        length = pc.binary_length(column)
        lengths = length if lengths is None else pc.add(lengths, length)
    if (
        pc.min(lengths).as_py() == 0
    ):  # a blank line, or a line of bare delimiters: the csv module decides
        raise _Irregular
    breaks = _breaks_per_row(batch) if quoted else None  # only a quoted value holds a line break
    count = batch.num_rows
    if breaks is None:
        return list(range(first_line, first_line + count)), first_line + count
    before = pc.subtract(pc.cumulative_sum(breaks), breaks)
    starts = pc.add(before, pa.array(range(first_line, first_line + count), pa.int64())).to_pylist()
    return starts, starts[-1] + 1 + breaks[-1].as_py()


def _breaks_per_row(batch: pa.RecordBatch) -> pa.Int64Array | None:
    """Line breaks inside each record's values, or None when there are none (the usual case)."""
    total = None
    for column in batch.columns:
        if (
            pc.max(pc.find_substring(column, "\n")).as_py() < 0
            and pc.max(pc.find_substring(column, "\r")).as_py() < 0
        ):
            continue
        count = pc.cast(pc.count_substring_regex(column, _LINE_BREAK_PATTERN), pa.int64())
        total = count if total is None else pc.add(total, count)
    return total


def _has_quotes(path: Path) -> bool:
    """Whether the file holds a double quote anywhere: without one no value spans lines. (Read in
    blocks, not mapped: a mapped file's pages would count as the importer's memory.)"""
    with path.open("rb") as handle:
        return any(b'"' in block for block in iter(lambda: handle.read(1 << 20), b""))


def _csv_records(
    line_numbers: list[int], rows: list[list[str]], width: int, wanted: Sequence[int]
) -> Records:
    malformed: list[tuple[int, list[str]]] = []
    if set(map(len, rows)) - {width}:
        malformed = [(line, row) for line, row in zip(line_numbers, rows) if len(row) != width]
        kept = [index for index, row in enumerate(rows) if len(row) == width]
        line_numbers = [line_numbers[index] for index in kept]
        rows = [rows[index] for index in kept]
    columns = list(zip(*rows)) if rows else [() for _ in range(width)]
    return Records(
        line_numbers, {index: pa.array(columns[index], pa.string()) for index in wanted}, malformed
    )


def record_chunks(reader: Any, chunk_rows: int) -> Iterator[tuple[list[int], list[list[str]]]]:
    """The csv module's records after the header, a chunk at a time, with the line each record
    starts on.

    A blank line is no record (a line of empty values is one, and gets quarantined). A chunk is
    read in one call; its line numbers are consecutive unless it holds a blank line or a quoted
    value spanning lines, and only then are they counted record by record (a per-record loop cost
    more than the csv module's own parsing).
    """
    line = reader.line_num
    while rows := list(islice(reader, chunk_rows)):
        if reader.line_num - line == len(rows) and all(rows):
            starts = list(range(line + 1, line + 1 + len(rows)))
        else:
            starts, rows = _csv_starting_lines(rows, line, reader.line_num)
        if rows:
            yield starts, rows
        line = reader.line_num


def _csv_starting_lines(
    rows: list[list[str]], line: int, last_line: int
) -> tuple[list[int], list[list[str]]]:
    """Line numbers of `rows` read after line `line`: each record spans one line plus the line
    breaks inside its values; blank lines (empty rows) are counted and dropped."""
    starts: list[int] = []
    kept: list[list[str]] = []
    for row in rows:
        if row:
            starts.append(line + 1)
            kept.append(row)
        line += 1 + sum(len(_LINE_BREAK.findall(value)) for value in row)
    if rows and rows[-1] and rows[-1][-1].endswith(("\r", "\n")) and line == last_line + 1:
        line = (
            last_line  # the file ended inside a quoted value: its last line break ended no record
        )
    if (
        line != last_line
    ):  # cannot happen if csv counts lines as documented; never report wrong lines
        raise RuntimeError(
            f"line numbers went astray: counted {line}, the csv reader is at line {last_line}"
        )
    return starts, kept
