"""Property: after any short sequence of imports — contacts moved between months, customers,
resolutions and FCR answers changed, contacts added — every stored actual equals the value
`compute_kpis` gives from the contacts now, and `actuals compute --check` finds nothing stale."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from stale_helpers import mismatches, run_import, stale_program, wipe

from app.ingest.mapping import CANONICAL_FIELDS
from app.service.actuals import check_actuals

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]

row = st.fixed_dictionaries(
    {
        "contact_id": st.sampled_from(["c0", "c1", "c2", "c3", "c4", "c5"]),
        "month": st.sampled_from(MONTHS),
        "day": st.sampled_from([1, 3, 27, 28]),
        "customer_id": st.sampled_from(["k1", "k2", ""]),
        "channel": st.sampled_from(["chat", "email"]),
        "fcr": st.sampled_from(["yes", "no", "pending", ""]),
        "resolved_days": st.sampled_from([None, 0, 2, 40]),
        "csat": st.sampled_from(["", "1", "4", "5"]),
    }
)


def _row(contact: str, month: str) -> dict[str, object]:
    return {
        "contact_id": contact,
        "month": month,
        "day": 1,
        "customer_id": "k1",
        "channel": "chat",
        "fcr": "yes",
        "resolved_days": None,
        "csat": "",
    }


imports = st.lists(st.lists(row, min_size=1, max_size=6), min_size=1, max_size=3)


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CANONICAL_FIELDS), extrasaction="ignore")
        writer.writeheader()
        for item in rows:
            created = datetime.fromisoformat(f"{item['month']}-{item['day']:02d}T12:00:00+00:00")
            days = item["resolved_days"]
            resolved = (
                "" if days is None else (created + timedelta(days=int(str(days)))).isoformat()
            )
            writer.writerow(
                {
                    **item,
                    "created_at": created.isoformat(),
                    "resolved_at": resolved,
                }
            )
    return path


def test_after_any_imports_stored_actuals_equal_the_live_kpis(
    engine: Engine, tmp_path: Path
) -> None:
    program = stale_program()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(imports)
    @example(  # a month left without contacts still has a backlog, which a later import changes
        [
            [_row("c0", "2026-01"), _row("c2", "2026-02")],
            [_row("c0", "2026-01"), _row("c2", "2026-01")],
            [_row("c1", "2026-01")],
        ]
    )
    @example(  # a later month moves the horizon: a contact open since January counts in February
        [[_row("c0", "2026-01")], [_row("c1", "2026-04")]]
    )
    def check(batches: list[list[dict[str, object]]]) -> None:
        wipe(engine)
        for number, rows in enumerate(batches):
            run_import(engine, program, _write(tmp_path / f"export{number}.csv", rows))
            assert mismatches(engine, program) == []
        assert check_actuals(engine, program).up_to_date

    check()
