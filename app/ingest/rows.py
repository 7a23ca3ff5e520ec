"""Turning an export's records into canonical values: pure, no I/O (the importer does the writing).

A row either cannot be placed at all (quarantine: no id, no usable created_at, a broken row) or it
is kept; a bad field in a kept row becomes a field issue and the field is left unknown (None), so
the rest of the row — its CSAT answer, say — still counts.

Records are parsed a chunk at a time, column by column, as Arrow arrays: each field has a
per-value converter (the definition of what is valid, and the reason when it is not) and an Arrow
column converter that converts a whole column in C++ and gives up — returning None — as soon as
one value might need a reason or might read differently than the per-value converter reads it
(a pattern check comes first); that column is then converted value by value. Converting in Python
a column at a time was still half of a big import's time; in Arrow it is a tenth of that.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from collections.abc import Mapping as Lookup
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import isfinite
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
from sqlmodel import SQLModel

from app.errors import FileProblem
from app.ingest.mapping import (
    CANONICAL_FIELDS,
    RATING_RANGES,
    STATUSES,
    UNIT_FACTORS,
    VOCABULARY_FIELDS,
    Condition,
    FieldMap,
    Mapping,
    Rule,
)
from app.ingest.records import Records
from app.spec.common import scope_form
from app.store.tables import Contact
from app.words import counted

FIELD_ORDER: tuple[str, ...] = tuple(CANONICAL_FIELDS)
"""Order of the values in a parsed record (the staging table's column order, after line_number)."""
_ID, _CREATED, _FIRST, _RESOLVED = (
    FIELD_ORDER.index(name)
    for name in ("contact_id", "created_at", "first_response_at", "resolved_at")
)

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})
FCR_WORDS = frozenset({"yes", "no", "pending"})

TIMESTAMP = pa.timestamp("us", tz="UTC")
ARROW_TYPES: dict[str, pa.DataType] = {
    "id": pa.string(),
    "text": pa.string(),
    "timestamp": TIMESTAMP,
    "seconds": pa.float64(),
    "bool": pa.bool_(),
    "fcr": pa.string(),
    "rating": pa.int64(),
    "status": pa.string(),
}
"""The Arrow type of each field kind's values (a duration `after` created_at becomes a timestamp)."""

PYTHON_WHITESPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace())
"""What `str.strip()` removes (no whitespace lies above U+3000): Arrow trims exactly these."""


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

    `columns` follows FIELD_ORDER, as Arrow arrays of the field's type (`ARROW_TYPES`; timestamps
    in UTC); an unmapped field is None (unknown in every row). Quarantined rows and issues are in
    file order.
    """

    line_numbers: list[int]
    columns: list[pa.Array | None]
    quarantined: list[Quarantined]
    issues: list[Issue]
    unmapped: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    """Vocabulary field → raw value its value map does not name → rows of this chunk holding it."""
    notes: ChunkNotes | None = None


class MappingDoesNotFit(FileProblem):
    """The file's header lacks columns the mapping requires: nothing was imported."""


def _max_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for column in SQLModel.metadata.tables[Contact.__tablename__].columns:
        length = getattr(column.type, "length", None)
        if length:
            lengths[column.name] = int(length)
    return lengths


MAX_LENGTHS = _max_lengths()
NUL = "\x00"
"""Never text: PostgreSQL refuses it in any text value, so a value holding it is a field issue
(on SQLite too, so both stores keep the same contacts), and a field issue's raw value shows it as
the four characters \\x00 (`visible_raw`)."""


def visible_raw(text: str) -> str:
    """A raw value as a text column can store it on every database (see NUL)."""
    return text.replace(NUL, "\\x00")


def _text_converter(name: str) -> Callable[[str], object]:
    limit = MAX_LENGTHS.get(name)

    def convert(text: str) -> object:
        if NUL in text:
            raise FieldProblem(
                "nul_character", "holds a NUL character (\\x00): binary or corrupted data, not text"
            )
        if limit and len(text) > limit:
            raise FieldProblem("too_long", f"longer than {limit} characters")
        return text

    return convert


_CLOCK = r"^(?:([0-9]+):)?([0-9]+):([0-5]?[0-9](?:[.][0-9]+)?)$"
"""H:MM:SS or MM:SS (seconds may have a fraction): a duration whatever the column's unit."""
_CLOCK_RE = re.compile(_CLOCK)
_WITH_UNIT_RE = re.compile(
    r"^([0-9]+(?:[.][0-9]*)?|[.][0-9]+)\s*(ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|"
    r"minutes?|h|hrs?|hours?|d|days?)$",
    re.IGNORECASE,
)
_SUFFIX_FACTORS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def _suffix_factor(word: str) -> float:
    word = word.casefold()
    if word.startswith(("ms", "milli")):
        return _SUFFIX_FACTORS["ms"]
    return _SUFFIX_FACTORS[word[0]]


