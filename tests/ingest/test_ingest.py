"""Contact import on both databases: quarantine, field issues, idempotence, late updates, atomicity."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.ingest import builtin_profile, ingest_file
from app.ingest.importer import ImportSummary
from app.ingest.records import EncodingProblem
from app.periods import Month
from app.store.tables import Contact, FieldIssue, ImportBatch, QuarantinedRow

TZ = "America/Los_Angeles"
GENERIC = builtin_profile("generic")


def ingest(engine: Engine, path: Path, **kwargs) -> ImportSummary:  # type: ignore[no-untyped-def]
    return ingest_file(
        engine,
        path,
        mapping=kwargs.pop("mapping", GENERIC),
        program_timezone=TZ,
        author="ana",
        **kwargs,
    )


def contacts(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Contact.__table__)).mappings().all()  # type: ignore[attr-defined]
    return {row["contact_id"]: dict(row) for row in rows}


def count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table.__table__)).scalar_one())  # type: ignore[attr-defined]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_timezone_boundary_is_stored_as_the_right_utc_instant(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": "A", "created_at": "2026-01-31T23:30:00-08:00"},
            {
                "contact_id": "B",
                "created_at": "2026-01-31 23:30",
            },  # naive: read in the program timezone
            {"contact_id": "C", "created_at": "2026-02-01T07:30:00Z"},
        ]
    )
    summary = ingest(engine, path)
    assert (summary.rows_read, summary.imported) == (3, 3)
    stored = contacts(engine)
    assert stored["A"]["created_at"] == utc(2026, 2, 1, 7, 30)
    assert stored["B"]["created_at"] == utc(2026, 2, 1, 7, 30)
    assert Month.containing(stored["A"]["created_at"], TZ) == Month(2026, 1)  # type: ignore[arg-type]
    with engine.connect() as conn:  # the instant compares correctly in SQL on both backends
        in_january = conn.execute(
            select(func.count())
            .select_from(Contact.__table__)
            .where(  # type: ignore[attr-defined]
                Contact.created_at >= Month(2026, 1).start(TZ),
                Contact.created_at < Month(2026, 1).end(TZ),
            )
        ).scalar_one()
    assert in_january == 3


def test_quarantine_keeps_line_raw_values_and_every_reason(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": "A", "created_at": "2026-01-05T10:00:00Z", "csat": 5},
            {"contact_id": "", "created_at": "", "channel": "chat"},  # line 3: no id, no date
            {"contact_id": "C", "created_at": "yesterday"},  # line 4: unusable date
            {
                "contact_id": "A",
                "created_at": "2026-01-06T10:00:00Z",
                "csat": 1,
            },  # line 5: duplicate of line 2
            {"contact_id": "E", "created_at": "2026-01-07T10:00:00Z"},
        ]
    )
    summary = ingest(engine, path)
    assert summary.as_dict() | {"batch_id": 0} == {
        "batch_id": 0,
        "file": "contacts.csv",
        "source": "generic",
        "rows_read": 5,
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 3,
        "field_issues": 0,
        "quarantine_reasons": {
            "bad_created_at": 1,
            "duplicate_id": 1,
            "missing_created_at": 1,
            "missing_id": 1,
        },
        "field_issue_reasons": {},
        "months_touched": [],
        "unmapped_values": {},
        "blanks_kept": 0,
        "blanks_cleared": 0,
        "warnings": [],
    }
    assert contacts(engine)["A"]["csat"] == 5  # the first occurrence is kept
    with engine.connect() as conn:
        rows = (
            conn.execute(select(QuarantinedRow.__table__).order_by(QuarantinedRow.line_number))
            .mappings()
            .all()
        )  # type: ignore[attr-defined]
    assert [r["line_number"] for r in rows] == [3, 4, 5]
    reasons = [json.loads(r["reasons"]) for r in rows]
    assert [reason.split(":")[0] for reason in reasons[0]] == ["missing_id", "missing_created_at"]
    assert reasons[1][0].startswith("bad_created_at: 'yesterday'")
    assert reasons[2] == ["duplicate_id: the same contact id as line 2"]
    assert json.loads(rows[0]["raw"])["channel"] == "chat"
    assert json.loads(rows[2]["raw"])["csat"] == "1"


def test_bad_field_is_reported_and_left_blank_but_the_row_counts(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {
                "contact_id": "A",
                "created_at": "2026-01-05T10:00:00Z",
                "csat": 9,
                "nps": 10,
                "talk_seconds": -5,
                "wrap_seconds": "12.5",
                "abandoned": "maybe",
                "fcr": "Yes",
                "ces": "x",
            },
            {
                "contact_id": "B",
                "created_at": "2026-01-05T10:00:00Z",
                "first_response_at": "2026-01-05T11:00:00Z",
                "resolved_at": "2026-01-05T10:30:00Z",
                "csat": 4,
            },
            {
                "contact_id": "C",
                "created_at": "2026-01-05T10:00:00Z",
                "first_response_at": "2026-01-05T09:00:00Z",
                "resolved_at": "2026-01-05T09:30:00Z",
            },
        ]
    )
    summary = ingest(engine, path)
    assert (summary.imported, summary.quarantined, summary.field_issues) == (3, 0, 7)
    assert summary.field_issue_reasons == {
        "out_of_range": 1,
        "negative_duration": 1,
        "unknown_value": 1,
        "not_a_number": 1,
        "resolution_before_first_response": 1,
        "response_before_creation": 1,
        "resolution_before_creation": 1,
    }
    stored = contacts(engine)
    a = stored["A"]
    assert (
        a["csat"],
        a["nps"],
        a["talk_seconds"],
        a["wrap_seconds"],
        a["abandoned"],
        a["fcr"],
        a["ces"],
    ) == (None, 10, None, 12.5, None, "yes", None)
    assert stored["B"]["resolved_at"] is None and stored["B"]["csat"] == 4
    assert stored["B"]["first_response_at"] == utc(2026, 1, 5, 11)
    assert stored["C"]["first_response_at"] is None and stored["C"]["resolved_at"] is None
    with engine.connect() as conn:
        issue = (
            conn.execute(select(FieldIssue.__table__).where(FieldIssue.field == "csat"))
            .mappings()
            .one()
        )  # type: ignore[attr-defined]
    assert (issue["line_number"], issue["contact_id"], issue["raw_value"]) == (2, "A", "9")
    assert issue["reason"] == "out_of_range: csat must be 1–5"


def test_reimport_changes_nothing_and_a_later_export_updates(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    rows = [
        {"contact_id": "A", "created_at": "2026-01-05T10:00:00Z", "channel": "email"},
        {"contact_id": "B", "created_at": "2026-01-06T10:00:00Z", "channel": "chat", "csat": 2},
    ]
    first = ingest(engine, write_csv(rows))
    before = contacts(engine)
    again = ingest(engine, write_csv(rows))
    assert (again.rows_read, again.imported, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert contacts(engine) == before
    assert all(row["batch_id"] == first.batch_id for row in contacts(engine).values())

    later = [
        {
            "contact_id": "A",
            "created_at": "2026-01-05T10:00:00Z",
            "channel": "email",
            "csat": 5,
        },  # answer came in
        {
            "contact_id": "B",
            "created_at": "2026-01-06T10:00:00Z",
        },  # blanks never erase what is known
        {"contact_id": "C", "created_at": "2026-01-07T10:00:00Z"},
    ]
    update = ingest(engine, write_csv(later, name="later.csv"))
    assert (update.imported, update.updated, update.unchanged, update.quarantined) == (1, 1, 1, 0)
    after = contacts(engine)
    assert after["A"]["csat"] == 5 and after["A"]["batch_id"] == update.batch_id
    assert (after["B"]["channel"], after["B"]["csat"], after["B"]["batch_id"]) == (
        "chat",
        2,
        first.batch_id,
    )
    assert count(engine, Contact) == 3
    with engine.connect() as conn:
        batches = conn.execute(
            select(
                ImportBatch.rows_imported, ImportBatch.rows_updated, ImportBatch.rows_unchanged
            ).order_by(ImportBatch.id)
        ).all()
    assert [tuple(b) for b in batches] == [(2, 0, 0), (0, 0, 2), (1, 1, 1)]


def test_an_error_half_way_leaves_the_database_as_it_was(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    ingest(
        engine,
        write_csv([{"contact_id": "A", "created_at": "2026-01-05T10:00:00Z"}], name="seed.csv"),
    )
    big = write_csv(
        [
            {
                "contact_id": f"N{i}",
                "created_at": "2026-01-05T10:00:00Z",
                "csat": "x" if i % 7 else 3,
            }
            for i in range(500)
        ]
        + [{"contact_id": "", "created_at": ""}]
    )
    seen: list[int] = []

    def interrupt(rows_read: int) -> None:
        seen.append(rows_read)
        if rows_read >= 200:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(engine, big, progress=interrupt, chunk_rows=100)
    assert seen == [100, 200]
    assert (
        count(engine, Contact),
        count(engine, ImportBatch),
        count(engine, FieldIssue),
        count(engine, QuarantinedRow),
    ) == (1, 1, 0, 0)
    finished = ingest(engine, big, chunk_rows=100)  # and the next import works normally
    assert (finished.imported, finished.quarantined) == (500, 1)


def test_mapping_that_does_not_fit_the_file_imports_nothing(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    from app.ingest import MappingDoesNotFit

    path = write_csv([{"id": "1"}], header=["id", "when"])
    with pytest.raises(MappingDoesNotFit, match="no column 'contact_id'"):
        ingest(engine, path)
    assert count(engine, ImportBatch) == 0


def test_malformed_row_is_quarantined_whole(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_text(
        "contact_id,created_at,csat\nA,2026-01-05T10:00:00Z,5\nB,2026-01-05T10:00:00Z\n\nC,2026-01-05,4\n"
    )
    summary = ingest(engine, path)
    assert (summary.rows_read, summary.imported, summary.quarantined) == (3, 2, 1)
    assert summary.quarantine_reasons == {"malformed_row": 1}
    with engine.connect() as conn:
        row = conn.execute(select(QuarantinedRow.line_number, QuarantinedRow.raw)).one()
    assert (row[0], json.loads(row[1])) == (3, ["B", "2026-01-05T10:00:00Z"])


def test_a_duration_past_the_end_of_the_calendar_is_a_field_issue(
    engine: Engine, tmp_path: Path
) -> None:
    """Zendesk exports first reply as minutes after creation; an absurd value must not abort the import."""
    path = tmp_path / "zendesk.csv"
    path.write_text(
        "Id,Created at,First reply time in minutes\n"
        "1,2026-01-05 10:00,15\n"
        "2,2026-01-05 10:00,99999999999999\n"
        "3,2026-01-05 10:00,1e400\n",
        encoding="utf-8",
    )
    summary = ingest(engine, path, mapping=builtin_profile("zendesk"))
    assert (summary.imported, summary.quarantined) == (3, 0)
    assert summary.field_issue_reasons == {"duration_out_of_range": 1, "not_a_number": 1}
    stored = contacts(engine)
    assert stored["1"]["first_response_at"] == datetime(2026, 1, 5, 18, 15, tzinfo=UTC)
    assert stored["2"]["first_response_at"] is None and stored["3"]["first_response_at"] is None


def test_values_arrive_exactly_whatever_characters_they_hold(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    """PostgreSQL's stream is COPY text built a column at a time: tabs, newlines, backslashes and a
    literal \\N must survive it, as must fractional seconds, floats and booleans."""
    odd = "tier 2\tEMEA\\north\nnight shift \\N"
    summary = ingest(
        engine,
        write_csv(
            [
                {
                    "contact_id": "A",
                    "created_at": "2026-01-05T10:00:00.123456+01:00",
                    "queue": odd,
                    "customer_id": odd,
                    "agent_id": "\\N",
                    "first_response_at": "2026-01-05T10:00:30.5+01:00",
                    "wait_seconds": "0.1",
                    "abandoned": "true",
                    "talk_seconds": "1e3",
                    "fcr": "pending",
                    "csat": 5,
                    "nps": 0,
                    "ces": 7,
                },
                {
                    "contact_id": "B",
                    "created_at": "2026-01-05T10:00:00Z",
                    "queue": "",
                    "abandoned": "false",
                },
            ]
        ),
    )
    assert summary.imported == 2
    stored = contacts(engine)
    assert stored["A"]["customer_id"] == odd and stored["A"]["agent_id"] == "\\N"
    # a scope dimension is stored as scopes write it: lower case, each run of blanks one underscore
    assert stored["A"]["queue"] == "tier_2_emea\\north_night_shift_\\n"
    assert stored["A"]["created_at"] == datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=UTC)
    assert stored["A"]["first_response_at"] == datetime(2026, 1, 5, 9, 0, 30, 500000, tzinfo=UTC)
    assert stored["A"]["first_response_seconds"] == pytest.approx(
        30.376544, abs=1e-3
    )  # SQLite keeps milliseconds
    assert (stored["A"]["wait_seconds"], stored["A"]["talk_seconds"], stored["A"]["abandoned"]) == (
        0.1,
        1000.0,
        True,
    )
    assert (stored["A"]["fcr"], stored["A"]["csat"], stored["A"]["nps"], stored["A"]["ces"]) == (
        "pending",
        5,
        0,
        7,
    )
    assert (stored["B"]["queue"], stored["B"]["abandoned"], stored["B"]["wait_seconds"]) == (
        None,
        False,
        None,
    )


def _index_names(engine: Engine) -> set[str]:
    """The contacts table's index names and its foreign keys (name, columns, referred table)."""
    from sqlalchemy import inspect

    inspector = inspect(engine)
    names = {str(index["name"]) for index in inspector.get_indexes("contacts")}
    keys = {
        f"fk {key['name']} {key['constrained_columns']} -> {key['referred_table']}"
        for key in inspector.get_foreign_keys("contacts")
    }
    return names | keys


