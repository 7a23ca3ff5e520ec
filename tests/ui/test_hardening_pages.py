"""The app knows who is looking before it draws; tables are safe to download; links need the allow-list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.spec.program import Access
from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
from app.ui.roles import Viewer, role_for_claims
from ui.pagekit import AS_OF, REPO, PageFactory

ENTRY = REPO / "app" / "ui" / "main.py"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}


def fee_as_text(root: Path) -> None:
    path = root / "goals" / "sla-brightwater.yaml"
    path.write_text(re.sub(r"monthly_fee: .*", "monthly_fee: 40,000", path.read_text(), count=1))


def entry(root: Path, viewer: Viewer | None = None, *, login: bool = False) -> AppTest:
    at = AppTest.from_file(str(ENTRY), default_timeout=60)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = AS_OF
    if viewer is not None:
        at.session_state[VIEWER_KEY] = viewer
    if login:
        at.secrets["auth"] = AUTH
    return at.run()


def shown_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "markdown", "warning", "caption", "error")
        for e in getattr(at, kind)
    ]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize(
    "viewer",
    [None, Viewer(role="agent", email="sam@support.example.com")],
    ids=["anonymous", "agent"],
)
def test_an_invalid_program_shows_nothing_of_itself_to_anonymous_or_agents(
    program_root: Path, viewer: Viewer | None
) -> None:
    fee_as_text(program_root)
    at = entry(program_root, viewer, login=True)
    assert not at.exception, [e.value for e in at.exception]
    text = shown_text(at)
    assert "does not validate" in text and "Ask a manager" in text
    assert "40,000" not in text and "monthly_fee" not in text and not at.dataframe


def test_managers_see_the_findings_without_the_money_value(
    program_root: Path, open_page: PageFactory
) -> None:
    fee_as_text(program_root)
    manager = Viewer(role="manager", email="dana.whitfield@example.com")
    for at in (
        entry(program_root, manager, login=True),
        open_page("slas", program_root, viewer=manager),
    ):
        assert not at.exception
        text = shown_text(at)
        assert "monthly_fee" in text and "40,000" not in text


def test_an_unverified_address_gets_no_role() -> None:
    access = Access(manager=["dana@example.com"], default_role="agent")
    claims = {"email": "dana@example.com", "email_verified": False}
    assert role_for_claims(claims, access) is None
    assert role_for_claims({"email": "dana@example.com"}, access) is None
    assert role_for_claims({**claims, "email_verified": True}, access) == "manager"
    lenient = access.model_copy(update={"require_verified_email": False})
    assert role_for_claims({"email": "dana@example.com"}, lenient) == "manager"
    assert role_for_claims(claims, lenient) is None


FORMULAS = ['=HYPERLINK("https://evil.example","Open")', "=cmd|' /C calc'!A0", "@SUM(1+1)"]


def test_import_tables_are_safe_to_download(program_root: Path, database_url: str) -> None:
    from app.ingest import builtin_profile, ingest_file
    from app.service.imports import field_issues, quarantine_report
    from app.store.db import get_engine
    from app.ui.tables import safe_table_data

    header = "contact_id,created_at,channel,queue,csat,resolved_at"
    rows = [
        "c1,2026-10-01T10:00:00Z,email,billing,=1+cmd|' /C calc'!A0,2026-10-01T11:00:00Z",
        f'"{FORMULAS[0].replace(chr(34), chr(34) * 2)}",not-a-date,email,billing,4,',
        "c3,2026-10-02T10:00:00Z,email,@SUM(1+1),5,2026-10-02T11:00:00Z",
    ]
    path = program_root / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    engine = get_engine(database_url)
    summary = ingest_file(
        engine, path, mapping=builtin_profile("generic"), program_timezone="UTC", author="t"
    )
    cells = [
        str(value)
        for table in (
            quarantine_report(engine, summary.batch_id),
            field_issues(engine, summary.batch_id),
        )
        for row in safe_table_data(table)
        for value in row.values()
    ]
    assert any(FORMULAS[0] in cell or "=1+cmd" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_no_page_calls_st_dataframe_directly() -> None:
    offenders = [
        path.name
        for path in (REPO / "app" / "ui").rglob("*.py")
        if path.name != "tables.py" and "st.dataframe(" in path.read_text()
    ]
    assert offenders == []


def test_playbook_links_are_text_unless_the_domain_is_allowed(
    program_root: Path, open_page: PageFactory
) -> None:
    path = program_root / "playbooks" / "service-recovery.yaml"
    text = path.read_text()
    title = re.search(r"\n  title: (.*)", text)
    assert title is not None
    hostile = (
        "Reset at [the portal](https://evil.example/reset) or https://help.northwind.example/kb"
    )
    path.write_text(text.replace(title.group(0), f"\n  title: {hostile!r}", 1))
    program = program_root / "program.yaml"
    program.write_text(
        program.read_text().replace(
            "  access:", "  link_domains: [northwind.example]\n  access:", 1
        )
    )
    at = AppTest.from_file(str(REPO / "app" / "ui" / "views" / "playbooks.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(program_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.session_state[VIEWER_KEY] = Viewer(role="agent", email="sam@support.example.com")
    at.query_params["playbook"] = "service_recovery"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    label = at.header[0].value  # the playbook's title heads the page below the list
    assert "the portal (`https://evil.example/reset`)" in label
    assert "[https://help.northwind.example/kb](https://help.northwind.example/kb)" in label
