"""Each Arrow column converter agrees with its field's per-value converter on every value it accepts,
and the texts Arrow hands them are the ones Python's str.strip() and casefold() would give."""

from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ingest.mapping import CANONICAL_FIELDS, FieldMap
from app.ingest.rows import (
    PYTHON_WHITESPACE,
    FieldProblem,
    _column_converter,
    _converter,
    _map_values,
    _Plan,
    _scope_form_column,
)
from app.spec.common import scope_form

ZONES = [
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("UTC"),
    ZoneInfo("Europe/Dublin"),
]
SAMPLES = {
    "id": st.sampled_from(["", "C1", "x" * 128, "x" * 129, "é" * 128, "é" * 129, "C\x001"]),
    "text": st.sampled_from(
        [
            "",
            "phone",
            "Email",
            "y" * 32,
            "y" * 33,
            "y" * 64,
            "y" * 65,
            "ü" * 64,
            "ü" * 65,
            "tier\x002",
            "\x00",
        ]
    ),
    "seconds": st.sampled_from(
        [
            "",
            "1:02:03",
            "00:05:30.5",
            "12:30",
            "75:00",
            "1:60:00",
            "5 min",
            "0",
            "-0",
            "12",
            "1.5",
            "-3",
            "nan",
            "inf",
            "-inf",
            "1e3",
            "1_0",
            "abc",
            "1e308",
            "1e400",
            "1e-400",
            "+1",
            ".5",
            "5.",
            "00012",
            "1E5",
            "١٢",
            "0.1",
            "-0.0",
            "1.7976931348623157e308",
        ]
    ),
    "bool": st.sampled_from(
        ["", "true", "FALSE", "Yes", "n", "1", "0", "T", "maybe", "ＹＥＳ", "İ", "tRuE"]
    ),
    "fcr": st.sampled_from(["", "yes", "NO", "Pending", "dunno", "PENDİNG", "ﬀ"]),
    "status": st.sampled_from(["", "open", "Solved", "CLOSED", "pending", "hold", "ſolved"]),
    "rating": st.sampled_from(
        [
            "",
            "0",
            "1",
            "4",
            "4.0",
            "+3",
            "1_0",
            "5",
            "7",
            "10",
            "11",
            "-1",
            "1e0",
            "2.5",
            "x",
            "9" * 30,
            "04",
            "٤",
            "-0",
            "00",
        ]
    ),
    "timestamp": st.sampled_from(
        [
            "",
            "2026-01-31T23:30:00-08:00",
            "2026-01-31T23:30:00Z",
            "2026-03-08T02:30:00",
            "2026-11-01T01:30:00",
            "2026-10-04T02:15:00",
            "2026-04-05T01:45:00",
            "2026-03-29T01:30:00",
            "2026-10-25T01:30:00",
            "2026-01-31 23:30",
            "2026-01-31",
            "2026-01-31T23:30:00.123456+05:30",
            "31/01/2026 23:30",
            "yesterday",
            "2026-02-30T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2024-02-29T12:00:00+01:00",
            "2026-01-31T23:30Z",
            "2026-01-31T23:30:00.5",
            "2026-01-31T24:00:00",
            "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-01-31T23:30:00-00:00",
            "2026-01-31T23:30:00+23:59",
            "2026-04-31T10:00:00",
            "2026-01-31 23:30:00.1234567+00:00",
            "0999-01-01T00:00:00Z",
            "1000-01-01T00:30:00+01:00",
            "9999-12-31T23:30:00-01:00",
            "9999-12-31T22:30:00+01:00",
            "2026-06-15T12:00:00+0200",
            "2026-06-15T12:00+02:00",
            "2026-06-15T12:00:00.000+02:00",
            "2026-06-15t12:00:00",
            "2026-06-15T12:00:60",
            "2026-03-08 02:30:00",
            "2026-11-01 01:30:00",
            "2026-06-15 12:00:00",
            "2026-06-15 7:05:00",
            "2026-6-15 12:00:00",
            "2026-06-15T12:00",
            "2026-06-15 12:00",
            "2026-02-29 10:00:00",
            "2026-06-15 12:00:00 ",
        ]
    ),
}


