"""The money a contract change would have made in the last closed month, from recorded actuals.

Both versions of each contract present on both sides are evaluated by `app.evaluate` against the
same actuals; when the last closed month's credit differs, the difference is one more change
(`credit_money`). A lower credit is softer on us; a higher one is tighter. Nothing is said for a
month without any recorded value for the contract's objectives.
"""

from __future__ import annotations

from datetime import date

from app.diff.change import Change, Maker
from app.evaluate import ActualsIndex, evaluate_contracts
from app.evaluate.money import fmt_money
from app.periods import Month
from app.spec.program import Program


def credit_effects(
    base: Program, head: Program, actuals: ActualsIndex, *, as_of: date
) -> list[Change]:
    """One change per contract whose last-closed-month credit differs between `base` and `head`."""
    month = Month.of(as_of).shift(-1)
    shared = set(base.contracts) & set(head.contracts)
    if not shared:
        return []
    before = {
        e.contract_id: e
        for e in evaluate_contracts(base, actuals, as_of=as_of)
        if e.contract_id in shared
    }
    after = {
        e.contract_id: e
        for e in evaluate_contracts(head, actuals, as_of=as_of)
        if e.contract_id in shared
    }
    out: list[Change] = []
    for contract_id in sorted(shared):
        a, b = before[contract_id], after[contract_id]
        measured = any(
            row.period == month and row.kind == "closed" and row.value is not None
            for row in b.objectives
        )
        credit_a = next((c for c in a.credits if c.period == month and c.kind == "closed"), None)
        credit_b = next((c for c in b.credits if c.period == month and c.kind == "closed"), None)
        if (
            not measured
            or credit_a is None
            or credit_b is None
            or credit_a.amount == credit_b.amount
        ):
            continue
        lower = credit_b.amount < credit_a.amount
        delta = credit_b.amount - credit_a.amount
        sign = "−" if delta < 0 else "+"
        out.append(
            Maker("SLAContract", contract_id)(
                "credit_money",
                "softened" if lower else "tightened",
                f"with the recorded actuals, the credit for {month} (last closed month) would be "
                f"{fmt_money(credit_b.amount, b.currency)} instead of {fmt_money(credit_a.amount, a.currency)} "
                f"({sign}{fmt_money(abs(delta), b.currency)} {'less' if lower else 'more'} for {b.counterparty})",
                ("spec", "credits"),
                before=fmt_money(credit_a.amount, a.currency),
                after=fmt_money(credit_b.amount, b.currency),
            )
        )
    return out
