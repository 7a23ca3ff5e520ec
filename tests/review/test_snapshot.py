"""Frozen reviews are a versioned format: every earlier version reads, migrates and renders.

tests/review/snapshots/ holds snapshots as each earlier version of cxgov wrote them (v1: the
story program's September review with an SLA miss and a credit; the demo's October review). A
new format version adds its own files here and never edits the old ones.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from app.periods import Month
from app.review import store
from app.review.export import to_markdown
from app.review.snapshot import (
    SNAPSHOT_VERSION,
    ReviewSnapshot,
    SnapshotUnreadable,
    freeze,
    read_snapshot,
)
from app.service.reviews import close, document_of
from app.store.db import session_scope
from review.review_fixture import store_values, story_program, story_values

SNAPSHOTS = sorted((Path(__file__).parent / "snapshots").glob("v*.json"))


def _version(path: Path) -> int:
    return int(path.name.split("-")[0][1:])


def test_there_is_a_committed_snapshot_of_every_earlier_version() -> None:
    assert {_version(path) for path in SNAPSHOTS} >= set(range(1, SNAPSHOT_VERSION))


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name)
def test_an_old_snapshot_migrates_keeps_every_figure_and_renders(path: Path) -> None:
    stored = json.loads(path.read_text())
    snapshot = read_snapshot(path.read_text())
    assert snapshot.version == SNAPSHOT_VERSION
    data = snapshot.model_dump(mode="json")
    assert data["pack"]["figures"] == stored["pack"]["figures"]
    assert data["pack"]["goals"] == stored["pack"]["goals"]
    exposure = stored["pack"]["headline"]["exposure"]
    owed = Decimal(exposure["owed"]) - Decimal(
        exposure["provisional"]
    )  # version 3: owed is due only
    assert data["pack"]["headline"]["exposure"] == {**exposure, "owed": str(owed)}
    assert data["record"]["findings"] == stored["record"]["findings"]
    document = {
        "review": data["record"]["review"],
        "pack": data["pack"],
        "record": data["record"],
        "revisions": [],
        "frozen": True,
    }
    text = to_markdown(document)
    for goal in stored["pack"]["attention"]:
        assert goal["goal"]["title"] in text
    for finding in stored["record"]["findings"]:
        if finding["root_cause"]:
            assert finding["root_cause"] in text


def test_the_story_snapshot_keeps_its_sla_miss_and_credit_to_the_cent() -> None:
    path = next(p for p in SNAPSHOTS if "story" in p.name)
    pack = read_snapshot(path.read_text()).pack
    assert [(m.contract_id, m.period, m.credit) for m in pack.sla_misses] == [
        ("acme", "2026-09", "2000.00")
    ]
    assert pack.headline.exposure.owed == "4000.00"


def test_a_version_2_snapshot_no_longer_counts_provisional_credits_as_owed() -> None:
    """The story's September review with a two-month earn-back, frozen by version 2: July's
    $2,000 is owed (September missed), September's $2,000 provisional. Version 2 counted both in
    "owed" ($4,000) and September's in "credits owed for the month" ($2,000); version 3 reads
    owed $2,000 and provisional $2,000, and for September nothing owed, $2,000 provisional. The
    total exposure stays $6,000."""
    path = next(p for p in SNAPSHOTS if p.name.startswith("v2-"))
    head = read_snapshot(path.read_text()).pack.headline
    assert (head.exposure.owed, head.exposure.provisional, head.exposure.total) == (
        "2000.00",
        "2000.00",
        "6000.00",
    )
    assert (head.credits_owed, head.credits_provisional) == ("0.00", "2000.00")


def test_a_pack_missing_a_field_of_the_format_cannot_be_frozen() -> None:
    """A field renamed in `evaluate` fails the close (here, in the tests), not an old review."""
    stored = json.loads(SNAPSHOTS[0].read_text())
    pack = stored["pack"]
    pack["goals"][0]["current_status"] = pack["goals"][0].pop("status")
    with pytest.raises(ValueError, match="status"):
        freeze(pack, stored["record"])


def test_a_field_a_newer_pack_adds_is_kept_not_dropped() -> None:
    stored = read_snapshot(SNAPSHOTS[0].read_text()).model_dump(mode="json")
    stored["pack"]["headline"]["exposure"]["issued"] = "500.00"
    text = freeze(stored["pack"], stored["record"])
    assert read_snapshot(text).pack.headline.exposure.model_dump()["issued"] == "500.00"


def test_unreadable_and_future_snapshots_are_refused_with_a_message() -> None:
    with pytest.raises(SnapshotUnreadable, match="cannot be read"):
        read_snapshot("{not json")
    newer = {"version": SNAPSHOT_VERSION + 1, "pack": {}, "record": {}}
    with pytest.raises(SnapshotUnreadable, match="newer cxgov"):
        read_snapshot(json.dumps(newer))


def test_closing_now_writes_the_current_version_and_reads_back_as_frozen(engine: Engine) -> None:
    store_values(engine, story_values())
    program = story_program()
    with session_scope(engine) as session:
        review, _ = store.open_review(session, period=Month(2026, 9), author="dana")
        store.start_meeting(session, review_id=review.id)
        for key in ("goal:csat_up", "sla:acme/uptime/2026-09"):
            store.record_finding(
                session,
                review_id=review.id,
                key=key,
                author="dana",
                accepted_no_action=True,
                acceptance_reason="accepted for the test",
            )
        closed = close(session, program=program, review=review, author="dana")
        raw = json.loads(closed.snapshot)
        assert raw["version"] == SNAPSHOT_VERSION and raw["frozen_by"]
        ReviewSnapshot.model_validate(raw)
        document = document_of(session, program=program, review=closed)
    assert document["frozen"] and document["pack"]["period"] == "2026-09"
    assert date.fromisoformat(document["pack"]["as_of"]) == date(2026, 10, 1)
