"""An agent cannot reach fees, credits or writes; the committee reads but does not write."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ui.roles import Viewer
from ui.pagekit import PageFactory

AGENT = Viewer(role="agent", email="sam@support.example.com")
COMMITTEE = Viewer(role="committee", email="raj.iyer@example.com")


@pytest.mark.parametrize("page", ["overview", "slas", "goals", "roadmap", "actuals", "metrics"])
def test_an_agent_is_refused_every_committee_and_manager_page(
    page: str, known_root: Path, open_page: PageFactory
) -> None:
    at = open_page(page, known_root, viewer=AGENT)
    assert not at.exception
    assert [e.value for e in at.error] == ["This page is not available to the agent role."]
    assert not at.metric and not at.dataframe and not at.button
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "$" not in shown and "fee" not in shown.lower()


def test_the_committee_reads_actuals_but_has_no_write_controls(
    known_root: Path, open_page: PageFactory
) -> None:
    at = open_page("actuals", known_root, viewer=COMMITTEE)
    assert not at.exception and not at.error
    keys = (
        {w.key for w in at.button}
        | {w.key for w in at.text_input}
        | {w.key for w in at.number_input}
    )
    assert not {"record.submit", "record.value", "import.run"} & keys
    assert any("Read-only" in c.value for c in at.caption)
    assert not at.get("file_uploader")


def test_the_committee_sees_money(known_root: Path, open_page: PageFactory) -> None:
    at = open_page("slas", known_root, viewer=COMMITTEE)
    assert not at.error
    assert any(m.label == "Owed (closed months)" for m in at.metric)
    assert at.get("form")  # the committee (finance) records credits as issued
    assert not any("Local single-user mode" in c.value for c in at.caption)