def _clock_seconds(text: str) -> float | None:
    """Seconds of an H:MM:SS or MM:SS text, or None when it is not one."""
    found = _CLOCK_RE.match(text)
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    if hours is not None and int(minutes) >= 60:
        return None
    return int(hours or 0) * 3600.0 + int(minutes) * 60.0 + float(seconds)


def _seconds_converter(spec: FieldMap) -> Callable[[str], object]:
    unit = spec.unit or "seconds"
    factor = UNIT_FACTORS[unit]
    expected = f"expected a duration: a number of {unit}, HH:MM:SS, MM:SS or e.g. '5 min'"

    def convert(text: str) -> object:
        try:
            number, scale = float(text), factor
        except ValueError:
            clock = _clock_seconds(text)
            if clock is not None:
                return clock
            found = _WITH_UNIT_RE.match(text)
            if found is None:
                raise FieldProblem("not_a_number", expected) from None
            number, scale = float(found.group(1)), _suffix_factor(found.group(2))
        if not isfinite(number):
            raise FieldProblem("not_a_number", "expected a finite number")
        if number < 0:
            raise FieldProblem("negative_duration", "a duration cannot be negative")
        return number * scale

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


def _status_converter(text: str) -> object:
    word = text.casefold()
    if word in STATUSES:
        return word
    raise FieldProblem(
        "unknown_value",
        f"expected {', '.join(STATUSES[:-1])} or {STATUSES[-1]} (map the help desk's statuses with `values`)",
    )


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


def _timestamp_converter(
    spec: FieldMap, default_format: str | None, zone: ZoneInfo
) -> Callable[[str], object]:
    fmt = spec.format or default_format

    def convert(text: str) -> object:
        try:
            moment = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
        except ValueError:
            expected = f"the format {fmt}" if fmt else "ISO 8601, e.g. 2026-01-31T23:30:00-08:00"
            raise FieldProblem("unparseable_timestamp", f"expected {expected}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise FieldProblem(
                "unparseable_timestamp", "in UTC this lies outside the years 1–9999"
            ) from None

    return convert


def _converter(
    name: str, spec: FieldMap, default_format: str | None, zone: ZoneInfo
) -> Callable[[str], object]:
    kind = CANONICAL_FIELDS[name]
    if kind == "timestamp":
        if spec.after:
            return _seconds_converter(
                spec
            )  # a duration after created_at; placed in `RowParser.parse`
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
    if kind == "status":
        return _status_converter
    return _text_converter(name)


ColumnConverter = Callable[[pa.StringArray], "pa.Array | None"]
"""A whole column of stripped, value-mapped texts ("" = unknown) → an Arrow array of the field's
type, or None when some value needs its per-value converter (which then gives the reason) or might
be read differently by it. It must agree with that converter on every value it accepts."""

_NUMBER = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$"
_WHOLE_NUMBER = r"^[0-9]+$"
_ISO_TIMESTAMP = (
    r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$"
)
_OFFSET = r"(Z|[+-][0-9]{2}:[0-9]{2})$"
_ANY_OFFSET = r"(Z|[+-][0-9]{2}:?[0-9]{2}|UTC|GMT)$"
"""A timestamp that states its offset, in ISO 8601 or strptime's %z / %Z shapes."""
_LAST_MICROSECOND = int(
    (datetime(9999, 12, 31, 23, 59, 59, 999999) - datetime(1970, 1, 1)) / timedelta(microseconds=1)
)


def _present(texts: pa.StringArray) -> pa.StringArray:
    """Blank texts as nulls (unknown)."""
    return pc.if_else(pc.greater(pc.binary_length(texts), 0), texts, pa.scalar(None, pa.string()))


def _all_match(present: pa.StringArray, pattern: str) -> bool:
    return bool(pc.all(pc.match_substring_regex(present, pattern)).as_py() is not False)


