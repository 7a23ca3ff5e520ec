"""SLAs & credits: per contract, attainment per objective and month, credits explained, exposure."""

from __future__ import annotations

import streamlit as st

from app.evaluate.money import fmt_money
from app.ui.charts import attainment_chart
from app.ui.context import page_setup
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability

ctx = page_setup("SLAs & credits", needs=Capability.READ_MONEY)
evaluation = ctx.evaluation()
exposure = evaluation.exposure
st.subheader("Program total")
total = st.columns(4)
total[0].metric("Owed", fmt_money(exposure.owed, exposure.currency))
total[1].metric("Provisional", fmt_money(exposure.provisional, exposure.currency))
total[2].metric("At risk", fmt_money(exposure.at_risk, exposure.currency))
total[3].metric("Total exposure", fmt_money(exposure.total, exposure.currency))

for contract in evaluation.contracts:
    st.divider()
    st.subheader(f"{contract.title} — {contract.counterparty}")
    st.caption(f"Monthly fee {fmt_money(contract.monthly_fee, contract.currency)}"
               + ("" if contract.in_program_currency else " (not in the program currency: not added to the total)"))
    cols = st.columns(4)
    cols[0].metric("Owed", fmt_money(contract.owed, contract.currency))
    cols[1].metric("Provisional", fmt_money(contract.provisional, contract.currency))
    cols[2].metric("Waived (earn-back)", fmt_money(contract.waived, contract.currency))
    cols[3].metric("Exposure", fmt_money(contract.exposure, contract.currency))
    if contract.objectives:
        st.altair_chart(attainment_chart(contract.objectives), width="stretch")
        misses = [o for o in contract.objectives if o.outcome in ("missed", "unmeasured") and o.kind != "projected"]
        with st.expander(f"Attainment per objective and month ({len(misses)} missed or unmeasured)"):
            st.dataframe(
                [{"objective": o.title or o.objective_id, "month": str(o.period), "kind": o.kind,
                  "value": "—" if o.value is None else f"{o.value:.2f}", "target": o.target, "outcome": o.outcome,
                  "misses in a row": o.consecutive_misses, "note": o.note or ""}
                 for o in contract.objectives if o.kind != "projected"],
                hide_index=True, width="stretch", key=f"slas.{contract.contract_id}.attainment",
            )
        missed = {o.objective_id: o.title or o.objective_id for o in misses if o.outcome == "missed"}
        for objective_id, objective_title in missed.items():
            render_protecting_links(ctx.program, objective=f"{contract.contract_id}/{objective_id}",
                                    label=objective_title)
    credits = [c for c in contract.credits if c.amount or c.lines]
    if credits:
        st.markdown("**Credits**")
        st.dataframe(
            [{"month": str(c.period), "kind": c.kind, "amount": fmt_money(c.amount, contract.currency),
              "% of fee": f"{c.percent_of_fee:g} %", "cap binds": "yes" if c.cap_binds else "",
              "explanation": c.explanation} for c in credits],
            hide_index=True, width="stretch", key=f"slas.{contract.contract_id}.credits",
        )
    else:
        st.caption("No credit owed or at risk.")
    for note in contract.notes:
        st.caption(note)
