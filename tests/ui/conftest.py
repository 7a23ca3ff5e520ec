"""Fixtures for the page tests: the example program in a temp folder, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ui.pagekit import PageFactory, copy_program, record_known_actuals, run_page


@pytest.fixture
def program_root(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The example program in a temp folder, its store on this test's database (SQLite or PostgreSQL)."""
    from app.store.db import ENV_VAR, get_engine, upgrade

    monkeypatch.setenv(ENV_VAR, database_url)
    upgrade(get_engine(database_url))
    yield copy_program(tmp_path / "program")


@pytest.fixture
def known_root(program_root: Path, database_url: str) -> Path:
    from app.store.db import get_engine

    record_known_actuals(get_engine(database_url))
    return program_root


@pytest.fixture
def open_page() -> PageFactory:
    return run_page