def per_value(name: str, spec: FieldMap, texts: list[str], zone: ZoneInfo) -> list[object]:
    convert = _converter(name, spec, None, zone)
    out: list[object] = []
    for text in texts:
        try:
            out.append(convert(text) if text else None)
        except FieldProblem as problem:
            out.append(problem.code)
    return out


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_arrow_columns_agree_with_per_value_converters(data: st.DataObject) -> None:
    zone = data.draw(st.sampled_from(ZONES))
    for name, kind in CANONICAL_FIELDS.items():
        for spec in (
            FieldMap(column="c"),
            FieldMap(column="c", unit="minutes") if kind == "seconds" else None,
            FieldMap(column="c", unit="ms") if kind == "seconds" else None,
            FieldMap(column="c", format="%d/%m/%Y %H:%M") if kind == "timestamp" else None,
            FieldMap(column="c", format="%Y-%m-%d %H:%M:%S") if kind == "timestamp" else None,
            FieldMap(column="c", format="%Y-%m-%dT%H:%M") if kind == "timestamp" else None,
        ):
            if spec is None:
                continue
            texts = data.draw(st.lists(SAMPLES[kind], max_size=6))
            fast = _column_converter(name, spec, None, zone)(pa.array(texts, pa.string()))
            expected = per_value(name, spec, texts, zone)
            if (
                fast is not None
            ):  # None: the column is converted value by value, by the per-value converter itself
                assert fast.to_pylist() == expected, (name, texts, zone)
                assert [type(value) for value in fast.to_pylist()] == [
                    type(value) for value in expected
                ], (name, texts)


def test_the_common_shapes_take_the_arrow_path() -> None:
    """The path is worth having only if it takes what exports hold."""
    zone = ZoneInfo("America/Los_Angeles")
    freshdesk = FieldMap(column="c", format="%Y-%m-%d %H:%M:%S")
    assert (
        _column_converter("created_at", freshdesk, None, zone)(
            pa.array(["2026-01-31 23:30:00", ""])
        )
        is not None
    )
    columns = {
        "created_at": [
            "2026-01-31T23:30:00-08:00",
            "2026-01-31 23:30:00",
            "2026-01-31T23:30:00.25Z",
            "",
        ],
        "wait_seconds": ["12", "0.5", "", "3e2"],
        "abandoned": ["true", "False", "", "no"],
        "fcr": ["Yes", "pending", "", "no"],
        "csat": ["1", "5", "", "3"],
        "channel": ["phone", "", "chat", "Email"],
    }
    for name, texts in columns.items():
        assert (
            _column_converter(name, FieldMap(column="c"), None, zone)(pa.array(texts, pa.string()))
            is not None
        ), name


def test_arrow_trims_what_python_strips() -> None:
    assert (
        "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
        == PYTHON_WHITESPACE
    )


AROUND = st.text(
    alphabet=st.sampled_from(
        [" ", "\t", "\x1c", "\x85", "\xa0", "\u3000", "\u200b", "a", "é", "İ", "ß"]
    ),
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(AROUND, max_size=8),
    keys=st.lists(st.sampled_from(["a", "ss", "i̇", "é", "A", " a "]), max_size=3),
)
def test_texts_are_stripped_and_mapped_as_python_would(texts: list[str], keys: list[str]) -> None:
    mapped = {key.strip().casefold(): f"to-{index}" for index, key in enumerate(keys)}
    plan = _Plan("channel", 0, 0, None, mapped, str, lambda texts: None, False, pa.string())
    got = plan.texts({0: pa.array(texts, pa.string())}, len(texts)).to_pylist()
    stripped = [text.strip() for text in texts]
    assert got == [mapped.get(text.casefold(), text) if text else text for text in stripped]
    assert _map_values(pa.array(stripped, pa.string()), mapped)[0].to_pylist() == got


def test_a_timestamp_beyond_the_calendar_in_utc_is_a_field_problem_not_a_crash() -> None:
    convert = _converter("resolved_at", FieldMap(column="c"), None, ZoneInfo("UTC"))
    for text in ("9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00"):
        try:
            convert(text)
        except FieldProblem as problem:
            assert problem.code == "unparseable_timestamp"
        else:
            raise AssertionError(f"{text} was accepted")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                [" ", "\t", "\x1c", "\x85", "\xa0", "\u3000", "\u200b", "A", "é", "ß", "z"]
            ),
            max_size=8,
        ),
        max_size=8,
    )
)
def test_scope_form_in_arrow_is_pythons(texts: list[str]) -> None:
    """Imports store a scope dimension in the form `cxgov validate` checks scopes against."""
    stripped = [text.strip() for text in texts]
    assert _scope_form_column(pa.array(stripped, pa.string())).to_pylist() == [
        scope_form(text) for text in stripped
    ]