def _cast(values: pa.Array, to: pa.DataType) -> pa.Array | None:
    try:
        return pc.cast(values, to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _text_column(name: str) -> ColumnConverter:
    limit = MAX_LENGTHS.get(name)

    def convert(texts: pa.StringArray) -> pa.Array | None:
        if limit and (pc.max(pc.utf8_length(texts)).as_py() or 0) > limit:
            return None
        if pc.any(pc.match_substring(texts, NUL)).as_py():
            return None
        return _present(texts)

    return convert


def _seconds_column(spec: FieldMap) -> ColumnConverter:
    factor = UNIT_FACTORS[spec.unit or "seconds"]

    def convert(texts: pa.StringArray) -> pa.Array | None:
        present = _present(texts)
        if not _all_match(present, _NUMBER):
            return _clock_column(present)
        if (numbers := _cast(present, pa.float64())) is None:
            return None
        if numbers.null_count < len(numbers) and (
            not pc.all(pc.is_finite(numbers)).as_py() or pc.min(numbers).as_py() < 0
        ):
            return (
                None  # "1e999" is inf to both; the per-value converter says why it cannot be used
            )
        return numbers if factor == 1.0 else pc.multiply(numbers, factor)

    return convert


def _clock_column(present: pa.StringArray) -> pa.Array | None:
    """A column of H:MM:SS / MM:SS durations → seconds, or None when any value is another shape
    (or has 60 minutes or more after its hours)."""
    if not _all_match(present, _CLOCK):
        return None
    parts = pc.extract_regex(present, r"^(?:(?P<h>[0-9]+):)?(?P<m>[0-9]+):(?P<s>[0-9.]+)$")
    hours_text = pc.struct_field(parts, [0])
    hours_given = pc.greater(pc.binary_length(hours_text), 0)
    hours = _cast(pc.if_else(hours_given, hours_text, "0"), pa.float64())
    minutes = _cast(pc.struct_field(parts, [1]), pa.float64())
    seconds = _cast(pc.struct_field(parts, [2]), pa.float64())
    if hours is None or minutes is None or seconds is None:
        return None
    if pc.any(pc.and_(hours_given, pc.greater_equal(minutes, 60))).as_py():
        return None
    return pc.add(pc.add(pc.multiply(hours, 3600.0), pc.multiply(minutes, 60.0)), seconds)


def _casefolded_index(texts: pa.StringArray, keys: pa.StringArray) -> pa.Int32Array | None:
    """Each text's position among `keys` compared casefolded (null: not a key), or None when a text
    is not ASCII — casefold and Arrow's lower agree on ASCII only."""
    if not pc.all(pc.string_is_ascii(texts)).as_py():
        return None
    return pc.index_in(pc.ascii_lower(texts), value_set=keys)


def _words_column(words: Lookup[str, object], kind: str) -> ColumnConverter:
    keys = pa.array(list(words), pa.string())
    targets = pa.array(list(words.values()), ARROW_TYPES[kind])

    def convert(texts: pa.StringArray) -> pa.Array | None:
        present = _present(texts)
        found = _casefolded_index(present, keys)
        if found is None or found.null_count != present.null_count:
            return None
        return pc.take(targets, found)

    return convert


def _rating_column(name: str) -> ColumnConverter:
    low, high = RATING_RANGES[name]

    def convert(texts: pa.StringArray) -> pa.Array | None:
        present = _present(texts)
        if (
            not _all_match(present, _WHOLE_NUMBER)
            or (numbers := _cast(present, pa.int64())) is None
        ):
            return None  # "4.0", "+3", "1e0" and the like: the per-value converter decides
        if numbers.null_count < len(numbers):
            bounds = pc.min_max(numbers)
            if bounds["min"].as_py() < low or bounds["max"].as_py() > high:
                return None
        return numbers

    return convert


_ISO_FORMATS = {
    f"%Y-%m-%d{separator}%H:%M{seconds}": (
        r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
        + separator
        + r"([01][0-9]|2[0-3]):[0-5][0-9]"
        + (":[0-5][0-9]" if seconds else "")
        + "$"
    )
    for separator in (" ", "T")
    for seconds in ("", ":%S")
}
"""strptime formats that are ISO 8601 shapes (Freshdesk's export, say): values of exactly that
shape, every field zero-padded, read the same through Arrow's ISO parser."""


def _timestamp_column(
    spec: FieldMap, default_format: str | None, zone: ZoneInfo
) -> ColumnConverter:
    """ISO 8601 timestamps in the common shapes (a date and a time to the minute, second or
    microsecond, an offset or none) in Arrow, and strptime formats of those shapes; any other
    shape or format value by value. A naive time in a DST gap is left to the per-value converter too."""
    fmt = spec.format or default_format
    pattern = _ISO_FORMATS.get(fmt) if fmt else _ISO_TIMESTAMP
    if pattern is None:
        return lambda texts: None

    def convert(texts: pa.StringArray) -> pa.Array | None:
        present = _present(texts)
        if not _all_match(present, pattern):
            return None
        zoned = pc.match_substring_regex(present, _OFFSET)
        naive = pc.if_else(zoned, pa.scalar(None, pa.string()), present)
        moments = _cast(pc.if_else(zoned, present, pa.scalar(None, pa.string())), TIMESTAMP)
        if moments is None:
            return None
        if naive.null_count < len(naive):
            try:
                local = pc.assume_timezone(
                    pc.cast(naive, pa.timestamp("us")),
                    timezone=zone.key,
                    ambiguous="earliest",
                    nonexistent="raise",
                )
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
                return None  # a time that does not exist there, or the zone is unknown to Arrow
            moments = pc.coalesce(moments, pc.cast(local, TIMESTAMP))
        if (
            moments.null_count < len(moments)
            and pc.max(pc.cast(moments, pa.int64())).as_py() > _LAST_MICROSECOND
        ):
            return None  # beyond the year 9999 in UTC
        return moments

    return convert


def _column_converter(
    name: str, spec: FieldMap, default_format: str | None, zone: ZoneInfo
) -> ColumnConverter:
    kind = CANONICAL_FIELDS[name]
    if kind == "timestamp":
        if spec.after:
            return _seconds_column(spec)
        return _timestamp_column(
            spec, default_format, ZoneInfo(spec.timezone) if spec.timezone else zone
        )
    if kind == "seconds":
        return _seconds_column(spec)
    if kind == "bool":
        return _words_column(
            {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}, kind
        )
    if kind == "fcr":
        return _words_column({word: word for word in FCR_WORDS}, kind)
    if kind == "rating":
        return _rating_column(name)
    if kind == "status":
        return _words_column({word: word for word in STATUSES}, kind)
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
    arrow_type: pa.DataType
    vocabulary: bool = False
    """A field scopes are written on: stored in scope form (`scope_form`)."""
    fmt: str | None = None
    """The strptime format of a timestamp column (None: ISO 8601)."""
    stated_zone: str | None = None
    """The time zone the mapping states for naive timestamps (None: the program's)."""
    zone: str = "UTC"
    """The time zone naive timestamps are read in."""

    def texts(self, columns: Lookup[int, pa.StringArray], count: int) -> pa.StringArray:
        """The stripped, value-mapped texts of this field for `count` rows ("" = unknown)."""
        return self.mapped(columns, count)[0]

    def mapped(
        self, columns: Lookup[int, pa.StringArray], count: int
    ) -> tuple[pa.StringArray, dict[str, int]]:
        """`texts`, and for a vocabulary field with a value map, each raw value the map does not
        name with how many rows hold it."""
        if self.column_index is None:
            constant = (self.constant or "").strip()
            if self.vocabulary:
                constant = scope_form(constant)
            return pa.array([constant] * count, pa.string()), {}
        texts = pc.utf8_trim(columns[self.column_index], characters=PYTHON_WHITESPACE)
        unmapped: dict[str, int] = {}
        if self.value_map:
            raw = texts
            texts, hit = _map_values(raw, self.value_map)
            if self.vocabulary:
                missed = pc.and_(pc.invert(hit), pc.greater(pc.binary_length(raw), 0))
                if pc.any(missed).as_py():
                    counts = pc.value_counts(raw.filter(missed))
                    unmapped = {
                        str(item["values"]): int(item["counts"]) for item in counts.to_pylist()
                    }
        if self.vocabulary:
            texts = _scope_form_column(texts)
        return texts, unmapped

    def values(self, texts: pa.StringArray) -> tuple[pa.Array, dict[int, FieldProblem]]:
        """The converted values and, by row index, the problem of each value that could not be used."""
        fast = self.convert_column(texts)
        if fast is not None:
            return fast, {}
        values: list[object] = []
        problems: dict[int, FieldProblem] = {}
        convert = self.convert
        for index, text in enumerate(texts.to_pylist()):
            if not text:
                values.append(None)
                continue
            try:
                values.append(convert(text))
            except FieldProblem as problem:
                values.append(None)
                problems[index] = problem
        return pa.array(
            values, ARROW_TYPES["seconds"] if self.after_created else self.arrow_type
        ), problems


_BLANKS = "[" + "".join(f"\\x{{{ord(char):x}}}" for char in PYTHON_WHITESPACE) + "]+"
"""A run of what `str.split()` splits on (`scope_form`), as an RE2 character class."""


def _scope_form_column(texts: pa.StringArray) -> pa.StringArray:
    """`scope_form` of every text (already stripped), in Arrow: on the column's distinct values
    (a handful of channels or queues), then spread back — ten times faster than on every row."""
    encoded = pc.dictionary_encode(texts)
    formed = pc.replace_substring_regex(
        pc.utf8_lower(encoded.dictionary), pattern=_BLANKS, replacement="_"
    )
    return pc.take(formed, encoded.indices)


def _map_values(
    texts: pa.StringArray, mapped: dict[str, str]
) -> tuple[pa.StringArray, pa.BooleanArray]:
    """A mapping's `values` applied: a text whose casefold is a key becomes that key's value.
    Also says which texts were keys."""
    found = _casefolded_index(texts, pa.array(list(mapped), pa.string()))
    if found is None:
        raw = texts.to_pylist()
        hits = [bool(text) and text.casefold() in mapped for text in raw]
        return pa.array(
            [mapped[text.casefold()] if hit else text for text, hit in zip(raw, hits)],
            pa.string(),
        ), pa.array(hits, pa.bool_())
    hit = pc.and_(pc.is_valid(found), pc.greater(pc.binary_length(texts), 0))
    return pc.if_else(hit, pc.take(pa.array(list(mapped.values()), pa.string()), found), texts), hit


def _parses(text: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return None


def _number_column(texts: pa.StringArray) -> pa.Array:
    """Numbers of a column of stripped texts; null where blank or not a number."""
    numeric = pc.fill_null(pc.match_substring_regex(texts, _NUMBER), False)
    cleaned = pc.if_else(numeric, texts, pa.scalar(None, pa.string()))
    return pc.cast(cleaned, pa.float64())


def _test_column(
    test: Condition, texts: pa.StringArray
) -> tuple[pa.BooleanArray, pa.BooleanArray | None]:
    """One test over a column: true, false or null (unknown) per row, and the rows whose value
    a numeric test cannot read (or None)."""
    present = pc.greater(pc.binary_length(texts), 0)
    if test.present is not None:
        return pc.equal(present, test.present), None
    blank = pa.scalar(None, pa.bool_())
    if test.one_of is not None or isinstance(test.equals, str):
        wanted = test.one_of if test.one_of is not None else [str(test.equals)]
        numeric_text = isinstance(test.equals, str) and re.match(_NUMBER, test.equals.strip())
        if not numeric_text:
            keys = pa.array([value.strip().lower() for value in wanted], pa.string())
            hit = pc.is_in(pc.utf8_lower(texts), value_set=keys)
            return pc.if_else(present, hit, blank), None
    numbers = _number_column(texts)
    unreadable = pc.and_(present, pc.is_null(numbers))
    if test.at_least is not None:
        result = pc.greater_equal(numbers, test.at_least)
    elif test.at_most is not None:
        result = pc.less_equal(numbers, test.at_most)
    else:
        result = pc.equal(numbers, float(str(test.equals)))
    return result, unreadable


def _derive(
    rule: _Derived,
    columns: Lookup[int, pa.StringArray],
    line_numbers: list[int],
    ids: pa.Array,
    ranked: list[tuple[int, int, Issue]],
) -> pa.Array:
    """A derived field's values: the rule's tests combined (unknown where they cannot tell); a
    value a numeric test cannot read is a field issue of the derived field."""
    combined: pa.BooleanArray | None = None
    applies: pa.BooleanArray | None = None
    main = len(rule.rule.tests) - len(rule.rule.when)
    for number, (test, index) in enumerate(zip(rule.rule.tests, rule.columns)):
        texts = pc.utf8_trim(columns[index], characters=PYTHON_WHITESPACE)
        result, unreadable = _test_column(test, texts)
        if unreadable is not None and pc.any(unreadable).as_py():
            for row in pc.indices_nonzero(unreadable).to_pylist():
                ranked.append(
                    (
                        row,
                        rule.position,
                        Issue(
                            line_numbers[row],
                            ids[row].as_py(),
                            rule.name,
                            texts[row].as_py(),
                            "not_a_number",
                            f"derive.{rule.name} compares column {test.column!r} as a number",
                        ),
                    )
                )
        if number >= main:
            applies = result if applies is None else pc.and_kleene(applies, result)
        elif combined is None:
            combined = result
        elif rule.rule.all is not None:
            combined = pc.and_kleene(combined, result)
        else:
            combined = pc.or_kleene(combined, result)
    assert combined is not None  # a rule has at least one test
    if applies is not None:
        combined = pc.if_else(pc.fill_null(applies, False), combined, pa.scalar(None, pa.bool_()))
    if CANONICAL_FIELDS[rule.name] == "fcr":
        return pc.if_else(combined, "yes", "no")
    return combined


_ORDER_CHECKS_RANK = len(FIELD_ORDER)
"""Issues of one row are listed field by field, then the order checks (first response, resolution)."""


def _header_key(name: str) -> str:
    """A header as matched when no header equals the mapping's exactly: case and runs of
    whitespace do not count ("Satisfaction  score" = "Satisfaction Score")."""
    return " ".join(name.split()).casefold()


def _delimiter_hint(header: Sequence[str], delimiter: str) -> str:
    """A sentence when the header looks split by another delimiter than the mapping's, else ""."""
    names = {";": "semicolon", "\t": "tab", ",": "comma", "|": "pipe"}
    line = delimiter.join(header)
    for candidate, word in names.items():
        if candidate != delimiter and line.count(candidate) >= max(1, len(header) - 1):
            shown = "'\\t'" if candidate == "\t" else repr(candidate)
            return (
                f" The header looks {word}-separated ({line.count(candidate) + 1} columns split by "
                f"{shown}); use --delimiter {shown}."
            )
    return ""


@dataclass(frozen=True)
class _Derived:
    """A `derive` rule bound to the file's columns."""

    name: str
    position: int
    rule: Rule
    columns: tuple[int, ...]


@dataclass
class ChunkNotes:
    """What the summary warns about, counted a chunk at a time: `counts` by key, and a few line
    numbers by key (see `RowParser.warnings_from`)."""

    counts: dict[str, int]
    lines: dict[str, list[int]]

    def add(self, key: str, count: int, lines: Sequence[int] = ()) -> None:
        if count:
            self.counts[key] = self.counts.get(key, 0) + count
        if lines:
            kept = self.lines.setdefault(key, [])
            kept.extend(lines[: max(0, NOTED_LINES - len(kept))])

    def merge(self, other: ChunkNotes) -> None:
        for key, count in other.counts.items():
            self.add(key, count, other.lines.get(key, []))


NOTED_LINES = 5
"""How many line numbers a warning names."""


def _swapped_order(fmt: str | None) -> str | None:
    """The format with day and month swapped when both come before the year (dd/mm/yyyy vs
    mm/dd/yyyy), else None: a year-first date (2026-03-02) is year-month-day by convention."""
    if not fmt or "%d" not in fmt or "%m" not in fmt:
        return None
    year = max(fmt.find("%Y"), fmt.find("%y"))
    if year < max(fmt.find("%d"), fmt.find("%m")):
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


class RowParser:
    """Parses the rows of one file with one mapping; built once from the file's header.

    A mapping's column matches the header that equals it; failing that, the one that equals it
    but for case and whitespace. Two headers that match one mapped column are an error (which
    one holds the field?), as is a missing column the mapping needs; a missing optional column
    is a warning (`warnings`), an error when `strict`."""

    def __init__(
        self,
        mapping: Mapping,
        header: Sequence[str],
        program_timezone: str,
        *,
        strict: bool = False,
    ) -> None:
        spec = mapping.spec
        zone = ZoneInfo(spec.timezone or program_timezone)
        self.header = [name.strip() for name in header]
        self.warnings: list[str] = []
        plans: list[_Plan] = []
        missing: list[str] = []
        absent: list[str] = []
        for name, field in spec.resolved().items():
            index = None
            if field.column is not None:
                index = self._find(field.column, name)
                for other in field.alternatives:
                    if index is None:
                        index = self._find(other, name)
                if index is None:
                    named = repr(field.column)
                    if field.column.strip() != name:
                        named += f" (for {name})"
                    (absent if field.optional else missing).append(named)
                    continue
            value_map = {key: (value or "").strip() for key, value in field.value_map().items()}
            fmt = None if field.after else field.format or spec.timestamp_format
            plans.append(
                _Plan(
                    name,
                    FIELD_ORDER.index(name),
                    index,
                    field.constant,
                    value_map,
                    _converter(name, field, spec.timestamp_format, zone),
                    _column_converter(name, field, spec.timestamp_format, zone),
                    bool(field.after),
                    ARROW_TYPES[CANONICAL_FIELDS[name]],
                    name in VOCABULARY_FIELDS,
                    fmt,
                    field.timezone or spec.timezone,
                    (ZoneInfo(field.timezone) if field.timezone else zone).key,
                )
            )
        derived: list[_Derived] = []
        for name, rule in spec.derive.items():
            indexes: list[int] = []
            for test in rule.tests:
                index = self._find(test.column, f"derive.{name}")
                if index is None:
                    missing.append(f"{test.column!r} (for derive.{name})")
                else:
                    indexes.append(index)
            derived.append(_Derived(name, FIELD_ORDER.index(name), rule, tuple(indexes)))
        if strict and absent:
            missing += [f"{item}, optional but --strict" for item in absent]
        if missing:
            raise MappingDoesNotFit(
                f"the file has no column {', '.join(missing)}; its columns are: "
                f"{', '.join(self.header)}." + _delimiter_hint(header, spec.delimiter)
            )
        if absent:
            self.warnings.append(
                f"the file has no column {', '.join(absent)}: "
                + ("that field is" if len(absent) == 1 else "those fields are")
                + " unknown in every row (--strict makes this an error)"
            )
        self.plans = plans
        self.derived = derived
        self.width = len(header)
        self.used_columns = sorted(
            {plan.column_index for plan in plans if plan.column_index is not None}
            | {index for rule in derived for index in rule.columns}
        )
        self.mapped_fields = [plan.name for plan in plans] + [rule.name for rule in derived]
        self.id_plan = next(plan for plan in plans if plan.name == "contact_id")
        self.created_plan = next(plan for plan in plans if plan.name == "created_at")

    def _find(self, column: str, used_for: str) -> int | None:
        """The header index of a mapped column (exact match first, then case- and
        whitespace-insensitive); two matches are an error."""
        wanted = column.strip()
        found = [index for index, name in enumerate(self.header) if name == wanted]
        if not found:
            key = _header_key(wanted)
            found = [index for index, name in enumerate(self.header) if _header_key(name) == key]
        if len(found) > 1:
            positions = " and ".join(str(index + 1) for index in found)
            raise MappingDoesNotFit(
                f"the file has {len(found)} columns named {wanted!r} (columns {positions}): "
                f"cannot tell which one holds {used_for}; rename or remove one"
            )
        return found[0] if found else None

    def raw_of(self, columns: Lookup[int, pa.StringArray], index: int) -> dict[str, str]:
        """A well-formed record's raw values, for the record: only the columns the mapping reads."""
        return {self.header[column]: columns[column][index].as_py() for column in self.used_columns}

    def parse_chunk(self, records: Records) -> Chunk:
        """Parse a chunk of records: the kept rows by column, quarantined rows, field issues."""
        width = self.width
        quarantined = [
            Quarantined(
                line_number,
                row,
                (f"malformed_row: {len(row)} values where the header has {width} columns",),
            )
            for line_number, row in records.malformed
        ]
        line_numbers, columns = records.line_numbers, records.columns
        notes = ChunkNotes({}, {})
        id_texts = self.id_plan.texts(columns, len(line_numbers))
        ids, id_problems = self.id_plan.values(id_texts)
        created_texts = self.created_plan.texts(columns, len(line_numbers))
        created, created_problems = self.created_plan.values(created_texts)
        self._time_notes(self.created_plan, created_texts, created, line_numbers, notes)
        if ids.null_count or created.null_count:
            placed = pc.and_(pc.is_valid(ids), pc.is_valid(created))
            for index in pc.indices_nonzero(pc.invert(placed)).to_pylist():
                reasons: list[str] = []
                if not ids[index].is_valid:
                    reasons.append(
                        f"bad_id: {id_problems[index].message}"
                        if index in id_problems
                        else "missing_id: no contact id"
                    )
                if not created[index].is_valid:
                    if index in created_problems:
                        reasons.append(
                            f"bad_created_at: {created_texts[index].as_py()!r} — "
                            f"{created_problems[index].message}"
                        )
                    else:
                        reasons.append("missing_created_at: no creation date")
                quarantined.append(
                    Quarantined(line_numbers[index], self.raw_of(columns, index), tuple(reasons))
                )
            line_numbers = pa.array(line_numbers, pa.int64()).filter(placed).to_pylist()
            columns = {column: values.filter(placed) for column, values in columns.items()}
            ids, created = ids.filter(placed), created.filter(placed)
        quarantined.sort(key=lambda row: row.line_number)

        count = len(line_numbers)
        values: list[pa.Array | None] = [None] * len(FIELD_ORDER)
        values[_ID], values[_CREATED] = ids, created
        texts_by_name: dict[str, pa.StringArray] = {}
        ranked: list[tuple[int, int, Issue]] = []
        unmapped: dict[str, dict[str, int]] = {}
        for plan in self.plans:
            if plan is self.id_plan or plan is self.created_plan:
                continue
            texts, missed = plan.mapped(columns, count)
            if missed:
                unmapped[plan.name] = missed
            column, problems = plan.values(texts)
            texts_by_name[plan.name] = texts
            self._time_notes(plan, texts, column, line_numbers, notes)
            for index, problem in problems.items():
                ranked.append(
                    (
                        index,
                        plan.position,
                        Issue(
                            line_numbers[index],
                            ids[index].as_py(),
                            plan.name,
                            texts[index].as_py(),
                            problem.code,
                            problem.message,
                        ),
                    )
                )
            if plan.after_created:
                column = self._after_created(
                    plan, created, column, texts, line_numbers, ids, ranked
                )
            values[plan.position] = column
        for rule in self.derived:
            values[rule.position] = _derive(rule, columns, line_numbers, ids, ranked)
        ranked.extend(self._order_checks(line_numbers, ids, values, texts_by_name))
        ranked.sort(key=lambda item: item[:2])
        return Chunk(
            line_numbers, values, quarantined, [issue for _, _, issue in ranked], unmapped, notes
        )

    @staticmethod
    def _time_notes(
        plan: _Plan,
        texts: pa.StringArray,
        moments: pa.Array,
        line_numbers: Sequence[int],
        notes: ChunkNotes,
    ) -> None:
        """Counts for the time warnings: naive and zoned values among a timestamp column's
        readable ones, and dates that read under the swapped day/month order too (or only
        under it)."""
        if (
            plan.column_index is None
            or plan.after_created
            or CANONICAL_FIELDS[plan.name] != "timestamp"
        ):
            return
        read = pc.is_valid(moments)
        total = pc.sum(read).as_py() or 0
        zoned = pc.sum(pc.and_(read, pc.match_substring_regex(texts, _ANY_OFFSET))).as_py() or 0
        notes.add(f"zoned:{plan.name}", zoned)
        notes.add(f"naive:{plan.name}", total - zoned)
        swapped = _swapped_order(plan.fmt)
        if swapped is None or plan.fmt is None:
            return
        fmt = plan.fmt
        only_other: list[int] = []
        both = only_this = 0
        for index, text in enumerate(texts.to_pylist()):
            if not text:
                continue
            this = _parses(text, fmt)
            other = _parses(text, swapped)
            if this is not None and other is not None:
                both += this != other
            elif this is not None:
                only_this += 1
            elif other is not None:
                only_other.append(line_numbers[index])
        notes.add(f"ambiguous:{plan.name}", both)
        notes.add(f"only_this:{plan.name}", only_this)
        notes.add(f"only_other:{plan.name}", len(only_other), only_other)

    def warnings_from(self, notes: ChunkNotes) -> list[str]:
        """The summary's warnings: the header's, then the time warnings of the whole file."""
        warnings = list(self.warnings)
        for plan in self.plans:
            name = plan.name
            zoned = notes.counts.get(f"zoned:{name}", 0)
            naive = notes.counts.get(f"naive:{name}", 0)
            if zoned and naive:
                warnings.append(
                    f"{name} mixes timestamps with and without a UTC offset: "
                    f"{counted(zoned, 'value')} with one, {counted(naive, 'value')} without "
                    f"(read in {plan.zone})"
                )
            elif naive and plan.stated_zone is None:
                warnings.append(
                    f"{name}: {counted(naive, 'timestamp')} without a UTC offset "
                    f"{'was' if naive == 1 else 'were'} read in the "
                    f"program's time zone ({plan.zone}); if the export is in another, set "
                    "`timezone:` in the mapping or --timezone"
                )
            swapped = _swapped_order(plan.fmt)
            other = notes.counts.get(f"only_other:{name}", 0)
            both = notes.counts.get(f"ambiguous:{name}", 0)
            if swapped is not None and other:
                lines = ", ".join(map(str, notes.lines.get(f"only_other:{name}", [])))
                warnings.append(
                    f"{name}: {counted(other, 'value')} cannot be read as {plan.fmt!r} but can "
                    f"as {swapped!r} (line {lines}{', …' if other > NOTED_LINES else ''}): is the "
                    "file's day and month the other way round? see --timestamp-format"
                )
            elif swapped is not None and both and not notes.counts.get(f"only_this:{name}", 0):
                warnings.append(
                    f"{name}: every date reads as {plan.fmt!r} and as {swapped!r} too, "
                    f"{counted(both, 'value')} differently: check the export's day and month "
                    "order (--timestamp-format)"
                )
        return warnings

    @staticmethod
    def _after_created(
        plan: _Plan,
        created: pa.Array,
        seconds: pa.Array,
        texts: pa.StringArray,
        line_numbers: list[int],
        ids: pa.Array,
        ranked: list[tuple[int, int, Issue]],
    ) -> pa.Array:
        """A duration after created_at → a timestamp; one that lands beyond the calendar is a field issue."""
        moments: list[object] = []
        for index, (moment, value) in enumerate(zip(created.to_pylist(), seconds.to_pylist())):
            if value is None:
                moments.append(None)
                continue
            try:
                moments.append(moment + timedelta(seconds=float(value)))
            except (OverflowError, ValueError):
                moments.append(None)
                ranked.append(
                    (
                        index,
                        plan.position,
                        Issue(
                            line_numbers[index],
                            ids[index].as_py(),
                            plan.name,
                            texts[index].as_py(),
                            "duration_out_of_range",
                            "this many seconds after created_at is past the end of the calendar",
                        ),
                    )
                )
        return pa.array(moments, TIMESTAMP)

    @staticmethod
    def _order_checks(
        line_numbers: list[int],
        ids: pa.Array,
        values: list[pa.Array | None],
        texts: dict[str, pa.StringArray],
    ) -> list[tuple[int, int, Issue]]:
        """Timestamps that contradict each other: the later-known one is left unknown."""
        created, firsts, resolveds = values[_CREATED], values[_FIRST], values[_RESOLVED]
        issues: list[tuple[int, int, Issue]] = []

        def text(name: str, index: int) -> str:
            return texts[name][index].as_py() if name in texts else ""

        if firsts is not None:
            early = pc.fill_null(pc.less(firsts, created), False)
            if pc.any(early).as_py():
                for index in pc.indices_nonzero(early).to_pylist():
                    issues.append(
                        (
                            index,
                            _ORDER_CHECKS_RANK,
                            Issue(
                                line_numbers[index],
                                ids[index].as_py(),
                                "first_response_at",
                                text("first_response_at", index),
                                "response_before_creation",
                                "first response is earlier than created_at",
                            ),
                        )
                    )
                values[_FIRST] = firsts = pc.if_else(early, pa.scalar(None, TIMESTAMP), firsts)
        if resolveds is not None:
            before_creation = pc.fill_null(pc.less(resolveds, created), False)
            wrong = before_creation
            if firsts is not None:
                wrong = pc.or_(wrong, pc.fill_null(pc.less(resolveds, firsts), False))
            if pc.any(wrong).as_py():
                for index in pc.indices_nonzero(wrong).to_pylist():
                    reason = (
                        ("resolution_before_creation", "resolution is earlier than created_at")
                        if before_creation[index].as_py()
                        else (
                            "resolution_before_first_response",
                            "resolution is earlier than the first response",
                        )
                    )
                    issues.append(
                        (
                            index,
                            _ORDER_CHECKS_RANK + 1,
                            Issue(
                                line_numbers[index],
                                ids[index].as_py(),
                                "resolved_at",
                                text("resolved_at", index),
                                *reason,
                            ),
                        )
                    )
                values[_RESOLVED] = pc.if_else(wrong, pa.scalar(None, TIMESTAMP), resolveds)
        return issues
