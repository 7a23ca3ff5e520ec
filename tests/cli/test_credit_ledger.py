"""Finance's side of the credits, on a real store (SQLite and PostgreSQL): issue a credit on an
invoice, see a later correction as an adjustment for the next invoice, and the month's statement
as a PDF (read back as text), a CSV (parsed) and JSON.

The contract ended on 30 September 2026, so every figure here is the same whatever today is."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import app
from app.errors import Conflict
from app.periods import Month
from app.store.actuals import append_revision
from app.store.db import session_scope
from app.store.ledger import append_issue

PROGRAM = """
apiVersion: cxgov/v1
kind: Program
metadata: {id: tiny, title: Tiny program}
spec: {name: Tiny CX program, start_date: 2026-07-01, timezone: UTC, currency: USD}
"""
METRICS = """
apiVersion: cxgov/v1
kind: Metric
metadata: {id: frt_chat, title: Chat first response}
spec: {unit: seconds, better: lower, calculation: {type: manual}, definition: Median chat first response.}
"""
SLA = """
apiVersion: cxgov/v1
kind: SLAContract
metadata:
  id: acme
  title: Acme support
  labels: {contract_number: AC-2026-7}
spec:
  counterparty: Acme Corp
  currency: USD
  monthly_fee: 40000
  effective: {from: 2026-07-01, to: 2026-09-30}
  measurement: {timezone: UTC}
  objectives:
    - id: chat_first_response
      title: '=HYPERLINK("https://evil.example","Chat first response")'
      metric: frt_chat
      target: 30
  exclusions:
    - {from: 2026-09-14, to: 2026-09-14, reason: chat platform upgrade}
  credits:
    rules:
      - type: bands
        bands:
          - {above: 30, percent: 5}
          - {above: 60, percent: 15}
    cap: {percent_of_fee: 20}
    contract_year_cap: {percent_of_fees: 12}
