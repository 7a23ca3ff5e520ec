"""What a change to an SLAContract does, read from the support organisation's side.

The program belongs to the support organisation, so a lower target, a removed objective or a
smaller service credit is *softer on us* (``softened``): the customer is promised less or gets
less back when we miss. The reverse is ``tightened``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from app.diff.change import Change, Maker, PathPart, Severity, bar_severity, more_or_less
from app.diff.scopes import describe_scope_change, scope_relation
from app.evaluate.money import fmt_money, percent_of
from app.spec.program import Program
from app.spec.sla import (
    BandsRule,
    Cap,
    ConsecutiveMissesRule,
    CreditRule,
    Exclusion,
    Objective,
    PerMissRule,
    PoolRule,
    SLAContract,
)

SCOPE_SEVERITY: dict[str, Severity] = {
    "narrowed": "softened",
    "widened": "tightened",
    "different": "breaking",
}


def removed_contract(contract: SLAContract, make: Maker) -> Change:
    return make(
        "removed", "softened", f"contract with {contract.spec.counterparty} removed", side="base"
    )


def contract_changes(
    base: SLAContract, head: SLAContract, base_program: Program, head_program: Program
) -> list[Change]:
    make = Maker("SLAContract", head.id)
    old, new = base.spec, head.spec
    out: list[Change] = []
    out += _objectives(old.objectives, new.objectives, head_program, make)
    out += _rules(base, head, make)
    out += _cap(
        old.credits.cap, new.credits.cap, old.monthly_fee, new.monthly_fee, head.spec.currency, make
    )
    a, b = old.credits.earn_back, new.credits.earn_back
    if a != b:
        if b is None:
            out.append(
                make(
                    "earn_back",
                    "tightened",
                    "earn-back removed: credits can no longer be waived",
                    ("spec", "credits"),
                    before=a.periods if a else None,
                )
            )
        elif a is None:
            out.append(
                make(
                    "earn_back",
                    "softened",
                    f"earn-back added: a credit is waived after {b.periods} good months",
                    ("spec", "credits", "earn_back"),
                    after=b.periods,
                )
            )
        else:
            severity = more_or_less(a.periods, b.periods, more_is="tightened", less_is="softened")
            out.append(
                make(
                    "earn_back",
                    severity or "info",
                    f"earn-back after {a.periods} → {b.periods} good months",
                    ("spec", "credits", "earn_back", "periods"),
                    before=a.periods,
                    after=b.periods,
                )
            )
    if old.credits.unmeasured != new.credits.unmeasured:
        softer = new.credits.unmeasured == "not_counted"
        out.append(
            make(
                "unmeasured",
                "softened" if softer else "tightened",
                f"a month without data now {'does not count' if softer else 'counts as missed'} for credits",
                ("spec", "credits", "unmeasured"),
                before=old.credits.unmeasured,
                after=new.credits.unmeasured,
            )
        )
    out += _exclusions(old.exclusions, new.exclusions, make)
    if old.measurement.timezone != new.measurement.timezone:
        out.append(
            make(
                "measurement",
                "breaking",
                f"months are cut in {new.measurement.timezone} (was {old.measurement.timezone})",
                ("spec", "measurement", "timezone"),
                before=old.measurement.timezone,
                after=new.measurement.timezone,
            )
        )
    if old.monthly_fee != new.monthly_fee:
        out.append(
            make(
                "fee",
                "info",
                f"monthly fee {fmt_money(old.monthly_fee, old.currency)} → "
                f"{fmt_money(new.monthly_fee, new.currency)} (credits are a share of it)",
                ("spec", "monthly_fee"),
                before=old.monthly_fee,
                after=new.monthly_fee,
            )
        )
    if old.effective != new.effective:
        out.append(
            make(
                "effective",
                "info",
                f"effective {old.effective.from_}–{old.effective.to or 'open'} → "
                f"{new.effective.from_}–{new.effective.to or 'open'}",
                ("spec", "effective"),
            )
        )
    return out


def _objectives(
    old: list[Objective], new: list[Objective], head_program: Program, make: Maker
) -> list[Change]:
    out: list[Change] = []
    after = {o.id: (i, o) for i, o in enumerate(new)}
    before_ids = {o.id for o in old}
    for a in old:
        if a.id not in after:
            out.append(
                make("objective", "softened", f"objective `{a.id}` removed", ("spec", "objectives"))
            )
            continue
        index, b = after[a.id]
        path = ("spec", "objectives", index)
        if a.metric != b.metric:
            out.append(
                make(
                    "objective",
                    "breaking",
                    f"objective `{a.id}` measures `{b.metric}` instead of `{a.metric}`",
                    (*path, "metric"),
                    before=a.metric,
                    after=b.metric,
                )
            )
        metric = head_program.metrics.get(b.metric)
        better = metric.spec.better if metric is not None else "higher"
        for field, label in (("target", "target"), ("internal_target", "internal target")):
            x, y = getattr(a, field), getattr(b, field)
            if x == y:
                continue
            if x is None or y is None:
                severity: Severity | None = "softened" if y is None else "tightened"
                text = f"objective `{a.id}`: {label} {'removed' if y is None else 'added'}"
            else:
                severity = bar_severity(x, y, better)
                verb = "lowered" if severity == "softened" else "raised"
                text = f"objective `{a.id}`: {label} {verb} {x:g} → {y:g} ({better} is better)"
            out.append(
                make(
                    field,
                    severity or "info",
                    text,
                    (*path, field) if y is not None else path,
                    before=x,
                    after=y,
                )
            )
        relation = scope_relation(a.scope, b.scope)
        if relation != "same":
            out.append(
                make(
                    "scope",
                    SCOPE_SEVERITY[relation],
                    f"objective `{a.id}`: scope {relation}: "
                    f"{describe_scope_change(a.scope, b.scope)}",
                    (*path, "scope"),
                    before=a.scope.describe(),
                    after=b.scope.describe(),
                )
            )
        if a.allocation_percent != b.allocation_percent:
            severity = more_or_less(
                a.allocation_percent or 0,
                b.allocation_percent or 0,
                more_is="tightened",
                less_is="softened",
            )
            out.append(
                make(
                    "credits",
                    severity or "info",
                    f"objective `{a.id}`: share of the credit pool "
                    f"{a.allocation_percent} % → {b.allocation_percent} %",
                    path,
                    before=a.allocation_percent,
                    after=b.allocation_percent,
                )
            )
    for b in new:
        if b.id not in before_ids:
            out.append(
                make(
                    "objective",
                    "tightened",
                    f"objective `{b.id}` added (target {b.target:g})",
                    ("spec", "objectives", after[b.id][0]),
                )
            )
    return out


def _covered(rule: CreditRule, contract: SLAContract) -> frozenset[str]:
    return frozenset(rule.objectives or [o.id for o in contract.spec.objectives])


def _rules(base: SLAContract, head: SLAContract, make: Maker) -> list[Change]:
    """Rules are matched by type and the objectives they cover, then by type in order of appearance."""
    old = list(enumerate(base.spec.credits.rules))
    new = list(enumerate(head.spec.credits.rules))
    pairs: list[tuple[CreditRule, int, CreditRule]] = []
    closest_first: tuple[Callable[[CreditRule, CreditRule], bool], ...] = (
        lambda r, s: r.type == s.type and _covered(r, base) == _covered(s, head),
        lambda r, s: r.type == s.type,
    )
    for match in closest_first:
        for entry in list(old):
            found = next(((j, s) for j, s in new if match(entry[1], s)), None)
            if found is not None:
                pairs.append((entry[1], found[0], found[1]))
                old.remove(entry)
                new.remove(found)
    out: list[Change] = []
    for _, rule in old:
        out.append(
            make(
                "credits",
                "softened",
                f"{_rule_name(rule)} credit rule removed",
                ("spec", "credits"),
            )
        )
    for index, rule in new:
        out.append(
            make(
                "credits",
                "tightened",
                f"{_rule_name(rule)} credit rule added",
                ("spec", "credits", "rules", index),
            )
        )
    for a, index, b in pairs:
        out += _rule_changes(a, b, base, head, ("spec", "credits", "rules", index), make)
    return out


def _rule_name(rule: CreditRule) -> str:
    return rule.type.replace("_", "-")


def _percent_change(
    label: str, a: float, b: float, path: tuple[PathPart, ...], make: Maker
) -> list[Change]:
    severity = more_or_less(a, b, more_is="tightened", less_is="softened")
    if severity is None:
        return []
    return [
        make(
            "credits",
            severity,
            f"{label} {a:g} % → {b:g} % ({'less' if severity == 'softened' else 'more'} "
            "credited to the customer)",
            path,
            before=a,
            after=b,
        )
    ]


def _rule_changes(
    a: CreditRule,
    b: CreditRule,
    base: SLAContract,
    head: SLAContract,
    path: tuple[PathPart, ...],
    make: Maker,
) -> list[Change]:
    out: list[Change] = []
    name = _rule_name(b)
    covered_a, covered_b = _covered(a, base), _covered(b, head)
    if covered_a != covered_b:
        if covered_b < covered_a:
            severity: Severity = "softened"
        elif covered_a < covered_b:
            severity = "tightened"
        else:
            severity = "softened" if covered_a - covered_b else "info"
        out.append(
            make(
                "credits",
                severity,
                f"{name} rule covers {', '.join(sorted(covered_b))} "
                f"(was {', '.join(sorted(covered_a))})",
                (*path, "objectives") if b.objectives else path,
            )
        )
    if isinstance(a, BandsRule) and isinstance(b, BandsRule):
        for i, (x, y) in enumerate(zip(a.bands, b.bands)):
            band_path = (*path, "bands", i)
            edge_a, edge_b = x.edge, y.edge
            if x.side != y.side:
                out.append(
                    make(
                        "credits",
                        "breaking",
                        f"band {i + 1} flipped between `below` and `above`",
                        band_path,
                    )
                )
            elif edge_a != edge_b:
                # A higher `below` edge (or a lower `above` edge) puts more results into the band.
                wider = edge_b > edge_a if y.side == "below" else edge_b < edge_a
                edge = y.side
                out.append(
                    make(
                        "credits",
                        "tightened" if wider else "softened",
                        f"band {i + 1} edge {edge} {edge_a:g} → {edge_b:g} "
                        f"({'more' if wider else 'fewer'} results earn this credit)",
                        (*band_path, edge),
                        before=edge_a,
                        after=edge_b,
                    )
                )
            out += _percent_change(
                f"band {i + 1} credit", x.percent, y.percent, (*band_path, "percent"), make
            )
        for x in a.bands[len(b.bands) :]:
            out.append(
                make("credits", "softened", f"band {x.percent:g} % removed", (*path, "bands"))
            )
        for i, y in enumerate(b.bands[len(a.bands) :], start=len(a.bands)):
            out.append(
                make("credits", "tightened", f"band {y.percent:g} % added", (*path, "bands", i))
            )
    elif isinstance(a, ConsecutiveMissesRule) and isinstance(b, ConsecutiveMissesRule):
        if a.count != b.count:
            severity = (
                more_or_less(a.count, b.count, more_is="softened", less_is="tightened") or "info"
            )
            out.append(
                make(
                    "credits",
                    severity,
                    f"credit owed after {a.count} → {b.count} consecutive misses",
                    (*path, "count"),
                    before=a.count,
                    after=b.count,
                )
            )
        out += _percent_change(
            "consecutive-miss credit", a.percent, b.percent, (*path, "percent"), make
        )
    elif isinstance(a, PerMissRule) and isinstance(b, PerMissRule):
        out += _percent_change("per-miss credit", a.percent, b.percent, (*path, "percent"), make)
    elif isinstance(a, PoolRule) and isinstance(b, PoolRule):
        out += _percent_change(
            "amount at risk", a.at_risk_percent, b.at_risk_percent, (*path, "at_risk_percent"), make
        )
        out += _percent_change(
            "pool", a.pool_percent, b.pool_percent, (*path, "pool_percent"), make
        )
    return out


def _cap_amount(cap: Cap, fee: Decimal) -> Decimal:
    return cap.amount if cap.amount is not None else percent_of(fee, cap.percent_of_fee or 0.0)


def _cap(
    a: Cap | None, b: Cap | None, fee_a: Decimal, fee_b: Decimal, currency: str, make: Maker
) -> list[Change]:
    if a == b:
        return []
    if b is None:
        return [make("cap", "tightened", "credit cap removed", ("spec", "credits"))]
    if a is None:
        return [
            make(
                "cap",
                "softened",
                f"credit cap added: at most {fmt_money(_cap_amount(b, fee_b), currency)} a month",
                ("spec", "credits", "cap"),
            )
        ]
    x, y = _cap_amount(a, fee_a), _cap_amount(b, fee_b)
    severity = more_or_less(float(x), float(y), more_is="tightened", less_is="softened") or "info"
    return [
        make(
            "cap",
            severity,
            f"credit cap {fmt_money(x, currency)} → {fmt_money(y, currency)} a month",
            ("spec", "credits", "cap"),
            before=fmt_money(x, currency),
            after=fmt_money(y, currency),
        )
    ]


def _exclusions(old: list[Exclusion], new: list[Exclusion], make: Maker) -> list[Change]:
    def key(e: Exclusion) -> tuple[date, date, tuple[str, ...]]:
        return (e.from_, e.to, tuple(sorted(e.objectives)))

    out: list[Change] = []
    before = {key(e): e for e in old}
    after = {key(e): (i, e) for i, e in enumerate(new)}
    for k, (i, e) in after.items():
        if k not in before:
            out.append(
                make(
                    "exclusion",
                    "softened",
                    f"{e.from_}–{e.to} excluded from measurement: {e.reason}",
                    ("spec", "exclusions", i),
                )
            )
        elif before[k].reason != e.reason:
            out.append(
                make(
                    "exclusion",
                    "info",
                    f"reason for excluding {e.from_}–{e.to} reworded",
                    ("spec", "exclusions", i),
                )
            )
    for k, e in before.items():
        if k not in after:
            out.append(
                make(
                    "exclusion",
                    "tightened",
                    f"exclusion {e.from_}–{e.to} removed",
                    ("spec", "exclusions"),
                )
            )
    return out
