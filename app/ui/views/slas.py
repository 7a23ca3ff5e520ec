"""SLAs & credits: the program total, every contract's money, and one contract in detail —
attainment per objective and month against target with misses marked, credits explained."""

from __future__ import annotations

import streamlit as st

from app.display.charts import attainment_chart
from app.display.labels import fmt_money
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.money import money_row
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability
from app.ui.tables import data_table

ctx = page_setup("SLAs & credits", needs=Capability.READ_MONEY)
evaluation = ctx.evaluation()
exposure = evaluation.exposure
st.subheader("Program total")
money_row(
    [
        ("Owed", exposure.owed),
        ("Provisional", exposure.provisional),
        ("At risk", exposure.at_risk),
        ("Total exposure", exposure.total),
    ],
    exposure.currency,
)
if exposure.other_currencies:
    st.caption(
        "Not in the total (other currencies, not converted): "
        + ", ".join(sorted(exposure.other_currencies))
    )

contracts = sorted(evaluation.contracts, key=lambda c: (-c.exposure, c.contract_id))
if not contracts:
    st.info("The program has no SLA contract.")
    st.stop()


st.subheader("Contracts")
data_table(
    [
        {
            "contract": c.title,
            "counterparty": c.counterparty,
            "monthly fee": fmt_money(c.monthly_fee, c.currency),
            "owed": fmt_money(c.owed, c.currency),
            "provisional": fmt_money(c.provisional, c.currency),
            "at risk": fmt_money(c.at_risk, c.currency),
            "exposure": fmt_money(c.exposure, c.currency),
            "missed objective-months": c.missed_objective_months,
            "id": c.contract_id,
        }
        for c in contracts
    ],
    hide_index=True,
    width="stretch",
    key="slas.contracts",
)

linked = st.query_params.get("contract")
if linked in {c.contract_id for c in contracts} and st.session_state.get("slas.linked") != linked:
    st.session_state["slas.contract"] = linked  # a link from a `cxgov notify` message
    st.session_state["slas.linked"] = linked
chosen = st.selectbox(
    "Contract",
    [c.contract_id for c in contracts],
    key="slas.contract",
    format_func=lambda i: next(
        f"{c.title} — {c.counterparty}" for c in contracts if c.contract_id == i
    ),
)
contract = next(c for c in contracts if c.contract_id == chosen)
st.subheader(
    authored_markdown(f"{contract.title} — {contract.counterparty}", ctx.program.spec.link_domains)
)
st.caption(
    f"Monthly fee {fmt_money(contract.monthly_fee, contract.currency)}"
    + (
        ""
        if contract.in_program_currency
        else " (not in the program currency: not added to the total)"
    )
)
money_row(
    [
        ("Owed", contract.owed),
        ("Provisional", contract.provisional),
        ("Waived (earn-back)", contract.waived),
        ("Exposure", contract.exposure),
    ],
    contract.currency,
)
if contract.objectives:
    st.altair_chart(attainment_chart(contract.objectives), width="stretch")
    closed = [o for o in contract.objectives if o.kind != "projected"]
    misses = [o for o in closed if o.outcome in ("missed", "unmeasured")]
    with st.expander(f"Attainment per objective and month ({len(misses)} missed or unmeasured)"):
        data_table(
            [
                {
                    "objective": o.title or o.objective_id,
                    "month": str(o.period),
                    "kind": o.kind,
                    "value": "—" if o.value is None else f"{o.value:.2f}",
                    "target": o.target,
                    "outcome": o.outcome,
                    "misses in a row": o.consecutive_misses,
                    "note": o.note or "",
                }
                for o in closed
            ],
            hide_index=True,
            width="stretch",
            key="slas.attainment",
        )
    missed = {o.objective_id: o.title or o.objective_id for o in misses if o.outcome == "missed"}
    for objective_id, objective_title in missed.items():
        render_protecting_links(
            ctx.program, objective=f"{contract.contract_id}/{objective_id}", label=objective_title
        )
credits = [c for c in contract.credits if c.amount or c.lines]
if credits:
    st.markdown("**Credits**")
    data_table(
        [
            {
                "month": str(c.period),
                "kind": c.kind,
                "amount": fmt_money(c.amount, contract.currency),
                "% of fee": f"{c.percent_of_fee:g} %",
                "cap binds": "yes" if c.cap_binds else "",
                "explanation": c.explanation,
            }
            for c in credits
        ],
        hide_index=True,
        width="stretch",
        key="slas.credits",
    )
else:
    st.caption("No credit owed or at risk.")
for note in contract.notes:
    st.caption(note)
