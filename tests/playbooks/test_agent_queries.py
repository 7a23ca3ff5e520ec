"""What agents type during a call finds the playbook they need first (tests/playbooks/agent_queries.yaml).

The set is written from the agent's side and grows with the playbooks: every playbook of the
example program needs at least five phrasings. At least 90 % must find their playbook first, and
the managers' guide (docs/guides/managers.md) quotes the current figure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from app.load import load_program
from app.playbooks.search import search_playbooks

REPO = Path(__file__).resolve().parents[2]
QUERIES: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).with_name("agent_queries.yaml")).read_text(encoding="utf-8")
)
PAIRS = [(query, playbook) for playbook, queries in QUERIES.items() for query in queries]


@pytest.fixture(scope="module")
def program():  # type: ignore[no-untyped-def]
    loaded = load_program(REPO)
    assert loaded.program is not None
    return loaded.program


def first(program, query: str) -> str | None:  # type: ignore[no-untyped-def]
    hits = search_playbooks(program, query)
    return hits[0].playbook.id if hits else None


def test_every_playbook_has_its_phrasings(program) -> None:  # type: ignore[no-untyped-def]
    assert len(PAIRS) >= 30
    thin = {
        pb: len(QUERIES.get(pb, [])) for pb in program.playbooks if len(QUERIES.get(pb, [])) < 5
    }
    assert not thin, f"playbooks with fewer than five agent phrasings: {thin}"
    assert set(QUERIES) <= set(program.playbooks), "phrasings for playbooks the program lacks"


def test_nine_in_ten_phrasings_find_their_playbook_first(program) -> None:  # type: ignore[no-untyped-def]
    misses = [(q, pb, first(program, q)) for q, pb in PAIRS if first(program, q) != pb]
    found = len(PAIRS) - len(misses)
    assert found / len(PAIRS) >= 0.9, misses
    claim = re.search(r"finds the intended playbook first for (\d+) of (\d+) phrasings", guide())
    assert claim, "the managers' guide states the figure"
    assert (int(claim[1]), int(claim[2])) == (found, len(PAIRS)), (
        f"the guide says {claim[1]} of {claim[2]}; it is {found} of {len(PAIRS)}: {misses}"
    )


def guide() -> str:
    return (REPO / "docs" / "guides" / "managers.md").read_text(encoding="utf-8")
