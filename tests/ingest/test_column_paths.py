"""Each column fast path agrees with its field's per-value converter on every value it accepts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zoneinfo import ZoneInfo

from app.ingest.mapping import CANONICAL_FIELDS, FieldMap
from app.ingest.rows import FieldProblem, _column_converter, _converter

ZONE = ZoneInfo("America/Los_Angeles")
SAMPLES = {
    "id": st.sampled_from(["", "C1", "x" * 128, "x" * 129]),
    "text": st.sampled_from(["", "phone", "Email", "y" * 32, "y" * 33, "y" * 64, "y" * 65]),
    "seconds": st.sampled_from(["", "0", "-0", "12", "1.5", "-3", "nan", "inf", "-inf", "1e3", "1_0", "abc", "1e308"]),
    "bool": st.sampled_from(["", "true", "FALSE", "Yes", "n", "1", "0", "T", "maybe"]),
    "fcr": st.sampled_from(["", "yes", "NO", "Pending", "dunno"]),
    "rating": st.sampled_from(["", "0", "1", "4", "4.0", "+3", "1_0", "5", "7", "10", "11", "-1", "1e0", "2.5", "x", "9" * 30]),
    "timestamp": st.sampled_from([
        "", "2026-01-31T23:30:00-08:00", "2026-01-31T23:30:00Z", "2026-03-08T02:30:00", "2026-11-01T01:30:00",
        "2026-01-31 23:30", "2026-01-31", "2026-01-31T23:30:00.123456+05:30", "31/01/2026 23:30", "yesterday",
        "2026-02-30T00:00:00Z",
    ]),
}


def per_value(name: str, spec: FieldMap, texts: list[str]) -> list[object]:
    convert = _converter(name, spec, None, ZONE)
    out: list[object] = []
    for text in texts:
        try:
            out.append(convert(text) if text else None)
        except FieldProblem as problem:
            out.append(problem.code)
    return out


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_column_paths_agree_with_per_value_converters(data: st.DataObject) -> None:
    for name, kind in CANONICAL_FIELDS.items():
        for spec in (FieldMap(column="c"), FieldMap(column="c", unit="minutes") if kind == "seconds" else None,
                     FieldMap(column="c", format="%d/%m/%Y %H:%M") if kind == "timestamp" else None):
            if spec is None:
                continue
            texts = data.draw(st.lists(SAMPLES[kind], max_size=6))
            fast = _column_converter(name, spec, None, ZONE)(texts)
            expected = per_value(name, spec, texts)
            if fast is not None:  # None: the column is converted value by value, by the per-value converter itself
                assert fast == expected, (name, texts)
                assert [type(value) for value in fast] == [type(value) for value in expected], (name, texts)
