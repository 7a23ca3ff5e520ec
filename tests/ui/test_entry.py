"""The entry script: role-based navigation, and a broken program opens to its diagnostics."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
from app.ui.navigation import PAGES
from app.ui.roles import Viewer
from ui.pagekit import AS_OF, REPO, PageFactory

ENTRY = REPO / "app" / "ui" / "main.py"


def run_entry(root: Path, viewer: Viewer | None = None) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = AS_OF
    if viewer is not None:
        at.session_state[VIEWER_KEY] = viewer
    return at.run()


def break_a_goal(root: Path) -> None:
    path = root / "goals" / "outcomes.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("metric: csat\n", "metric: csat_typo\n", 1), encoding="utf-8")


def test_the_entry_opens_the_overview_in_local_mode(known_root: Path) -> None:
    at = run_entry(known_root)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Overview"]
    assert any("Local single-user mode" in c.value for c in at.sidebar.caption)


def test_an_agent_gets_no_committee_page(known_root: Path) -> None:
    at = run_entry(known_root, Viewer(role="agent", email="sam@support.example.com"))
    assert not at.exception
    assert "Overview" not in [t.value for t in at.title]
    assert not at.metric
    if not any(p.file == "playbooks.py" and p.path.is_file() for p in PAGES):
        assert [i.value for i in at.info] == ["No page is available to your role yet."]


def test_a_broken_program_opens_to_its_diagnostics(
    program_root: Path, open_page: PageFactory
) -> None:
    break_a_goal(program_root)
    for at in (run_entry(program_root), open_page("goals", program_root)):
        assert not at.exception, [e.value for e in at.exception]
        assert [t.value for t in at.title] == ["The program has validation errors"]
        table = at.dataframe[0].value
        row = table[table["message"].str.contains("csat_typo")].iloc[0]
        assert row["location"].startswith("goals/outcomes.yaml:")
        assert int(row["location"].split(":")[1]) > 1
        assert not at.metric


AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "cxgov",
    "client_secret": "secret",
    "server_metadata_url": "https://id.example.com/.well-known/openid-configuration",
}


def test_with_auth_configured_nobody_sees_the_program_before_signing_in(
    known_root: Path, open_page: PageFactory
) -> None:
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.session_state[ROOT_KEY] = str(known_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe
    assert not any("Local single-user mode" in c.value for c in [*at.caption, *at.sidebar.caption])

    page = AppTest.from_file(str(REPO / "app" / "ui" / "views" / "slas.py"), default_timeout=60)
    page.secrets["auth"] = AUTH
    page.session_state[ROOT_KEY] = str(known_root)
    page.run()
    assert not page.exception and not page.metric
    assert [w.value for w in page.warning] == [
        "You are not signed in with an account that has a role in this program."
    ]
