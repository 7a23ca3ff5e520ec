"""Imports a manager can trust: headers, durations, derived fields, time warnings, blanks,
sources and the messages for files in another encoding or delimiter — on both databases."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.ingest import ingest_file
from app.ingest.importer import ImportSummary
from app.ingest.mapping import Mapping
from app.ingest.records import EncodingProblem
from app.ingest.rows import MappingDoesNotFit
from app.store.tables import Contact, FieldIssue

TZ = "America/Los_Angeles"


def mapping(spec: dict[str, object]) -> Mapping:
    return Mapping.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "ContactMapping",
            "metadata": {"id": "test", "title": "Test"},
            "spec": {"source": "test", **spec},
        }
    )


def write(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def ingest(engine: Engine, path: Path, spec: dict[str, object], **kwargs: object) -> ImportSummary:
    return ingest_file(
        engine,
        path,
        mapping=mapping(spec),
        program_timezone=TZ,
        author="ana",
        **kwargs,  # type: ignore[arg-type]
    )


def stored(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Contact.__table__)).mappings().all()  # type: ignore[attr-defined]
    return {f"{row['source']}/{row['contact_id']}": dict(row) for row in rows}


def issues(engine: Engine) -> list[tuple[int, str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                FieldIssue.line_number, FieldIssue.field, FieldIssue.raw_value, FieldIssue.reason
            ).order_by(FieldIssue.line_number, FieldIssue.field)  # type: ignore[arg-type]
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


# --- headers -------------------------------------------------------------------------------


def test_a_header_differing_in_case_and_spaces_still_fills_the_field(
    engine: Engine, tmp_path: Path
) -> None:
    """`Satisfaction score` in the mapping, `Satisfaction  Score` in the file: CSAT used to be
    empty without a word."""
    path = write(tmp_path, "Id,Created at,Satisfaction  Score \n1,2026-03-02T10:00:00Z,4\n")
    spec = {
        "fields": {
            "contact_id": "Id",
            "created_at": "Created at",
            "csat": {"column": "Satisfaction score", "optional": True},
        }
    }
    summary = ingest(engine, path, spec)
    assert summary.warnings == []
    assert stored(engine)["test/1"]["csat"] == 4


def test_an_exact_header_wins_over_one_that_differs_only_in_case(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "Id,Created at,score,Score\n1,2026-03-02T10:00:00Z,2,5\n")
    spec = {"fields": {"contact_id": "Id", "created_at": "Created at", "csat": "Score"}}
    ingest(engine, path, spec)
    assert stored(engine)["test/1"]["csat"] == 5


def test_a_duplicated_mapped_header_is_an_error_naming_both_positions(
    engine: Engine, tmp_path: Path
) -> None:
    """The last column used to win: CSAT came from the wrong column."""
    path = write(
        tmp_path, "Id,Satisfaction Score,Created at,Satisfaction Score\n1,5,2026-03-02,1\n"
    )
    spec = {
        "fields": {"contact_id": "Id", "created_at": "Created at", "csat": "Satisfaction Score"}
    }
    with pytest.raises(
        MappingDoesNotFit, match=r"2 columns named 'Satisfaction Score' \(columns 2 and 4\)"
    ):
        ingest(engine, path, spec)
    assert stored(engine) == {}


def test_a_duplicated_header_the_mapping_does_not_use_is_fine(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "Id,Notes,Created at,Notes\n1,a,2026-03-02T10:00:00Z,b\n")
    summary = ingest(engine, path, {"fields": {"contact_id": "Id", "created_at": "Created at"}})
    assert summary.imported == 1


def test_a_missing_optional_column_is_a_warning_and_an_error_when_strict(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "Id,Created at\n1,2026-03-02T10:00:00Z\n")
    spec = {
        "fields": {
            "contact_id": "Id",
            "created_at": "Created at",
            "csat": {"column": "Survey results", "optional": True},
        }
    }
    with pytest.raises(
        MappingDoesNotFit, match="'Survey results' \\(for csat\\), optional but --strict"
    ):
        ingest(engine, path, spec, strict=True)
    summary = ingest(engine, path, spec)
    assert summary.imported == 1
    assert summary.warnings == [
        "the file has no column 'Survey results' (for csat): that field is unknown in every row "
        "(--strict makes this an error)"
    ]


# --- messages: encoding and delimiter -------------------------------------------------------


def test_excel_unicode_text_is_named_with_the_encoding_to_use(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "Id,Created at\n1,2026-03-02\n".encode("utf-16-le"))
    spec = {"fields": {"contact_id": "Id", "created_at": "Created at"}}
    with pytest.raises(
        EncodingProblem, match=r"UTF-16 \(Excel's 'Unicode text'\).*--encoding utf-16"
    ):
        ingest(engine, path, spec)
    summary = ingest(engine, path, {**spec, "encoding": "utf-16"})
    assert summary.imported == 1


def test_a_latin1_byte_is_reported_by_line_with_the_encoding_to_use(
    engine: Engine, tmp_path: Path
) -> None:
    """Reported as "position 6286" before; it is line 251 of the file."""
    lines = ["Id,Created at,Queue"] + [f"{n},2026-03-02T10:00:00Z,general" for n in range(1, 250)]
    lines.append("250,2026-03-02T10:00:00Z,Café")
    path = write(tmp_path, "\n".join(lines) + "\n", encoding="cp1252")
    spec = {"fields": {"contact_id": "Id", "created_at": "Created at", "queue": "Queue"}}
    with pytest.raises(EncodingProblem) as caught:
        ingest(engine, path, spec)
    message = str(caught.value)
    assert message.startswith("line 251 is not valid UTF-8 (byte 0xe9)")
    assert "--encoding cp1252" in message
    assert stored(engine) == {}
    assert ingest(engine, path, {**spec, "encoding": "cp1252"}).imported == 250
    assert stored(engine)["test/250"]["queue"] == "café"  # stored in scope form


@pytest.mark.parametrize(("delimiter", "shown"), [(";", "';'"), ("\t", "'\\t'")])
def test_a_header_split_by_another_delimiter_says_so(
    engine: Engine, tmp_path: Path, delimiter: str, shown: str
) -> None:
    path = write(
        tmp_path, f"Id{delimiter}Created at{delimiter}CSAT\n1{delimiter}2026-03-02{delimiter}5\n"
    )
    spec = {"fields": {"contact_id": "Id", "created_at": "Created at"}}
    with pytest.raises(MappingDoesNotFit, match=re.escape(f"use --delimiter {shown}")):
        ingest(engine, path, spec)


# --- durations ------------------------------------------------------------------------------


def test_durations_in_milliseconds_clock_time_and_words(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Id,Start,Talk,Hold,Wrap\n"
        "1,2026-03-02T10:00:00Z,183500,00:01:05,5 min\n"
        "2,2026-03-02T10:05:00Z,2000,1:02:03,30 s\n"
        "3,2026-03-02T10:10:00Z,12 secs,07:30,two minutes\n",
    )
    spec = {
        "fields": {
            "contact_id": "Id",
            "created_at": "Start",
            "talk_seconds": {"column": "Talk", "unit": "ms"},
            "hold_seconds": "Hold",
            "wrap_seconds": {"column": "Wrap", "unit": "minutes"},
        }
    }
    summary = ingest(engine, path, spec)
    rows = stored(engine)
    assert [rows[f"test/{n}"]["talk_seconds"] for n in "123"] == [183.5, 2.0, 12.0]
    assert [rows[f"test/{n}"]["hold_seconds"] for n in "123"] == [65.0, 3723.0, 450.0]
    assert [rows[f"test/{n}"]["wrap_seconds"] for n in "123"] == [300.0, 30.0, None]
    assert summary.field_issue_reasons == {"not_a_number": 1}
    assert issues(engine) == [
        (
            4,
            "wrap_seconds",
            "two minutes",
            "not_a_number: expected a duration: a number of minutes, HH:MM:SS, MM:SS or e.g. "
            "'5 min'",
        )
    ]


# --- derived fields -------------------------------------------------------------------------

DERIVED = {
    "fields": {"contact_id": "Id", "created_at": "Start"},
    "derive": {
        "abandoned": {
            "all": [{"column": "Queue", "present": True}, {"column": "Agent", "present": False}]
        },
        "fcr": {"all": [{"column": "Reopens", "equals": 0}]},
    },
}


def test_derived_fields_follow_their_declared_rules(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Id,Start,Queue,Agent,Reopens\n"
        "1,2026-03-02T10:00:00Z,Sales,,0\n"  # queued, no agent: abandoned; no reopen: fcr yes
        "2,2026-03-02T10:00:00Z,Sales,ana,2\n"  # answered; reopened: no
        "3,2026-03-02T10:00:00Z,,,\n"  # never queued: not abandoned; reopens unknown
        "4,2026-03-02T10:00:00Z,Sales,bo,many\n",  # not a number: a field issue, fcr unknown
    )
    summary = ingest(engine, path, DERIVED)
    rows = stored(engine)
    assert [rows[f"test/{n}"]["abandoned"] for n in "1234"] == [True, False, False, False]
    assert [rows[f"test/{n}"]["fcr"] for n in "1234"] == ["yes", "no", None, None]
    assert summary.field_issues == 1
    assert issues(engine) == [
        (5, "fcr", "many", "not_a_number: derive.fcr compares column 'Reopens' as a number")
    ]


def test_a_derived_rule_naming_a_missing_column_is_an_error(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "Id,Start,Queue,Reopens\n1,2026-03-02T10:00:00Z,Sales,0\n")
    with pytest.raises(MappingDoesNotFit, match=r"'Agent' \(for derive.abandoned\)"):
        ingest(engine, path, DERIVED)


def test_a_derived_field_cannot_also_be_mapped() -> None:
    with pytest.raises(ValueError, match=r"derive\.abandoned: the field is mapped in `fields` too"):
        mapping(
            {
                "fields": {"contact_id": "Id", "created_at": "Start", "abandoned": "Abandoned"},
                "derive": {"abandoned": {"any": [{"column": "Queue", "present": True}]}},
            }
        )
    with pytest.raises(ValueError, match="exactly one of `present`, `equals`"):
        mapping(
            {
                "fields": {"contact_id": "Id", "created_at": "Start"},
                "derive": {"abandoned": {"any": [{"column": "Q", "present": True, "equals": 1}]}},
            }
        )
    with pytest.raises(ValueError, match="only yes/no fields"):
        mapping(
            {
                "fields": {"contact_id": "Id", "created_at": "Start"},
                "derive": {"csat": {"any": [{"column": "Q", "present": True}]}},
            }
        )


# --- time -----------------------------------------------------------------------------------


def test_a_column_mixing_zoned_and_naive_values_is_a_warning_with_counts(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "Id,Start\n1,2026-03-02T10:00:00Z\n2,2026-03-02 10:00\n3,2026-03-02T10:00:00+01:00\n",
    )
    summary = ingest(
        engine,
        path,
        {"timezone": "Europe/Berlin", "fields": {"contact_id": "Id", "created_at": "Start"}},
    )
    assert summary.warnings == [
        "created_at mixes timestamps with and without a UTC offset: 2 values with one, 1 value "
        "without (read in Europe/Berlin)"
    ]
    assert stored(engine)["test/2"]["created_at"] == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_naive_timestamps_in_the_programs_zone_are_a_warning_unless_the_mapping_names_one(
    engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "Id,Start\n1,2026-03-02 10:00\n2,2026-03-02 11:00\n")
    spec: dict[str, object] = {"fields": {"contact_id": "Id", "created_at": "Start"}}
    assert ingest(engine, path, spec).warnings == [
        "created_at: 2 timestamps without a UTC offset were read in the program's time zone "
        "(America/Los_Angeles); if the export is in another, set `timezone:` in the mapping or "
        "--timezone"
    ]
    assert ingest(engine, path, {**spec, "timezone": "America/Los_Angeles"}).warnings == []


def test_day_and_month_order_values_valid_only_the_other_way_are_named(
    engine: Engine, tmp_path: Path
) -> None:
    """A dd/mm file read as mm/dd swapped day and month without a word."""
    path = write(
        tmp_path,
        "Id,Start\n1,03/02/2026 10:00\n2,04/02/2026 10:00\n3,13/02/2026 10:00\n4,25/02/2026 10:00\n",
    )
    spec = {
        "timezone": "UTC",
        "timestamp_format": "%m/%d/%Y %H:%M",
        "fields": {"contact_id": "Id", "created_at": "Start"},
    }
    summary = ingest(engine, path, spec)
    assert summary.quarantined == 2
    assert summary.warnings == [
        "created_at: 2 values cannot be read as '%m/%d/%Y %H:%M' but can as '%d/%m/%Y %H:%M' "
        "(line 4, 5): is the file's day and month the other way round? see --timestamp-format"
    ]


def test_a_date_order_that_fits_both_ways_is_a_warning(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "Id,Start\n1,03/02/2026 10:00\n2,04/02/2026 10:00\n")
    spec = {
        "timezone": "UTC",
        "timestamp_format": "%d/%m/%Y %H:%M",
        "fields": {"contact_id": "Id", "created_at": "Start"},
    }
    assert ingest(engine, path, spec).warnings == [
        "created_at: every date reads as '%d/%m/%Y %H:%M' and as '%m/%d/%Y %H:%M' too, 2 values "
        "differently: check the export's day and month order (--timestamp-format)"
    ]
    unambiguous = write(tmp_path, "Id,Start\n1,03/02/2026 10:00\n2,24/02/2026 10:00\n", "b.csv")
    assert ingest(engine, unambiguous, spec).warnings == []


# --- merges and sources ---------------------------------------------------------------------


def test_a_blank_keeps_or_clears_the_stored_value_as_the_mapping_says(
    engine: Engine, tmp_path: Path
) -> None:
    """A CSAT answer withdrawn in a later export was kept and the row reported unchanged."""
    first = write(
        tmp_path,
        "Id,Start,CSAT,Queue\n1,2026-03-02T10:00:00Z,5,billing\n2,2026-03-02T10:00:00Z,4,billing\n",
    )
    later = write(
        tmp_path,
        "Id,Start,CSAT,Queue\n1,2026-03-02T10:00:00Z,,\n2,2026-03-02T10:00:00Z,nine,\n",
        "later.csv",
    )
    keep = {"fields": {"contact_id": "Id", "created_at": "Start", "csat": "CSAT", "queue": "Queue"}}
    clear = {
        "fields": {
            "contact_id": "Id",
            "created_at": "Start",
            "csat": {"column": "CSAT", "blanks": "clear"},
            "queue": "Queue",
        }
    }
    ingest(engine, first, keep)
    kept = ingest(engine, later, keep)
    assert (kept.updated, kept.unchanged, kept.blanks_kept, kept.blanks_cleared) == (0, 2, 4, 0)
    assert stored(engine)["test/1"]["csat"] == 5
    cleared = ingest(engine, later, clear)
    # contact 1's blank CSAT clears; contact 2's bad CSAT ("nine") keeps 4; blank queues keep
    assert (cleared.updated, cleared.unchanged, cleared.blanks_kept, cleared.blanks_cleared) == (
        1,
        1,
        3,
        1,
    )
    rows = stored(engine)
    assert (rows["test/1"]["csat"], rows["test/2"]["csat"]) == (None, 4)
    assert (rows["test/1"]["queue"], rows["test/2"]["queue"]) == ("billing", "billing")
    everything = ingest(engine, later, {**clear, "blanks": "clear"})
    assert (everything.updated, everything.blanks_cleared) == (2, 2)
    assert stored(engine)["test/2"]["queue"] is None


def test_a_field_the_file_lacks_is_never_cleared(engine: Engine, tmp_path: Path) -> None:
    first = write(tmp_path, "Id,Start,CSAT\n1,2026-03-02T10:00:00Z,5\n")
    later = write(tmp_path, "Id,Start\n1,2026-03-02T10:00:00Z\n", "later.csv")
    spec = {
        "blanks": "clear",
        "fields": {
            "contact_id": "Id",
            "created_at": "Start",
            "csat": {"column": "CSAT", "optional": True},
        },
    }
    ingest(engine, first, spec)
    summary = ingest(engine, later, spec)
    assert (summary.unchanged, summary.blanks_cleared) == (1, 0)
    assert stored(engine)["test/1"]["csat"] == 5


# --- command-line overrides over a profile --------------------------------------------------


def test_overrides_change_only_what_they_name() -> None:
    from app.errors import UsageError
    from app.service.imports import MappingOverrides, choose_mapping

    zendesk = choose_mapping(profile="zendesk").mapping
    chosen = choose_mapping(
        profile="zendesk",
        overrides=MappingOverrides(
            delimiter="tab", timezone="Europe/Berlin", source="zendesk-eu", encoding="cp1252"
        ),
    ).mapping
    assert (chosen.spec.delimiter, chosen.spec.timezone, chosen.spec.source) == (
        "\t",
        "Europe/Berlin",
        "zendesk-eu",
    )
    assert chosen.spec.encoding == "cp1252"
    assert chosen.spec.fields == zendesk.spec.fields  # value maps with nulls included
    assert zendesk.spec.source == "zendesk"  # the shipped profile is left as it was
    fmt = choose_mapping(
        profile="kaggle-support-tickets",
        overrides=MappingOverrides(timestamp_format="%d/%m/%Y %H:%M"),
    ).mapping
    assert fmt.spec.timestamp_format == "%d/%m/%Y %H:%M"
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        choose_mapping(overrides=MappingOverrides(encoding="klingon"))
    with pytest.raises(UsageError, match="timezone"):
        choose_mapping(overrides=MappingOverrides(timezone="Mars/Olympus"))
    with pytest.raises(UsageError, match="delimiter"):
        choose_mapping(overrides=MappingOverrides(delimiter=";;"))


def test_a_timezone_override_replaces_a_columns_own(engine: Engine, tmp_path: Path) -> None:
    from app.service.imports import MappingOverrides, _apply

    path = write(tmp_path, "Id,Start\n1,2026-03-02 10:00\n")
    spec = {
        "fields": {"contact_id": "Id", "created_at": {"column": "Start", "timezone": "Asia/Tokyo"}}
    }
    berlin = _apply(mapping(spec), MappingOverrides(timezone="Europe/Berlin"))
    summary = ingest_file(engine, path, mapping=berlin, program_timezone=TZ, author="ana")
    assert summary.warnings == []
    assert stored(engine)["test/1"]["created_at"] == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_bad_derive_rule_is_located_in_the_mapping_file(tmp_path: Path) -> None:
    from app.ingest import load_mapping

    path = tmp_path / "connect.yaml"
    path.write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: c, title: C}\nspec:\n"
        "  source: c\n  fields: {contact_id: Id, created_at: Start}\n  derive:\n    abandoned:\n"
        "      all: [{column: Queue, present: yes, equals: 3}]\n"
    )
    loaded, diagnostics = load_mapping(path)
    assert loaded is None
    assert [(d.line, d.path) for d in diagnostics] == [(9, "spec.derive.abandoned.all.0")]
    assert "exactly one of `present`, `equals`" in diagnostics[0].message
