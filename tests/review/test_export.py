"""Exports of a closed review of the demo program: Markdown, HTML and PDF show the snapshot's numbers.

The store is filled the way `cxgov demo` fills it (generator → importer → KPI engine); the review
is settled, closed, and exported through the CLI, so the files are what a committee member gets.
"""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import app
from app.display.labels import format_value
from app.periods import Month
from app.review.layout import SECTIONS, money

AS_OF = date(2026, 11, 23)
PERIOD = "2026-10"
OCTOBER = Month(2026, 10)
HOSTILE = "<script>alert('x')</script> & \"quotes\""


@pytest.fixture(scope="module")
def closed_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example program with four demo months in a SQLite store; the October review closed."""
    from ui.pagekit import copy_program

    from app.load import load_program
    from app.review import store
    from app.service.demo import seed_demo
    from app.service.reviews import close, pack_for
    from app.store.db import make_engine, session_scope, upgrade

    root = copy_program(tmp_path_factory.mktemp("demo") / "program")
    url = f"sqlite:///{root / 'review.db'}"
    engine = make_engine(url)
    upgrade(engine)
    program = load_program(root, today=AS_OF).program
    seed_demo(engine, program, as_of=AS_OF, months=4)
    with session_scope(engine) as session:
        review, _ = store.open_review(session, period=OCTOBER, author="scheduler")
        store.start_meeting(session, review_id=review.id)
        store.add_attendee(session, review_id=review.id, name="Dana Whitfield", role="sponsor")
        required = pack_for(session, program=program, review=review).required_findings()
        assert required, "the demo is calibrated to have goals needing attention in October"
        for key in required:
            store.record_finding(
                session, review_id=review.id, key=key, author="dana", root_cause=f"cause of {key}"
            )
            for n in (1, 2):
                store.add_action_item(
                    session,
                    review_id=review.id,
                    description=f"action {n} for {key}",
                    owner="priya",
                    due=date(2026, 12, 15),
                    author="dana",
                    finding_key=key,
                    targets=store.action_targets(program),
                )
        store.add_decision(session, review_id=review.id, text=HOSTILE, author="raj")
        close(session, program=program, review=review, author="dana")
        snapshot = json.loads(store.get_review(session, period=OCTOBER).snapshot)
    engine.dispose()
    return {"root": root, "url": url, "snapshot": snapshot}


def export(closed_demo: dict[str, Any], fmt: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    monkeypatch.setenv("CXGOV_DATABASE_URL", closed_demo["url"])
    out = closed_demo["root"] / f"review.{fmt}"
    result = CliRunner().invoke(
        app,
        [
            "review",
            "export",
            "--period",
            PERIOD,
            "--format",
            fmt,
            "--out",
            str(out),
            "--root",
            str(closed_demo["root"]),
        ],
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def expected_numbers(snapshot: dict[str, Any]) -> list[str]:
    """Numbers every export must show exactly as frozen: credits, exposure, each goal's actual and trend."""
    pack = snapshot["pack"]
    head, currency = pack["headline"], pack["headline"]["currency"]
    numbers = [money(head["credits_owed"], currency), money(head["exposure"]["total"], currency)]
    numbers += [
        format_value(g["actual"], g["unit"]) for g in pack["goals"] if g["actual"] is not None
    ]
    for item in pack["attention"]:
        numbers += [
            format_value(t["actual"], item["goal"]["unit"])
            for t in item["trend"]
            if t["actual"] is not None
        ]
    return numbers


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_markdown_has_every_section_and_the_frozen_numbers(
    closed_demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = export(closed_demo, "md", monkeypatch).decode()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == list(SECTIONS)
    for number in expected_numbers(closed_demo["snapshot"]):
        assert number in text
    for item in closed_demo["snapshot"]["pack"]["attention"]:
        assert (
            f"Root cause: cause of {item['key']}" in text and f"action 2 for {item['key']}" in text
        )
    assert "Closed by dana" in text and "Dana Whitfield (sponsor)" in text


def test_html_is_self_contained_escaped_and_carries_the_charts(
    closed_demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from html.parser import HTMLParser

    page = export(closed_demo, "html", monkeypatch).decode()
    assert (
        "<script>" not in page
        and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    )
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    attention = closed_demo["snapshot"]["pack"]["attention"]
    assert len(images) == 1 + len(attention)
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert "http://" not in page and "https://" not in page  # nothing fetched from elsewhere

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(page)
    text = " ".join(parser.parts)
    for section in SECTIONS:
        assert section in text
    for number in expected_numbers(closed_demo["snapshot"]):
        assert number in text


def test_pdf_handout_has_every_section_the_numbers_and_the_charts(
    closed_demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader

    data = export(closed_demo, "pdf", monkeypatch)
    reader = PdfReader(io.BytesIO(data))
    text = flat(" ".join(page.extract_text() for page in reader.pages))
    for section in SECTIONS:
        assert section in text
    for number in expected_numbers(closed_demo["snapshot"]):
        assert number in text
    assert HOSTILE in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1 + len(closed_demo["snapshot"]["pack"]["attention"])


def test_export_refuses_a_review_that_does_not_exist_and_a_bad_format(
    closed_demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXGOV_DATABASE_URL", closed_demo["url"])
    root = str(closed_demo["root"])
    missing = CliRunner().invoke(
        app, ["review", "export", "--period", "2026-03", "--format", "md", "--root", root]
    )
    assert missing.exit_code == 1 and "no monthly review for 2026-03" in missing.output
    bad = CliRunner().invoke(
        app, ["review", "export", "--period", PERIOD, "--format", "docx", "--root", root]
    )
    assert bad.exit_code == 2
