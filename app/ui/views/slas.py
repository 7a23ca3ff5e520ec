"""SLAs & credits: the program's four credit figures and what the ledger says of them, every
contract's money, and one contract in detail — attainment per objective and month against target
(✓ met, ✗ missed, exclusion windows outlined, the month to date drawn apart and never judged),
what lies behind an objective's figure (split by a dimension), credits explained, invoicing:
record a credit as issued, download the month's statement.

The page opens on the contract a link names (`?contract=ID`: the Overview's lines, `cxgov
notify`'s messages), else on the contract with the most money at stake; choosing another contract
updates the address."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app.display.charts import attainment_chart
from app.display.labels import fmt_money
from app.errors import CxgovError
from app.evaluate import ContractEvaluation, CreditStatus
from app.service import credits as credit_service
from app.spec.common import Scope
from app.textsafety import authored_markdown
from app.ui.attention_view import month_text
from app.ui.context import PageContext, page_setup
from app.ui.money import credit_figures, invoicing_row
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability
from app.ui.split_view import split_choices, split_rows
from app.ui.table_view import fitted_table

STATEMENT_MEDIA = {"pdf": "application/pdf", "csv": "text/csv", "json": "application/json"}
CREDIT_KIND = {"closed": "closed month", "open": "month to date", "projected": "projected"}
OUTCOME_WORDS = {
    "met": "✓ met",
    "missed": "✗ missed",
    "excluded": "excluded",
    "unmeasured": "? no value",
}
ISSUED_KEY = "slas.issued"


def issue_form(ctx: PageContext, contract: ContractEvaluation, due: list[CreditStatus]) -> None:
    """Finance records a closed month's credit (or an adjustment) as put on an invoice."""
    currency = contract.currency
    with st.form("slas.issue", clear_on_submit=True):
        st.markdown("**Record a credit as issued**")
        month = st.selectbox(
            "Month",
            [str(s.period) for s in due],
            format_func=lambda m: next(
                f"{m} — {fmt_money(s.due, currency)} "
                + ("(adjustment)" if s.state == "adjustment" else "(owed)")
                for s in due
                if str(s.period) == m
            ),
            key="slas.issue.month",
        )
        invoice = st.text_input("Invoice", key="slas.issue.invoice", placeholder="INV-2026-1043")
        dated = st.date_input("Invoice date", value=ctx.as_of, key="slas.issue.date")
        note = st.text_input("Note (optional)", key="slas.issue.note")
        if not st.form_submit_button("Record as issued"):
            return
    status = next(s for s in due if str(s.period) == month)
    try:
        issued = credit_service.issue_credit(
            ctx.engine,
            ctx.program,
            contract_id=contract.contract_id,
            period=status.period,
            invoice=invoice,
            issued_on=dated,
            author=ctx.viewer.author,
            amount=status.due,
            note=note or None,
            today=ctx.as_of,
        )
    except CxgovError as exc:
        st.error(exc.message + (f" ({exc.hint})" if exc.hint else ""))
        return
    st.session_state[ISSUED_KEY] = issued.message()
    st.rerun()


def invoicing(ctx: PageContext, contract: ContractEvaluation) -> None:
    currency = contract.currency
    st.markdown("**Invoicing**")
    done = st.session_state.pop(ISSUED_KEY, None)
    if done:
        st.success(done)
    invoicing_row(contract, currency)
    if not contract.ledger:
        st.caption("No closed month owes a credit, and nothing has been issued.")
        return
    fitted_table(
        [
            {
                "month": month_text(s.period),
                "credit": fmt_money(s.credit, currency),
                "issued": fmt_money(s.issued, currency),
                "state": s.state.replace("_", " "),
                "due on the next invoice": fmt_money(s.due, currency) if s.due else "",
                "ledger": s.explanation,
            }
            for s in contract.ledger
        ],
        key="slas.ledger",
    )
    due = [s for s in contract.ledger if s.state in ("not_issued", "adjustment")]
    if due and ctx.viewer.can(Capability.ISSUE_CREDITS):
        issue_form(ctx, contract, due)


