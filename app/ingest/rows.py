"""Turning one export row into canonical values: pure, no I/O (the importer does the writing).

A row either cannot be placed at all (quarantine: no id, no usable created_at, a broken row) or it
is kept; a bad field in a kept row becomes a field issue and the field is left unknown (None), so
the rest of the row — its CSAT answer, say — still counts.

Rows are parsed a chunk at a time, column by column: each field has a per-value converter (the
definition of what is valid, and the reason when it is not) and a column fast path that converts a
whole column with builtins (float, int, fromisoformat) and gives up — returning None — as soon as
one value would need a reason; the column is then converted value by value. Per-row Python work
was three quarters of the import time; a column at a time it is a fraction of that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import isfinite
from operator import itemgetter
from typing import TypeVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.ingest.mapping import CANONICAL_FIELDS, RATING_RANGES, UNIT_FACTORS, FieldMap, Mapping
from app.store.tables import Contact

FIELD_ORDER: tuple[str, ...] = tuple(CANONICAL_FIELDS)
"""Order of the values in a parsed record (the staging table's column order, after line_number)."""
_ID, _CREATED, _FIRST, _RESOLVED = (FIELD_ORDER.index(name) for name in ("contact_id", "created_at", "first_response_at", "resolved_at"))

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
FCR_WORDS = frozenset({"yes", "no", "pending"})


T = TypeVar("T")


class FieldProblem(Exception):
    """A field value that cannot be used; `code` is the reason counted in the summary."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Issue:
    line_number: int
    contact_id: str
    field: str
    raw_value: str
    code: str
    message: str

    @property
    def reason(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Quarantined:
    line_number: int
    raw: dict[str, str] | list[str]
    reasons: tuple[str, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.split(":", 1)[0] for reason in self.reasons)


@dataclass(frozen=True)
class Chunk:
    """The parsed rows of one chunk: kept rows column by column, quarantined rows and field issues.

    `columns` follows FIELD_ORDER; an unmapped field is None (unknown in every row). Timestamps are
    aware UTC datetimes. Quarantined rows and issues are in file order.
    """

    line_numbers: list[int]
    columns: list[list[object] | None]
    quarantined: list[Quarantined]
    issues: list[Issue]


class MappingDoesNotFit(Exception):
    """The file's header lacks columns the mapping requires: nothing was imported."""


def _max_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for column in Contact.__table__.columns:  # type: ignore[attr-defined]
        length = getattr(column.type, "length", None)
        if length:
            lengths[column.name] = int(length)
    return lengths


MAX_LENGTHS = _max_lengths()


def _text_converter(name: str) -> Callable[[str], object]:
    limit = MAX_LENGTHS.get(name)

    def convert(text: str) -> object:
        if limit and len(text) > limit:
            raise FieldProblem("too_long", f"longer than {limit} characters")
        return text

    return convert


def _seconds_converter(spec: FieldMap) -> Callable[[str], object]:
    factor = UNIT_FACTORS[spec.unit or "seconds"]

    def convert(text: str) -> object:
        try:
            number = float(text)
        except ValueError:
            raise FieldProblem("not_a_number", "expected a number of " + (spec.unit or "seconds")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise FieldProblem("not_a_number", "expected a finite number")
        if number < 0:
            raise FieldProblem("negative_duration", "a duration cannot be negative")
        return number * factor

    return convert


def _bool_converter(text: str) -> object:
    word = text.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldProblem("unknown_value", "expected true or false")


def _fcr_converter(text: str) -> object:
    word = text.casefold()
    if word in FCR_WORDS:
        return word
    raise FieldProblem("unknown_value", "expected yes, no or pending")


def _rating_converter(name: str) -> Callable[[str], object]:
    low, high = RATING_RANGES[name]

    def convert(text: str) -> object:
        try:
            number = float(text)
        except ValueError:
            raise FieldProblem("not_a_number", f"expected a whole number {low}–{high}") from None
        if not number.is_integer():
            raise FieldProblem("out_of_range", f"expected a whole number {low}–{high}")
        if not low <= number <= high:
            raise FieldProblem("out_of_range", f"{name} must be {low}–{high}")
        return int(number)

    return convert


def _timestamp_converter(spec: FieldMap, default_format: str | None, zone: ZoneInfo) -> Callable[[str], object]:
    fmt = spec.format or default_format

    def convert(text: str) -> object:
        try:
            moment = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
        except ValueError:
            expected = f"the format {fmt}" if fmt else "ISO 8601, e.g. 2026-01-31T23:30:00-08:00"
            raise FieldProblem("unparseable_timestamp", f"expected {expected}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(timezone.utc)

    return convert


def _converter(name: str, spec: FieldMap, default_format: str | None, zone: ZoneInfo) -> Callable[[str], object]:
    kind = CANONICAL_FIELDS[name]
    if kind == "timestamp":
        if spec.after:
            return _seconds_converter(spec)  # a duration after created_at; placed in `RowParser.parse`
        field_zone = ZoneInfo(spec.timezone) if spec.timezone else zone
        return _timestamp_converter(spec, default_format, field_zone)
    if kind == "seconds":
        return _seconds_converter(spec)
    if kind == "bool":
        return _bool_converter
    if kind == "fcr":
        return _fcr_converter
    if kind == "rating":
        return _rating_converter(name)
    return _text_converter(name)


ColumnConverter = Callable[[list[str]], "list[object] | None"]
"""A whole column of stripped, value-mapped texts ("" = unknown) → values, or None when some value
needs its per-value converter (which then gives the reason). It must agree with that converter on
every value it accepts."""


def _text_column(name: str) -> ColumnConverter:
    limit = MAX_LENGTHS.get(name)

    def convert(texts: list[str]) -> list[object] | None:
        if limit and max(map(len, texts), default=0) > limit:
            return None
        return [text or None for text in texts]

    return convert


def _seconds_column(spec: FieldMap) -> ColumnConverter:
    factor = UNIT_FACTORS[spec.unit or "seconds"]

    def convert(texts: list[str]) -> list[object] | None:
        try:
            numbers = [float(text) if text else None for text in texts]
        except ValueError:
            return None
        present = [number for number in numbers if number is not None]
        if present and (not isfinite(sum(present)) or min(present) < 0):  # NaN and ±inf make the sum non-finite
            return None
        if factor == 1.0:
            return numbers  # type: ignore[return-value]
        return [None if number is None else number * factor for number in numbers]

    return convert


def _words_column(words: dict[str, object]) -> ColumnConverter:
    def convert(texts: list[str]) -> list[object] | None:
        try:
            return [words[text.casefold()] if text else None for text in texts]
        except KeyError:
            return None

    return convert


def _rating_column(name: str) -> ColumnConverter:
    low, high = RATING_RANGES[name]

    def convert(texts: list[str]) -> list[object] | None:
        try:
            numbers = [int(text) if text else None for text in texts]
        except ValueError:
            return None  # "4.0", "1e0" and the like: the per-value converter decides
        present = [number for number in numbers if number is not None]
        if present and (min(present) < low or max(present) > high):  # type: ignore[type-var]
            return None
        return numbers  # type: ignore[return-value]

    return convert


def _timestamp_column(spec: FieldMap, default_format: str | None, zone: ZoneInfo) -> ColumnConverter:
    fmt = spec.format or default_format
    read: Callable[[str], datetime] = (lambda text: datetime.strptime(text, fmt)) if fmt else datetime.fromisoformat
    utc = timezone.utc

    def convert(texts: list[str]) -> list[object] | None:
        try:
            moments = [read(text) if text else None for text in texts]
        except ValueError:
            return None
        return [
            None if moment is None else (moment.replace(tzinfo=zone) if moment.tzinfo is None else moment).astimezone(utc)
            for moment in moments
        ]

    return convert


def _column_converter(name: str, spec: FieldMap, default_format: str | None, zone: ZoneInfo) -> ColumnConverter:
    kind = CANONICAL_FIELDS[name]
    if kind == "timestamp":
        if spec.after:
            return _seconds_column(spec)
        return _timestamp_column(spec, default_format, ZoneInfo(spec.timezone) if spec.timezone else zone)
    if kind == "seconds":
        return _seconds_column(spec)
    if kind == "bool":
        return _words_column({**{word: True for word in TRUE_WORDS}, **{word: False for word in FALSE_WORDS}})
    if kind == "fcr":
        return _words_column({word: word for word in FCR_WORDS})
    if kind == "rating":
        return _rating_column(name)
    return _text_column(name)


@dataclass(frozen=True)
class _Plan:
    name: str
    position: int
    column_index: int | None
    constant: str | None
    value_map: dict[str, str]
    convert: Callable[[str], object]
    convert_column: ColumnConverter
    after_created: bool

    def texts(self, columns: Sequence[Sequence[str]], count: int) -> list[str]:
        """The stripped, value-mapped texts of this field for `count` rows ("" = unknown)."""
        if self.column_index is None:
            texts = [(self.constant or "").strip()] * count
        else:
            texts = list(map(str.strip, columns[self.column_index]))
        if self.value_map:
            mapped = self.value_map
            texts = [mapped.get(text.casefold(), text) if text else text for text in texts]
        return texts

    def values(self, texts: list[str]) -> tuple[list[object], dict[int, FieldProblem]]:
        """The converted values and, by row index, the problem of each value that could not be used."""
        fast = self.convert_column(texts)
        if fast is not None:
            return fast, {}
        values: list[object] = []
        problems: dict[int, FieldProblem] = {}
        convert = self.convert
        for index, text in enumerate(texts):
            if not text:
                values.append(None)
                continue
            try:
                values.append(convert(text))
            except FieldProblem as problem:
                values.append(None)
                problems[index] = problem
        return values, problems


def _select(values: Sequence[T], indexes: list[int]) -> list[T]:
    if len(indexes) > 1:
        return list(itemgetter(*indexes)(values))
    return [values[index] for index in indexes]


_ORDER_CHECKS_RANK = len(FIELD_ORDER)
"""Issues of one row are listed field by field, then the order checks (first response, resolution)."""


class RowParser:
    """Parses the rows of one file with one mapping; built once from the file's header."""

    def __init__(self, mapping: Mapping, header: Sequence[str], program_timezone: str) -> None:
        spec = mapping.spec
        zone = ZoneInfo(spec.timezone or program_timezone)
        columns = {name.strip(): index for index, name in enumerate(header)}
        self.header = [name.strip() for name in header]
        plans: list[_Plan] = []
        missing: list[str] = []
        for name, field in spec.resolved().items():
            index = None
            if field.column is not None:
                index = columns.get(field.column.strip())
                if index is None:
                    if not field.optional:
                        missing.append(f"{field.column!r} (for {name})")
                    continue
            value_map = {key: (value or "").strip() for key, value in field.value_map().items()}
            plans.append(
                _Plan(name, FIELD_ORDER.index(name), index, field.constant, value_map,
                      _converter(name, field, spec.timestamp_format, zone),
                      _column_converter(name, field, spec.timestamp_format, zone), bool(field.after))
            )
        if missing:
            raise MappingDoesNotFit(
                f"the file has no column {', '.join(missing)}; its columns are: {', '.join(self.header)}"
            )
        self.plans = plans
        self.width = len(header)
        self.used_columns = sorted({plan.column_index for plan in plans if plan.column_index is not None})
        self.id_plan = next(plan for plan in plans if plan.name == "contact_id")
        self.created_plan = next(plan for plan in plans if plan.name == "created_at")

    def raw_of(self, row: Sequence[str]) -> dict[str, str] | list[str]:
        """The row's raw values for the record: only the columns the mapping reads."""
        if len(row) != self.width:
            return list(row)
        return {self.header[index]: row[index] for index in self.used_columns}

    def parse_chunk(self, line_numbers: list[int], rows: list[list[str]]) -> Chunk:
        """Parse records (values, and the line each starts on): the kept rows by column, quarantined
        rows, field issues."""
        width = self.width
        quarantined: list[Quarantined] = []
        if set(map(len, rows)) - {width}:
            quarantined = [
                Quarantined(line_number, list(row),
                            (f"malformed_row: {len(row)} values where the header has {width} columns",))
                for line_number, row in zip(line_numbers, rows) if len(row) != width
            ]
            well_formed = [index for index, row in enumerate(rows) if len(row) == width]
            line_numbers, rows = _select(line_numbers, well_formed), _select(rows, well_formed)
        columns = list(zip(*rows)) if rows else [() for _ in range(width)]

        id_texts = self.id_plan.texts(columns, len(rows))
        ids, id_problems = self.id_plan.values(id_texts)
        created_texts = self.created_plan.texts(columns, len(rows))
        created, created_problems = self.created_plan.values(created_texts)
        if None in ids or None in created:
            keep: list[int] = []
            for index, (contact_id, moment) in enumerate(zip(ids, created)):
                if contact_id is not None and moment is not None:
                    keep.append(index)
                    continue
                reasons: list[str] = []
                if contact_id is None:
                    reasons.append(f"bad_id: {id_problems[index].message}" if index in id_problems else
                                   "missing_id: no contact id")
                if moment is None:
                    if index in created_problems:
                        reasons.append(f"bad_created_at: {created_texts[index]!r} — {created_problems[index].message}")
                    else:
                        reasons.append("missing_created_at: no creation date")
                quarantined.append(Quarantined(line_numbers[index], self.raw_of(rows[index]), tuple(reasons)))
            quarantined.sort(key=lambda row: row.line_number)
            line_numbers = _select(line_numbers, keep)
            columns = [_select(column, keep) for column in columns]
            ids = _select(ids, keep)
            created = _select(created, keep)
        elif quarantined:
            quarantined.sort(key=lambda row: row.line_number)

        count = len(line_numbers)
        values: list[list[object] | None] = [None] * len(FIELD_ORDER)
        values[_ID], values[_CREATED] = ids, created
        texts_by_name: dict[str, list[str]] = {}
        ranked: list[tuple[int, int, Issue]] = []
        for plan in self.plans:
            if plan is self.id_plan or plan is self.created_plan:
                continue
            texts = plan.texts(columns, count)
            column, problems = plan.values(texts)
            texts_by_name[plan.name] = texts
            for index, problem in problems.items():
                ranked.append((index, plan.position, Issue(line_numbers[index], ids[index], plan.name,  # type: ignore[arg-type]
                                                           texts[index], problem.code, problem.message)))
            if plan.after_created:
                column = self._after_created(plan, created, column, texts, line_numbers, ids, ranked)
            values[plan.position] = column
        ranked.extend(self._order_checks(line_numbers, ids, values, texts_by_name))
        ranked.sort(key=lambda item: item[:2])
        return Chunk(line_numbers, values, quarantined, [issue for _, _, issue in ranked])

    @staticmethod
    def _after_created(
        plan: "_Plan", created: list[object], seconds: list[object], texts: list[str], line_numbers: list[int],
        ids: list[object], ranked: list[tuple[int, int, Issue]],
    ) -> list[object]:
        """A duration after created_at → a timestamp; one that lands beyond the calendar is a field issue."""
        moments: list[object] = []
        for index, (moment, value) in enumerate(zip(created, seconds)):
            if value is None:
                moments.append(None)
                continue
            try:
                moments.append(moment + timedelta(seconds=float(value)))  # type: ignore[arg-type, operator]
            except (OverflowError, ValueError):
                moments.append(None)
                ranked.append((index, plan.position, Issue(
                    line_numbers[index], ids[index], plan.name, texts[index],  # type: ignore[arg-type]
                    "duration_out_of_range", "this many seconds after created_at is past the end of the calendar")))
        return moments

    @staticmethod
    def _order_checks(
        line_numbers: list[int], ids: list[object], values: list[list[object] | None], texts: dict[str, list[str]]
    ) -> list[tuple[int, int, Issue]]:
        """Timestamps that contradict each other: the later-known one is left unknown."""
        created, firsts, resolveds = values[_CREATED], values[_FIRST], values[_RESOLVED]
        if firsts is None and resolveds is None:
            return []
        assert created is not None
        firsts = firsts if firsts is not None else [None] * len(created)
        resolveds = resolveds if resolveds is not None else [None] * len(created)
        first_texts, resolved_texts = texts.get("first_response_at"), texts.get("resolved_at")
        issues: list[tuple[int, int, Issue]] = []
        for index, (moment, first, resolved) in enumerate(zip(created, firsts, resolveds)):
            if first is None and resolved is None:
                continue
            if first is not None and first < moment:  # type: ignore[operator]
                issues.append((index, _ORDER_CHECKS_RANK, Issue(
                    line_numbers[index], ids[index], "first_response_at", first_texts[index] if first_texts else "",  # type: ignore[arg-type]
                    "response_before_creation", "first response is earlier than created_at")))
                firsts[index] = first = None
            if resolved is not None:
                if resolved < moment:  # type: ignore[operator]
                    reason = ("resolution_before_creation", "resolution is earlier than created_at")
                elif first is not None and resolved < first:  # type: ignore[operator]
                    reason = ("resolution_before_first_response", "resolution is earlier than the first response")
                else:
                    continue
                issues.append((index, _ORDER_CHECKS_RANK + 1, Issue(
                    line_numbers[index], ids[index], "resolved_at", resolved_texts[index] if resolved_texts else "",  # type: ignore[arg-type]
                    *reason)))
                resolveds[index] = None
        if values[_FIRST] is not None:
            values[_FIRST] = firsts
        if values[_RESOLVED] is not None:
            values[_RESOLVED] = resolveds
        return issues
