from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from app.ingest.mapping import CANONICAL_FIELDS

HEADER = list(CANONICAL_FIELDS)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write canonical rows (dicts; missing keys blank) to a CSV file and return its path."""

    def write(
        rows: list[dict[str, object]], name: str = "contacts.csv", header: list[str] | None = None
    ) -> Path:
        path = tmp_path / name
        columns = header or HEADER
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
        return path

    return write