def statements(ctx: PageContext, contract: ContractEvaluation) -> None:
    """The statement of any closed month, to attach to an invoice (the latest with a credit first)."""
    closed = contract.periods("closed")
    if not closed:
        return
    credited = [s.period for s in contract.ledger]
    default = closed.index(credited[-1]) if credited else len(closed) - 1
    chosen = st.selectbox(
        "Credit statement for", closed, index=default, key="slas.statement", format_func=str
    )
    found = credit_service.statement_of(
        ctx.program, ctx.evaluation(), contract_id=contract.contract_id, period=chosen
    )
    for column, fmt in zip(st.columns(len(STATEMENT_MEDIA)), STATEMENT_MEDIA):
        column.download_button(
            f"Statement {fmt.upper()}",
            data=partial(credit_service.export_statement, found, fmt),
            file_name=f"credit-statement-{contract.contract_id}-{chosen}.{fmt}",
            mime=STATEMENT_MEDIA[fmt],
            key=f"slas.statement.{fmt}",
            on_click="ignore",
        )


ctx = page_setup("SLAs & credits", needs=Capability.READ_MONEY)
evaluation = ctx.evaluation()
exposure = evaluation.exposure
st.subheader("Program total")
credit_figures(exposure, exposure.currency)
invoicing_row(exposure, exposure.currency)
if exposure.other_currencies:
    st.caption(
        "Not in the total (other currencies, not converted): "
        + ", ".join(sorted(exposure.other_currencies))
    )

contracts = sorted(evaluation.contracts, key=lambda c: (-c.exposure, c.title.casefold()))
if not contracts:
    st.info("The program has no SLA contract.")
    st.stop()


st.subheader("Contracts")
st.caption("The most money at stake first.")
fitted_table(
    [
        {
            "contract": c.title,
            "counterparty": c.counterparty,
            "monthly fee": fmt_money(c.monthly_fee, c.currency),
            "owed": fmt_money(c.owed, c.currency),
            "provisional": fmt_money(c.provisional, c.currency),
            "at risk": fmt_money(c.at_risk, c.currency),
            "projected": fmt_money(c.projected, c.currency),
            "owed, not issued": fmt_money(c.not_issued, c.currency),
            "adjustments": fmt_money(c.adjustments, c.currency),
            "exposure": fmt_money(c.exposure, c.currency),
            "missed months": f"{c.missed_objective_months:,}",
        }
        for c in contracts
    ],
    key="slas.contracts",
    widths={"contract": 320, "counterparty": 200},
)

linked = st.query_params.get("contract")
if linked in {c.contract_id for c in contracts} and st.session_state.get("slas.linked") != linked:
    st.session_state["slas.contract"] = linked  # a link from a `cxgov notify` message
    st.session_state["slas.linked"] = linked
names = {c.contract_id: f"{c.title} — {c.counterparty}" for c in contracts}
chosen = st.selectbox("Contract", list(names), key="slas.contract", format_func=lambda i: names[i])
if st.query_params.get("contract") != chosen:
    st.query_params["contract"] = chosen
    st.session_state["slas.linked"] = chosen