def test_a_load_bigger_than_the_table_rebuilds_its_indexes(
    engine: Engine, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexes are dropped and built again around a big load, inside the import's transaction."""
    from sqlalchemy import Index

    from app.ingest import importer

    monkeypatch.setattr(importer, "REBUILD_MIN_ROWS", 3)
    built: list[str] = []
    original_create = Index.create

    def record_create(index, *args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(index.name)
        return original_create(index, *args, **kwargs)

    monkeypatch.setattr(Index, "create", record_create)
    before = _index_names(engine)
    assert {"ix_contacts_created_at", "ix_contacts_customer_created"} <= before
    assert any(
        name.startswith("fk ") and "['batch_id'] -> import_batches" in name for name in before
    )
    rows = [
        {
            "contact_id": f"N{i}",
            "created_at": f"2026-01-{i + 1:02d}T10:00:00Z",
            "customer_id": f"c{i % 2}",
        }
        for i in range(5)
    ]
    assert ingest(engine, write_csv(rows)).imported == 5
    assert sorted(built) == ["ix_contacts_created_at", "ix_contacts_customer_created"]
    assert _index_names(engine) == before and len(contacts(engine)) == 5

    built.clear()  # 3 new rows against 5 already there: the indexes are kept and maintained
    more = [{"contact_id": f"M{i}", "created_at": "2026-02-01T10:00:00Z"} for i in range(3)]
    assert ingest(engine, write_csv(more, name="more.csv")).imported == 3
    assert built == [] and _index_names(engine) == before

    def fail_after_drop(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(Index, "create", fail_after_drop)
    big = [{"contact_id": f"B{i}", "created_at": "2026-03-01T10:00:00Z"} for i in range(20)]
    with pytest.raises(RuntimeError, match="disk full"):
        ingest(engine, write_csv(big, name="big.csv"))
    assert _index_names(engine) == before and len(contacts(engine)) == 8


@pytest.mark.parametrize("first_import_of_source", [True, False])
def test_a_repeated_id_keeps_its_first_line_whichever_way_new_contacts_go_in(
    engine: Engine, write_csv: Callable[..., Path], first_import_of_source: bool
) -> None:
    """A source's first import inserts chunk by chunk; later imports merge after the last chunk."""
    if not first_import_of_source:
        ingest(
            engine,
            write_csv(
                [{"contact_id": "OLD", "created_at": "2026-01-01T10:00:00Z"}], name="seed.csv"
            ),
        )
    rows = [
        {"contact_id": f"R{i}", "created_at": "2026-01-05T10:00:00Z", "csat": 3} for i in range(7)
    ]
    rows[1].update(contact_id="X", csat=5)
    rows[5].update(contact_id="X", csat=1)  # line 7, in a later chunk than line 3
    summary = ingest(engine, write_csv(rows), chunk_rows=2)
    assert (summary.imported, summary.quarantined, summary.quarantine_reasons) == (
        6,
        1,
        {"duplicate_id": 1},
    )
    assert contacts(engine)["X"]["csat"] == 5
    with engine.connect() as conn:
        reasons = conn.execute(select(QuarantinedRow.line_number, QuarantinedRow.reasons)).one()
    assert (reasons[0], json.loads(reasons[1])) == (
        7,
        ["duplicate_id: the same contact id as line 3"],
    )


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_first_import_stops_if_another_import_of_the_source_writes_meanwhile(
    engine: Engine, database_url: str, write_csv: Callable[..., Path]
) -> None:
    """PostgreSQL only: SQLite has one writer at a time, so there the other import waits for this one."""
    from app.store.db import make_engine

    rows = [{"contact_id": f"P{i}", "created_at": "2026-01-05T10:00:00Z"} for i in range(6)]
    other = make_engine(database_url)

    def meanwhile(rows_read: int) -> None:
        if rows_read == 2:  # another import commits P4 before this one reaches it
            with other.begin() as conn:
                batch = conn.execute(
                    ImportBatch.__table__.insert()
                    .values(  # type: ignore[attr-defined]
                        source="generic",
                        file_name="other.csv",
                        file_sha256="0" * 64,
                        author="bo",
                        started_at=datetime.now(UTC),
                    )
                    .returning(ImportBatch.__table__.c.id)
                ).scalar_one()  # type: ignore[attr-defined]
                conn.execute(
                    Contact.__table__.insert().values(  # type: ignore[attr-defined]
                        source="generic",
                        contact_id="P4",
                        created_at=utc(2026, 1, 5, 10),
                        batch_id=batch,
                    )
                )

    try:
        with pytest.raises(RuntimeError, match="another import of source 'generic' wrote contacts"):
            ingest(engine, write_csv(rows), chunk_rows=2, progress=meanwhile)
    finally:
        other.dispose()
    assert set(contacts(engine)) == {"P4"}


def test_a_later_export_may_correct_indexed_fields_too(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    """Updates go in two statements (rows whose indexed fields change, then the rest): both kinds
    of change land, durations follow a corrected creation time, and each row counts once."""
    first = ingest(
        engine,
        write_csv(
            [
                {
                    "contact_id": "A",
                    "created_at": "2026-01-05T10:00:00Z",
                    "first_response_at": "2026-01-05T10:10:00Z",
                },
                {
                    "contact_id": "B",
                    "created_at": "2026-01-05T11:00:00Z",
                    "customer_id": "c1",
                    "csat": 2,
                },
                {"contact_id": "C", "created_at": "2026-01-05T12:00:00Z", "customer_id": "c2"},
                {"contact_id": "D", "created_at": "2026-01-05T13:00:00Z"},
            ]
        ),
    )
    later = ingest(
        engine,
        write_csv(
            [
                {
                    "contact_id": "A",
                    "created_at": "2026-01-05T10:05:00Z",
                    "csat": 4,
                },  # corrected creation time
                {
                    "contact_id": "B",
                    "created_at": "2026-01-05T11:00:00Z",
                    "customer_id": "c9",
                },  # merged customer
                {
                    "contact_id": "C",
                    "created_at": "2026-01-05T12:00:00Z",
                    "csat": 5,
                },  # only an answer
                {"contact_id": "D", "created_at": "2026-01-05T13:00:00Z"},
            ],
            name="later.csv",
        ),
    )
    assert (later.updated, later.unchanged, later.imported) == (3, 1, 0)
    stored = contacts(engine)
    assert stored["A"]["created_at"] == utc(2026, 1, 5, 10, 5) and stored["A"]["csat"] == 4
    assert stored["A"]["first_response_seconds"] == pytest.approx(300.0)
    assert (stored["B"]["customer_id"], stored["B"]["csat"]) == ("c9", 2)
    assert (stored["C"]["customer_id"], stored["C"]["csat"]) == ("c2", 5)
    assert [stored[key]["batch_id"] for key in "ABCD"] == [later.batch_id] * 3 + [first.batch_id]
    with engine.connect() as conn:  # the created_at index sees the corrected time
        found = (
            conn.execute(
                select(Contact.contact_id).where(Contact.created_at == utc(2026, 1, 5, 10, 5))
            )
            .scalars()
            .all()
        )
        by_customer = (
            conn.execute(select(Contact.contact_id).where(Contact.customer_id == "c9"))
            .scalars()
            .all()
        )
    assert (found, by_customer) == (["A"], ["B"])


def test_a_first_load_inserts_plainly_and_keeps_on_conflict_for_a_chunk_that_repeats_an_id(
    engine: Engine, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path is the common one: chunks without a repeated id never take ON CONFLICT (on
    PostgreSQL: are copied straight into contacts); only the chunk with the repeat does."""
    from app.ingest import importer

    fallbacks: list[int] = []
    original = importer._FirstLoad._insert_keeping_first
    monkeypatch.setattr(
        importer._FirstLoad,
        "_insert_keeping_first",
        lambda self, rows: fallbacks.append(1) or original(self, rows),
    )
    rows = [{"contact_id": f"F{i}", "created_at": "2026-01-05T10:00:00Z"} for i in range(8)]
    rows[6]["contact_id"] = "F1"  # line 8 repeats line 3, in the fourth chunk of two
    summary = ingest(engine, write_csv(rows), chunk_rows=2)
    assert (summary.imported, summary.quarantine_reasons) == (7, {"duplicate_id": 1})
    assert len(fallbacks) == 1


def test_a_sqlite_import_gives_its_connection_back_without_the_chunk_database(
    tmp_path: Path, write_csv: Callable[..., Path]
) -> None:
    """SQLite takes each chunk through a database attached for the import's length; the pooled
    connection must come back without it, after a failed import too, or the next import could not
    attach it again."""
    from app.store.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'pooled.db'}")
    upgrade(engine)
    good = write_csv([{"contact_id": "A", "created_at": "2026-01-05T10:00:00Z"}], name="good.csv")
    bad = write_csv(
        [{"contact_id": f"B{i}", "created_at": "2026-01-05T10:00:00Z"} for i in range(300)],
        name="bad.csv",
    )
    with bad.open("ab") as handle:
        handle.write(
            b"B900,2026-02-01T10:00:00Z,caf\xe9\n"
        )  # not UTF-8, after the first chunks were written
    attached: list[list[str]] = []
    for path in (good, bad, good):
        with contextlib.suppress(EncodingProblem):
            ingest(engine, path, chunk_rows=100)
        with engine.connect() as conn:
            attached.append([row[1] for row in conn.exec_driver_sql("PRAGMA database_list")])
    assert engine.pool.checkedin() == 1  # one connection, reused by every import
    assert all("cxgov_chunk" not in names for names in attached), attached
    assert count(engine, Contact) == 1
    engine.dispose()


def test_a_nul_character_is_a_field_issue_and_its_raw_value_is_kept_visibly(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    """PostgreSQL refuses a NUL character in any text value: it must not stop the import there, and
    both databases must keep the same contacts."""
    summary = ingest(
        engine,
        write_csv(
            [
                {
                    "contact_id": "A",
                    "created_at": "2026-01-05T10:00:00Z",
                    "queue": "tier\x002",
                    "csat": "4\x00",
                    "channel": "chat",
                },
                {"contact_id": "B\x00", "created_at": "2026-01-05T10:00:00Z"},
                {"contact_id": "C", "created_at": "2026-01-05T10:00:00Z", "agent_id": "ok"},
            ]
        ),
    )
    assert (summary.rows_read, summary.imported, summary.quarantined) == (3, 2, 1)
    assert summary.quarantine_reasons == {"bad_id": 1}
    assert summary.field_issue_reasons == {"nul_character": 1, "not_a_number": 1}
    stored = contacts(engine)
    assert (stored["A"]["queue"], stored["A"]["csat"], stored["A"]["channel"]) == (
        None,
        None,
        "chat",
    )
    assert stored["C"]["agent_id"] == "ok"
    with engine.connect() as conn:
        raw = dict(conn.execute(select(FieldIssue.field, FieldIssue.raw_value)).all())  # type: ignore[call-overload]
        quarantined = json.loads(conn.execute(select(QuarantinedRow.raw)).scalar_one())  # type: ignore[call-overload]
    assert raw == {"queue": "tier\\x002", "csat": "4\\x00"}
    assert quarantined["contact_id"] == "B\x00"
