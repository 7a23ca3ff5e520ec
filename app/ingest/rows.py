"""Turning one export row into canonical values: pure, no I/O (the importer does the writing).

A row either cannot be placed at all (quarantine: no id, no usable created_at, a broken row) or it
is kept; a bad field in a kept row becomes a field issue and the field is left unknown (None), so
the rest of the row — its CSAT answer, say — still counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
class Parsed:
    line_number: int
    values: tuple[object, ...]
    issues: tuple[Issue, ...]


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


@dataclass(frozen=True)
class _Plan:
    name: str
    position: int
    column_index: int | None
    constant: str | None
    value_map: dict[str, str | None]
    convert: Callable[[str], object]
    after_created: bool


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
            plans.append(
                _Plan(name, FIELD_ORDER.index(name), index, field.constant, field.value_map(),
                      _converter(name, field, spec.timestamp_format, zone), bool(field.after))
            )
        if missing:
            raise MappingDoesNotFit(
                f"the file has no column {', '.join(missing)}; its columns are: {', '.join(self.header)}"
            )
        self.plans = plans
        self._steps = tuple((p.name, p.position, p.column_index, p.constant or "", p.value_map, p.convert) for p in plans)
        self.width = len(header)
        self.used_columns = sorted({plan.column_index for plan in plans if plan.column_index is not None})
        self.id_plan = next(plan for plan in plans if plan.name == "contact_id")
        self.created_plan = next(plan for plan in plans if plan.name == "created_at")

    def raw_of(self, row: Sequence[str]) -> dict[str, str] | list[str]:
        """The row's raw values for the record: only the columns the mapping reads."""
        if len(row) != self.width:
            return list(row)
        return {self.header[index]: row[index] for index in self.used_columns}

    def parse(self, line_number: int, row: Sequence[str]) -> Parsed | Quarantined:
        if len(row) != self.width:
            return Quarantined(
                line_number, list(row),
                (f"malformed_row: {len(row)} values where the header has {self.width} columns",),
            )
        values: list[object] = [None] * len(FIELD_ORDER)
        raws: dict[str, str] = {}
        problems: dict[str, FieldProblem] = {}
        for name, position, column_index, constant, value_map, convert in self._steps:
            text = (constant if column_index is None else row[column_index]).strip()
            if not text:
                continue
            if value_map:
                key = text.casefold()
                if key in value_map:
                    text = (value_map[key] or "").strip()
                    if not text:
                        continue
            raws[name] = text
            try:
                values[position] = convert(text)
            except FieldProblem as problem:
                problems[name] = problem

        reasons: list[str] = []
        contact_id = values[_ID]
        if contact_id is None:
            reasons.append("missing_id: no contact id" if "contact_id" not in problems else
                           f"bad_id: {problems['contact_id'].message}")
        created = values[_CREATED]
        if created is None:
            if "created_at" in problems:
                reasons.append(f"bad_created_at: {raws['created_at']!r} — {problems['created_at'].message}")
            else:
                reasons.append("missing_created_at: no creation date")
        if reasons:
            return Quarantined(line_number, self.raw_of(row), tuple(reasons))

        assert isinstance(created, datetime) and isinstance(contact_id, str)
        for plan in self.plans:
            if plan.after_created and values[plan.position] is not None:
                values[plan.position] = created + timedelta(seconds=float(values[plan.position]))  # type: ignore[arg-type]
        issues = [
            Issue(line_number, contact_id, name, raws.get(name, ""), problem.code, problem.message)
            for name, problem in problems.items()
        ]
        issues.extend(self._order_checks(line_number, contact_id, values, raws))
        return Parsed(line_number, tuple(values), tuple(issues))

    @staticmethod
    def _order_checks(line_number: int, contact_id: str, values: list[object], raws: dict[str, str]) -> list[Issue]:
        """Timestamps that contradict each other: the later-known one is left unknown."""
        created, first = values[_CREATED], values[_FIRST]
        issues: list[Issue] = []
        if first is not None and first < created:  # type: ignore[operator]
            issues.append(Issue(line_number, contact_id, "first_response_at", raws.get("first_response_at", ""),
                                "response_before_creation", "first response is earlier than created_at"))
            values[_FIRST] = first = None
        resolved = values[_RESOLVED]
        if resolved is not None:
            if resolved < created:  # type: ignore[operator]
                issues.append(Issue(line_number, contact_id, "resolved_at", raws.get("resolved_at", ""),
                                    "resolution_before_creation", "resolution is earlier than created_at"))
                values[_RESOLVED] = None
            elif first is not None and resolved < first:  # type: ignore[operator]
                issues.append(Issue(line_number, contact_id, "resolved_at", raws.get("resolved_at", ""),
                                    "resolution_before_first_response", "resolution is earlier than the first response"))
                values[_RESOLVED] = None
        return issues