contract = next(c for c in contracts if c.contract_id == chosen)
st.subheader(
    authored_markdown(f"{contract.title} — {contract.counterparty}", ctx.program.spec.link_domains)
)
st.caption(
    f"Monthly fee {fmt_money(contract.monthly_fee, contract.currency)}"
    + (
        f"; {fmt_money(contract.waived, contract.currency)} waived by earn-back"
        if contract.waived
        else ""
    )
    + (
        ""
        if contract.in_program_currency
        else " (not in the program currency: not added to the total)"
    )
)
credit_figures(contract, contract.currency)
if contract.objectives:
    st.markdown("**Attainment per objective and month**")
    st.altair_chart(
        attainment_chart(contract.objectives),
        width="content",
        alt=f"Attainment of {contract.title}: one row per objective, one column per month.",
    )
    st.caption(
        f"✓ met, ✗ missed, excluded, ? no value; {month_text(evaluation.open_period)} is the month "
        "to date, drawn apart and not judged until it closes."
    )
    closed = [o for o in contract.objectives if o.kind == "closed"]
    windows = [o for o in closed if o.exclusions]
    if windows:
        st.caption(
            "A * after a value marks a month whose figure leaves out an exclusion window (its "
            "tooltip and the table below say how many contacts and hours, and why); a month "
            "excluded whole is grey."
        )
    misses = [o for o in closed if o.outcome in ("missed", "unmeasured")]
    with st.expander(f"Every objective and month as a table ({len(misses)} missed or no value)"):
        fitted_table(
            [
                {
                    "objective": o.title or o.objective_id,
                    "month": month_text(o.period),
                    "value": "—" if o.value is None else f"{o.value:,.2f}",
                    "target": f"{o.target:,g}",
                    "outcome": OUTCOME_WORDS.get(o.outcome, o.outcome),
                    "misses in a row": o.consecutive_misses,
                    "excluded": o.exclusion_text(),
                    "note": o.note or "",
                }
                for o in closed
            ],
            key="slas.attainment",
            widths={"objective": 300, "note": 300},
        )
    missed = {o.objective_id: o.title or o.objective_id for o in misses if o.outcome == "missed"}
    for objective_id, objective_title in missed.items():
        render_protecting_links(
            ctx.program, objective=f"{contract.contract_id}/{objective_id}", label=objective_title
        )
measured = {
    o.objective_id: o
    for o in contract.objectives
    if o.kind != "projected"
    and (found := ctx.program.metrics.get(o.metric)) is not None
    and found.from_contacts
}
if measured:
    st.markdown("**What lies behind an objective**")
    left, right = st.columns([2, 3])
    objective_id = left.selectbox(
        "Objective",
        list(measured),
        key="slas.split.objective",
        format_func=lambda i: measured[i].title or i,
    )
    objective = measured[objective_id]
    by = right.segmented_control(
        "Split by",
        split_choices(objective.scope_key),
        key="slas.split.by",
        help="The objective's calculation on the contacts of each group.",
    )
    if by:
        judged = evaluation.open_period.shift(-1)
        st.caption(
            authored_markdown(objective.title, ctx.program.spec.link_domains)
            + f" by {by} ({Scope.from_key(objective.scope_key).describe()}); "
            f"target {objective.target:g}."
        )
        fitted_table(
            split_rows(
                ctx,
                metric=objective.metric,
                scope_key=objective.scope_key,
                by=by,
                months=[judged.shift(-1), judged, evaluation.open_period],
                judged=judged,
                open_period=evaluation.open_period,
                fmt=lambda v: "—" if v is None else f"{v:,.2f}",
            ),
            key="slas.split.table",
        )

credits = [c for c in contract.credits if c.amount or c.lines]
st.markdown("**Credits**")
if credits:
    fitted_table(
        [
            {
                "month": month_text(c.period),
                "kind": CREDIT_KIND.get(c.kind, c.kind),
                "fee": c.fee.describe(contract.currency),
                "amount": fmt_money(c.amount, contract.currency),
                "% of fee": f"{c.percent_of_fee:.2f} %",
                "provisional": fmt_money(c.provisional, contract.currency) if c.provisional else "",
                "earn-back": c.earn_back.replace("_", " ")
                if c.earn_back != "not_applicable"
                else "",
                "cap binds": ", ".join(cap.cap.replace("_", " ") for cap in c.binding_caps),
                "explanation": c.explanation,
            }
            for c in credits
        ],
        key="slas.credits",
        widths={"explanation": 480},
    )
else:
    st.caption("No credit owed or at risk.")
invoicing(ctx, contract)
statements(ctx, contract)
for note in contract.notes:
    st.caption(note)
