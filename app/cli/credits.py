"""`cxgov credits [show]|statement|issue|ledger`: service credits for the committee and for finance.

`cxgov credits ROOT …` (without a subcommand) is `cxgov credits show ROOT …`: every contract's
credit for a month and the four figures (owed, provisional, at risk, projected). `statement`
writes one contract's month as a PDF, CSV or JSON to attach to an invoice; `issue` records a
credit (or its adjustment) as put on an invoice; `ledger` lists what is owed and not issued, what
was issued, and the adjustments due on the next invoice.
Exit codes: 0 done, 1 refused (a provisional or already-issued credit, an open month, a program
with errors, a store that cannot be read), 2 a usage error (a bad month, date, amount or format).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from app.cli.common import Format, FormatOption, RootOption, parse_date, parse_month
from app.cli.status import AsOf, credits
from app.display.labels import fmt_money
from app.errors import FileProblem
from app.evaluate import ContractEvaluation
from app.periods import Month, today_in
from app.service import credits as service
from app.service.database import open_store
from app.service.program import check_root, valid_program

AuthorOpt = Annotated[
    str,
    typer.Option("--author", envvar="CXGOV_AUTHOR", help="Who issues it (env CXGOV_AUTHOR)."),
]
ContractArg = Annotated[str, typer.Argument(help="The SLA contract's id.")]
MonthOpt = Annotated[str, typer.Option("--period", help="The closed month, YYYY-MM.")]


class StatementFormat(str, Enum):
    pdf = "pdf"
    csv = "csv"
    json = "json"


class DefaultShow(TyperGroup):
    """`cxgov credits ARGS` runs `show` unless ARGS starts with a subcommand (or asks for help)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


credits_app = typer.Typer(
    cls=DefaultShow,
    help="Service credits: the month's credits, statements for invoices, the credit ledger.",
)


def _month(text: str) -> Month:
    return parse_month(text, option="--period")


def statement_cmd(
    contract: ContractArg,
    period: MonthOpt,
    format: Annotated[
        StatementFormat,
        typer.Option("--format", help="pdf (to attach to an invoice), csv or json."),
    ] = StatementFormat.pdf,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write (default: credit-statement-CONTRACT-PERIOD.FORMAT; `-` for "
            "standard output, csv and json only).",
        ),
    ] = None,
    as_of: AsOf = None,
    root: RootOption = Path("."),
) -> None:
    """One contract's credit for a closed month, as a PDF, CSV or JSON to attach to an invoice."""
    month = _month(period)
    check_root(root)
    program = valid_program(root)
    found = service.statement(
        open_store(root),
        program,
        contract_id=contract,
        period=month,
        as_of=parse_date(as_of, option="--as-of"),
    )
    data = service.export_statement(found, format.value)
    if out is not None and str(out) == "-":
        if format is StatementFormat.pdf:
            raise typer.BadParameter(
                "a PDF goes to a file, not to standard output", param_hint="--out"
            )
        typer.echo(data.decode("utf-8"), nl=False)
        return
    target = out or Path(f"credit-statement-{contract}-{month}.{format.value}")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise FileProblem(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(
        f"Wrote {target} ({len(data):,} bytes): {contract} {month}, credit "
        f"{fmt_money(found.amount, found.currency)} — {found.issued_status}."
    )


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise typer.BadParameter(
            f"expected an amount such as 2000 or -812.50, got {text!r}", param_hint="--amount"
        ) from None


def issue_cmd(
    contract: ContractArg,
    period: MonthOpt,
    invoice: Annotated[
        str, typer.Option("--invoice", help="The invoice the credit is on, e.g. INV-2026-1043.")
    ],
    date: Annotated[
        str | None,
        typer.Option("--date", help="The invoice's date, YYYY-MM-DD (default: today)."),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            help="The amount you put on the invoice; refused if cxgov's figure due differs "
            "(someone corrected an actual or issued it meanwhile).",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the entry.")] = None,
    author: AuthorOpt = "cxgov",
    root: RootOption = Path("."),
) -> None:
    """Record a closed month's credit (or the adjustment of an issued one) as put on an invoice."""
    month = _month(period)
    check_root(root)
    program = valid_program(root)
    day = parse_date(date, option="--date")
    issued = service.issue_credit(
        open_store(root),
        program,
        contract_id=contract,
        period=month,
        invoice=invoice,
        issued_on=day or today_in(program.timezone),
        author=author,
        amount=_amount(amount),
        note=note,
    )
    typer.echo(issued.message())


def _ledger_rows(c: ContractEvaluation) -> list[str]:
    lines = [
        f"{c.contract_id} — {c.counterparty}: owed {fmt_money(c.owed, c.currency)}, issued "
        f"{fmt_money(c.issued, c.currency)}, not issued {fmt_money(c.not_issued, c.currency)}, "
        f"adjustments {fmt_money(c.adjustments, c.currency)}, provisional "
        f"{fmt_money(c.provisional, c.currency)}"
    ]
    for status in c.ledger:
        due = f" — due {fmt_money(status.due, c.currency)}" if status.due else ""
        lines.append(
            f"  {status.period}  {status.state.replace('_', ' '):<11}{due}: {status.explanation}"
        )
    if not c.ledger:
        lines.append("  no credit owed and nothing issued")
    return lines


def ledger_cmd(
    contract: Annotated[
        str | None, typer.Option("--contract", help="One contract only (its id).")
    ] = None,
    as_of: AsOf = None,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Every closed month's credit against the ledger: not issued, issued, adjustments due."""
    check_root(root)
    program = valid_program(root)
    ledger = service.credit_ledger(
        open_store(root),
        program,
        as_of=parse_date(as_of, option="--as-of"),
        contract_id=contract,
    )
    x = ledger.evaluation.exposure
    if format is Format.json:
        typer.echo(
            json.dumps(
                {
                    "as_of": ledger.evaluation.as_of.isoformat(),
                    "currency": x.currency,
                    "contracts": [
                        {
                            "contract_id": c.contract_id,
                            "currency": c.currency,
                            "owed": str(c.owed),
                            "provisional": str(c.provisional),
                            "issued": str(c.issued),
                            "not_issued": str(c.not_issued),
                            "adjustments": str(c.adjustments),
                            "months": [s.to_dict() for s in c.ledger],
                        }
                        for c in ledger.contracts
                    ],
                },
                indent=2,
            )
        )
        return
    lines = [f"Credit ledger as of {ledger.evaluation.as_of}", ""]
    for c in ledger.contracts:
        lines += [*_ledger_rows(c), ""]
    if contract is None:
        lines.append(
            f"Total ({x.currency}): not issued {fmt_money(x.not_issued, x.currency)}, adjustments "
            f"{fmt_money(x.adjustments, x.currency)} — due on the next invoices "
            f"{fmt_money(x.not_issued + x.adjustments, x.currency)}"
        )
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    credits_app.command("show")(credits)
    credits_app.command("statement")(statement_cmd)
    credits_app.command("issue")(issue_cmd)
    credits_app.command("ledger")(ledger_cmd)
    app.add_typer(credits_app, name="credits")