"""

runner = CliRunner()


@pytest.fixture
def root(
    tmp_path: Path, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    (tmp_path / "goals").mkdir()
    (tmp_path / "program.yaml").write_text(PROGRAM)
    (tmp_path / "goals" / "metrics.yaml").write_text(METRICS)
    (tmp_path / "goals" / "sla.yaml").write_text(SLA)
    for period, value in (("2026-07", 25.0), ("2026-08", 28.0), ("2026-09", 45.0)):
        record(engine, period, value)
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def record(engine: Engine, period: str, value: float, reason: str | None = None) -> None:
    with session_scope(engine) as session:
        append_revision(
            session,
            metric="frt_chat",
            scope_key="",
            period=period,
            value=value,
            source="manual",
            author="ana",
            reason=reason,
        )


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def issue(root: Path, invoice: str, *extra: str):  # type: ignore[no-untyped-def]
    return invoke(
        "credits",
        "issue",
        "acme",
        "--period",
        "2026-09",
        "--invoice",
        invoice,
        "--author",
        "finance@acme-supplier.example",
        "--root",
        str(root),
        *extra,
    )


def test_an_issued_credit_later_adjusted(root: Path, engine: Engine) -> None:
    """September's median chat first response of 45 s is above the 30 s band: 5 % of $40,000 =
    $2,000, issued on INV-1043 on 5 October. On 20 October September is corrected to 65 s (the
    late tickets of a queue that was forgotten): the band above 60 s, 15 % = $6,000. The issued
    $2,000 stays as issued; $4,000 more is due on the next invoice, INV-1101, and once it is
    recorded the ledger holds $6,000 in two entries."""
    shown = invoke("credits", str(root), "--period", "2026-09", "--as-of", "2026-10-02")
    assert shown.exit_code == 0, shown.output
    assert "invoicing: owed, not issued: $2,000" in shown.output

    first = issue(root, "INV-1043", "--date", "2026-10-05", "--amount", "2000")
    assert first.exit_code == 0, first.output
    assert first.output.strip() == (
        "Recorded the credit of $2,000 for acme 2026-09 on invoice INV-1043, 2026-10-05, by "
        "finance@acme-supplier.example (ledger entry 1)."
    )
    again = issue(root, "INV-1043", "--date", "2026-10-05")
    assert again.exit_code == 1 and "already issued" in again.output

    record(engine, "2026-09", 65.0, reason="late tickets of the forgotten overflow queue")
    ledger = invoke("credits", "ledger", "--root", str(root), "--as-of", "2026-10-21")
    assert ledger.exit_code == 0, ledger.output
    assert (
        "2026-09  adjustment  — due $4,000: issued $2,000 ($2,000 on INV-1043 (2026-10-05, by "
        "finance@acme-supplier.example)); the credit is now $6,000: $4,000 more to credit on the "
        "next invoice"
    ) in ledger.output
    assert "due on the next invoices $4,000" in ledger.output

    stale = issue(root, "INV-1101", "--date", "2026-11-03", "--amount", "2000")
    assert stale.exit_code == 1 and "$4,000 is due for acme 2026-09, not $2,000" in stale.output
    adjusted = issue(root, "INV-1101", "--date", "2026-11-03", "--amount", "4000")
    assert adjusted.exit_code == 0, adjusted.output
    assert "an adjustment of $4,000 (the credit is now $6,000, $2,000 was issued before)" in (
        adjusted.output
    )
    data = json.loads(invoke("credits", "ledger", "--root", str(root), "--format", "json").output)
    [acme] = data["contracts"]
    assert (acme["issued"], acme["not_issued"], acme["adjustments"]) == ("6000.00", "0.00", "0.00")
    [september] = acme["months"]
    assert september["state"] == "issued"
    assert [(e["entry"], e["invoice"], e["amount"]) for e in september["entries"]] == [
        (1, "INV-1043", "2000.00"),
        (2, "INV-1101", "4000.00"),
    ]


def test_what_cannot_be_issued(root: Path) -> None:
    july = invoke(
        "credits", "issue", "acme", "--period", "2026-07", "--invoice", "X", "--root", str(root)
    )
    assert july.exit_code == 1 and "acme owes no credit for 2026-07" in july.output
    later = invoke(
        "credits", "issue", "acme", "--period", "2026-10", "--invoice", "X", "--root", str(root)
    )
    assert later.exit_code == 1 and "not in effect in 2026-10" in later.output
    early = issue(root, "INV-1", "--date", "2026-09-20")
    assert early.exit_code == 1 and "before 2026-09 closed" in early.output
    unknown = invoke(
        "credits", "issue", "acmee", "--period", "2026-09", "--invoice", "X", "--root", str(root)
    )
    assert unknown.exit_code == 1 and "known: acme" in unknown.output
    bad = issue(root, "INV-1", "--amount", "two thousand")
    assert bad.exit_code == 2


def test_two_finance_users_cannot_both_issue_the_same_credit(root: Path, engine: Engine) -> None:
    with session_scope(engine) as session:
        append_issue(
            session,
            contract_id="acme",
            period=Month(2026, 9),
            amount=Decimal("2000.00"),
            credit=Decimal("2000.00"),
            currency="USD",
            invoice="INV-1",
            issued_on=date(2026, 10, 5),
            issued_by="one",
            expected_entry=0,
        )
    with (
        pytest.raises(Conflict, match="has 1 ledger entry, not 0"),
        session_scope(engine) as session,
    ):
        append_issue(
            session,
            contract_id="acme",
            period=Month(2026, 9),
            amount=Decimal("2000.00"),
            credit=Decimal("2000.00"),
            currency="USD",
            invoice="INV-2",
            issued_on=date(2026, 10, 5),
            issued_by="two",
            expected_entry=0,
        )


def _statement(root: Path, fmt: str, *extra: str) -> bytes:
    out = root / f"statement.{fmt}"
    result = invoke(
        "credits",
        "statement",
        "acme",
        "--period",
        "2026-09",
        "--format",
        fmt,
        "--out",
        str(out),
        "--root",
        str(root),
        *extra,
    )
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_the_statement_pdf_reads_as_finance_needs_it(root: Path) -> None:
    assert issue(root, "INV-1043", "--date", "2026-10-05").exit_code == 0
    pdf = PdfReader(io.BytesIO(_statement(root, "pdf")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    for expected in (
        "Service credit statement — Acme Corp, Sep 2026",
        "Acme support (no. AC-2026-7)",
        "Fee for the month $40,000",
        "30.00 s",  # the target
        "45.00 s",  # the actual
        "above 30",  # the band
        "5 %",
        "$2,000",
        "chat platform upgrade",  # the exclusion, 24 hours of 14 September
        "24 h excluded",
        "monthly cap 20 % ($8,000)",
        "contract-year cap 12 % of year 1's fees ($14,400)",  # 12 % of 3 × $40,000
        "INV-1043",
        "finance@acme-supplier.example",
    ):
        assert expected in text, expected
    assert pdf.metadata is not None and pdf.metadata.title == (
        "Service credit statement — Acme Corp, Sep 2026"
    )


def test_the_statement_csv_parses_and_its_cells_cannot_run_as_formulas(root: Path) -> None:
    assert issue(root, "INV-1043", "--date", "2026-10-05").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(_statement(root, "csv").decode("utf-8"))))
    by_record = {row["record"]: row for row in rows}
    objective = by_record["objective"]
    assert objective["objective"] == '\'=HYPERLINK("https://evil.example","Chat first response")'
    assert (objective["target"], objective["actual"], objective["outcome"]) == (
        "30.0",
        "45.0",
        "missed",
    )
    assert (objective["band"], objective["percent_of_fee"], objective["amount"]) == (
        "above 30",
        "5",
        "2000.00",
    )
    assert "24 h excluded (chat platform upgrade)" in objective["exclusions"]
    assert [row["objective"] for row in rows if row["record"] == "cap"] == [
        "monthly cap 20 % ($8,000)",
        "contract-year cap 12 % of year 1's fees ($14,400), $14,400 of it left",
    ]
    assert by_record["credit"]["amount"] == "2000.00"
    assert by_record["issued"]["objective"] == "INV-1043"
    assert "due_next_invoice" not in by_record
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_the_statement_json_and_its_refusals(root: Path) -> None:
    data = json.loads(_statement(root, "json"))["statement"]
    assert data["amount"] == "2000.00" and data["ledger"]["state"] == "not_issued"
    assert data["objectives"][0]["band"] == "above 30"
    printed = invoke(
        "credits",
        "statement",
        "acme",
        "--period",
        "2026-09",
        "--format",
        "json",
        "--out",
        "-",
        "--root",
        str(root),
    )
    assert json.loads(printed.output)["statement"]["period"] == "2026-09"
    assert (
        invoke(
            "credits", "statement", "acme", "--period", "2026-09", "--out", "-", "--root", str(root)
        ).exit_code
        == 2
    )
    open_month = invoke(
        "credits",
        "statement",
        "acme",
        "--period",
        "2026-09",
        "--as-of",
        "2026-09-20",
        "--root",
        str(root),
    )
    assert open_month.exit_code == 1 and "2026-09 has not closed yet" in open_month.output
