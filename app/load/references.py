"""Checks across documents: unique ids, references that resolve, values that fit their metric's unit,
dates in order, the roadmap within its 365-day horizon, credit bands that fit the metric direction
and sit on the right side of the target, credit pools whose objectives all have an allocation, fee
schedules in order within the contract's term."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta

from app.load.diagnostics import Diagnostic
from app.load.documents import LoadedDocument
from app.load.models import did_you_mean
from app.periods import Month
from app.spec import (
    HORIZON_DAYS,
    Goal,
    Metric,
    Playbook,
    ProgramSettings,
    Roadmap,
    SLAContract,
    item_due_date,
)
from app.spec.exclusions import overlaps
from app.spec.program import effective_scope
from app.spec.sla import Band, BandsRule, PoolRule

ByKind = Mapping[str, Mapping[str, LoadedDocument]]
Loc = tuple[str | int, ...]
Broken = AbstractSet[tuple[str, str]]


def unique_documents(
    documents: list[LoadedDocument],
) -> tuple[dict[str, dict[str, LoadedDocument]], list[Diagnostic]]:
    """Documents by kind and id; a second document with the same id is an error naming the first."""
    by_kind: dict[str, dict[str, LoadedDocument]] = {}
    diagnostics: list[Diagnostic] = []
    for doc in documents:
        same_kind = by_kind.setdefault(doc.kind, {})
        if doc.kind == "Program" and same_kind:
            first = next(iter(same_kind.values()))
            diagnostics.append(
                doc.at(
                    ("kind",),
                    "error",
                    "program-duplicate",
                    f"a second Program document; the first is at {first.file}:{first.line}",
                    "keep one Program document in program.yaml",
                )
            )
            continue
        if doc.id in same_kind:
            first = same_kind[doc.id]
            diagnostics.append(
                doc.at(
                    ("metadata", "id"),
                    "error",
                    "duplicate-id",
                    f"{doc.kind} `{doc.id}` is already defined at {first.file}:{first.line}",
                    "ids are unique per kind: rename one of them",
                )
            )
            continue
        same_kind[doc.id] = doc
    return by_kind, diagnostics


def unit_range(metric: Metric) -> tuple[float | None, float | None]:
    """The values a figure in this metric's unit can take (None: unbounded on that side)."""
    unit = metric.spec.unit
    calculation = metric.spec.calculation
    if unit == "percent":
        return 0.0, 100.0
    if unit == "score":
        if calculation.type == "nps":
            return -100.0, 100.0
        if calculation.type == "ces":
            return 1.0, float(getattr(calculation, "scale", 7))
        return None, None
    return 0.0, None


def _fits(metric: Metric, value: float) -> str | None:
    low, high = unit_range(metric)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            return f"a value in {metric.spec.unit} cannot be negative; found {value:g}"
        what = (
            "an NPS score"
            if metric.spec.calculation.type == "nps"
            else f"a value in {metric.spec.unit}"
        )
        return f"{what} lies between {low:g} and {high:g}; found {value:g}"
    return None


def check_references(by_kind: ByKind, broken: Broken = frozenset()) -> list[Diagnostic]:
    """Every cross-document check; `by_kind` holds the unique documents of each kind.

    `broken` holds the (kind, id) of documents that failed their own validation: a reference to
    one of them is not reported again as unknown (its own errors already are).
    """
    return [
        *_notification_checks(by_kind),
        *_metric_checks(by_kind),
        *_goal_checks(by_kind, broken),
        *_contract_checks(by_kind, broken),
        *_playbook_checks(by_kind, broken),
        *_roadmap_checks(by_kind, broken),
    ]


_REFERENCED_KIND = {"metric": "Metric", "goal": "Goal", "SLA contract": "SLAContract"}


def _unknown(
    broken: Broken,
    doc: LoadedDocument,
    loc: Loc,
    what: str,
    ref: str,
    known: Mapping[str, object],
    code: str,
) -> list[Diagnostic]:
    if (_REFERENCED_KIND.get(what, ""), ref) in broken:
        return []
    hint = did_you_mean(ref, sorted(known)) if known else f"no {what} is defined yet"
    if hint and not hint.startswith("did"):
        hint = (
            f"known {what}s: " + ", ".join(f"`{k}`" for k in sorted(known)[:12]) if known else hint
        )
    return [doc.at(loc, "error", code, f"unknown {what} `{ref}`", hint)]


def _notification_checks(by_kind: ByKind) -> Iterator[Diagnostic]:
    """Channels with unique ids, one e-mail channel, people listed once, locales the program has."""
    for doc in by_kind.get("Program", {}).values():
        if not isinstance(doc.model, ProgramSettings):
            continue
        spec = doc.model.spec
        notifications = spec.notifications
        if notifications is None:
            continue
        loc: Loc = ("spec", "notifications")
        if spec.app_url is None:
            yield doc.at(
                loc,
                "error",
                "notify-app-url",
                "notifications are set up but `spec.app_url` is not: every message links to its "
                "item's page in the app",
                "add `app_url: https://…` under `spec`, where people open the app",
            )
        seen: dict[str, int] = {}
        email: int | None = None
        for index, channel in enumerate(notifications.channels):
            here: Loc = (*loc, "channels", index)
            if channel.id in seen:
                yield doc.at(
                    (*here, "id"),
                    "error",
                    "duplicate-channel",
                    f"channel `{channel.id}` is listed twice (first as channel {seen[channel.id] + 1})",
                    "give every channel its own id",
                )
            seen.setdefault(channel.id, index)
            if channel.type == "email":
                if email is not None:
                    yield doc.at(
                        (*here, "type"),
                        "error",
                        "duplicate-channel",
                        f"a second e-mail channel (the first is channel {email + 1})",
                        "one e-mail channel writes to everyone; add chat rooms as `type: chat`",
                    )
                email = index if email is None else email
            if channel.locale is not None and channel.locale not in spec.locales:
                yield doc.at(
                    (*here, "locale"),
                    "warning",
                    "notify-locale",
                    f"locale `{channel.locale}` is not one of the program's locales ({', '.join(spec.locales)})",
                    "add it to `locales` or pick one of them",
                )
        people: dict[str, int] = {}
        for index, person in enumerate(notifications.people):
            here = (*loc, "people", index)
            address = person.address.lower()
            if address in people:
                yield doc.at(
                    (*here, "address"),
                    "error",
                    "duplicate-person",
                    f"{person.address} is listed twice (first as person {people[address] + 1})",
                    "merge the two entries",
                )
            people.setdefault(address, index)
            if person.locale is not None and person.locale not in spec.locales:
                yield doc.at(
                    (*here, "locale"),
                    "warning",
                    "notify-locale",
                    f"locale `{person.locale}` is not one of the program's locales ({', '.join(spec.locales)})",
                    "add it to `locales` or pick one of them",
                )


def _metric_checks(by_kind: ByKind) -> Iterator[Diagnostic]:
    for doc in by_kind.get("Metric", {}).values():
        metric = doc.model
        assert isinstance(metric, Metric)
        units = metric.spec.calculation.units()
        if metric.spec.unit not in units:
            yield doc.at(
                ("spec", "unit"),
                "error",
                "unit-calculation",
                f"the `{metric.spec.calculation.type}` calculation does not produce {metric.spec.unit}",
                "use one of: " + ", ".join(units),
            )


def _check_value(
    doc: LoadedDocument, loc: Loc, metric: Metric | None, value: float | None
) -> Iterator[Diagnostic]:
    if metric is None or value is None:
        return
    problem = _fits(metric, value)
    if problem:
        yield doc.at(
            loc, "error", "unit-range", problem, f"`{metric.id}` is measured in {metric.spec.unit}"
        )


def _goal_checks(by_kind: ByKind, broken: Broken) -> Iterator[Diagnostic]:
    metrics = by_kind.get("Metric", {})
    goals = by_kind.get("Goal", {})
    for doc in goals.values():
        goal = doc.model
        assert isinstance(goal, Goal)
        spec = goal.spec
        metric: Metric | None = None
        if spec.metric is not None:
            if spec.metric in metrics:
                metric = metrics[spec.metric].model_as(Metric)
            else:
                yield from _unknown(
                    broken,
                    doc,
                    ("spec", "metric"),
                    "metric",
                    spec.metric,
                    metrics,
                    "unknown-metric",
                )
        if spec.parent is not None:
            if spec.parent == goal.id:
                yield doc.at(
                    ("spec", "parent"), "error", "unknown-goal", "a goal cannot be its own parent"
                )
            elif spec.parent not in goals:
                yield from _unknown(
                    broken, doc, ("spec", "parent"), "goal", spec.parent, goals, "unknown-goal"
                )
        if spec.baseline is not None:
            yield from _check_value(doc, ("spec", "baseline", "value"), metric, spec.baseline.value)
        if spec.target is not None:
            yield from _check_value(doc, ("spec", "target", "value"), metric, spec.target.value)
        for index, milestone in enumerate(spec.milestones):
            yield from _check_value(
                doc, ("spec", "milestones", index, "value"), metric, milestone.value
            )
        for index, guardrail in enumerate(spec.guardrails):
            loc: Loc = ("spec", "guardrails", index)
            if guardrail.metric not in metrics:
                yield from _unknown(
                    broken,
                    doc,
                    (*loc, "metric"),
                    "metric",
                    guardrail.metric,
                    metrics,
                    "unknown-metric",
                )
                continue
            guarded = metrics[guardrail.metric].model
            assert isinstance(guarded, Metric)
            yield from _check_value(doc, (*loc, "min"), guarded, guardrail.min)
            yield from _check_value(doc, (*loc, "max"), guarded, guardrail.max)
        yield from _goal_dates(doc, goal)


def _goal_dates(doc: LoadedDocument, goal: Goal) -> Iterator[Diagnostic]:
    spec = goal.spec
    baseline_start = spec.baseline.period.first_day() if spec.baseline is not None else None
    if (
        spec.target is not None
        and spec.baseline is not None
        and spec.target.by < spec.baseline.period.first_day()
    ):
        yield doc.at(
            ("spec", "target", "by"),
            "error",
            "deadline-before-baseline",
            f"the deadline {spec.target.by} is before the baseline period {spec.baseline.period}",
            "the deadline must come after the month the baseline was measured in",
        )
    previous = baseline_start
    for index, milestone in enumerate(spec.milestones):
        loc: Loc = ("spec", "milestones", index, "by")
        if previous is not None and milestone.by <= previous:
            yield doc.at(
                loc,
                "error",
                "milestones-order",
                f"milestone {index + 1} ({milestone.by}) is not after the one before it (or the baseline)",
                "list milestones in date order, between the baseline and the deadline",
            )
        elif spec.target is not None and milestone.by > spec.target.by:
            yield doc.at(
                loc,
                "error",
                "milestones-order",
                f"milestone {index + 1} ({milestone.by}) is after the deadline {spec.target.by}",
                "a milestone comes before the deadline",
            )
        previous = milestone.by


def _contract_checks(by_kind: ByKind, broken: Broken) -> Iterator[Diagnostic]:
    metrics = by_kind.get("Metric", {})
    for doc in by_kind.get("SLAContract", {}).values():
        contract = doc.model
        assert isinstance(contract, SLAContract)
        objectives: dict[str, Metric | None] = {}
        for index, objective in enumerate(contract.spec.objectives):
            loc: Loc = ("spec", "objectives", index)
            if objective.id in objectives:
                yield doc.at(
                    (*loc, "id"),
                    "error",
                    "duplicate-id",
                    f"objective `{objective.id}` appears twice in this contract",
                )
            metric = (
                metrics[objective.metric].model_as(Metric) if objective.metric in metrics else None
            )
            if metric is None:
                yield from _unknown(
                    broken,
                    doc,
                    (*loc, "metric"),
                    "metric",
                    objective.metric,
                    metrics,
                    "unknown-metric",
                )
            else:
                yield from _check_value(doc, (*loc, "target"), metric, objective.target)
                yield from _check_value(
                    doc, (*loc, "internal_target"), metric, objective.internal_target
                )
            objectives[objective.id] = metric
        for index, exclusion in enumerate(contract.spec.exclusions):
            for position, ref in enumerate(exclusion.objectives):
                if ref not in objectives:
                    yield from _unknown(
                        broken,
                        doc,
                        ("spec", "exclusions", index, "objectives", position),
                        "objective",
                        ref,
                        objectives,
                        "unknown-objective",
                    )
        for index, rule in enumerate(contract.spec.credits.rules):
            loc = ("spec", "credits", "rules", index)
            for position, ref in enumerate(rule.objectives):
                if ref not in objectives:
                    yield from _unknown(
                        broken,
                        doc,
                        (*loc, "objectives", position),
                        "objective",
                        ref,
                        objectives,
                        "unknown-objective",
                    )
            if isinstance(rule, BandsRule):
                covered = [objectives.get(ref) for ref in (rule.objectives or list(objectives))]
                yield from _band_checks(doc, loc, rule.bands, [m for m in covered if m is not None])
                yield from _band_targets(doc, loc, rule, contract)
            if isinstance(rule, PoolRule):
                yield from _pool_checks(doc, index, rule, contract)
        yield from _unpooled_allocations(doc, contract)
        yield from _fee_schedule_checks(doc, contract)
        yield from _exclusion_checks(doc, contract, objectives)


def _band_targets(
    doc: LoadedDocument, loc: Loc, rule: BandsRule, contract: SLAContract
) -> Iterator[Diagnostic]:
    """A band's edge on the wrong side of an objective's target: the values between the two meet
    the target, so they owe nothing whatever the band says."""
    covered = [
        o for o in contract.spec.objectives if not rule.objectives or o.id in rule.objectives
    ]
    for position, band in enumerate(rule.bands):
        for objective in covered:
            wrong = (
                band.edge > objective.target
                if band.side == "below"
                else band.edge < objective.target
            )
            if not wrong:
                continue
            word = "above" if band.side == "below" else "below"
            low, high = sorted((objective.target, band.edge))
            yield doc.at(
                (*loc, "bands", position, band.side),
                "error",
                "band-beyond-target",
                f"the band `{band.side}: {band.edge:g}` is {word} objective `{objective.id}`'s "
                f"target of {objective.target:g}: a value from {low:g} to {high:g} meets the target "
                "and owes nothing, so the band does not apply as written",
                f"a band's edge is on the missing side of the target: write `{band.side}: "
                f"{objective.target:g}` (the target) or move the target to {band.edge:g}",
            )
            break


def _pool_checks(
    doc: LoadedDocument, rule_index: int, rule: PoolRule, contract: SLAContract
) -> Iterator[Diagnostic]:
    loc: Loc = ("spec", "credits", "rules", rule_index)
    covered = [
        (index, o)
        for index, o in enumerate(contract.spec.objectives)
        if not rule.objectives or o.id in rule.objectives
    ]
    for index, objective in covered:
        if objective.allocation_percent is None:
            yield doc.at(
                ("spec", "objectives", index, "id"),
                "error",
                "pool-allocation",
                f"objective `{objective.id}` is in the credit pool (credit rule {rule_index + 1}) "
                "but has no `allocation_percent`: a miss would earn nothing from the pool",
                "add `allocation_percent: N` (its share of the pool, in %) to the objective, or "
                "leave it out of the rule's `objectives`",
            )
    total = sum(o.allocation_percent or 0 for _, o in covered)
    if total > rule.allocatable_percent + 1e-9:
        where = "allocatable_percent" if "allocatable_percent" in rule.model_fields_set else "type"
        yield doc.at(
            (*loc, where),
            "error",
            "pool-over-allocated",
            f"the pool's objectives are allocated {total:g} % in all, more than the "
            f"{rule.allocatable_percent:g} % available for allocation",
            "lower the allocations, or write `allocatable_percent: N` as the contract states it "
            '("up to 250 % available for allocation" is common); a month\'s pool credits never '
            "exceed the pool either way",
        )


def _unpooled_allocations(doc: LoadedDocument, contract: SLAContract) -> Iterator[Diagnostic]:
    pooled = {
        objective.id
        for rule in contract.spec.credits.rules
        if isinstance(rule, PoolRule)
        for objective in contract.spec.objectives
        if not rule.objectives or objective.id in rule.objectives
    }
    for index, objective in enumerate(contract.spec.objectives):
        if objective.allocation_percent is not None and objective.id not in pooled:
            yield doc.at(
                ("spec", "objectives", index, "allocation_percent"),
                "warning",
                "pool-allocation",
                f"objective `{objective.id}` has an allocation but no pool rule covers it: the "
                "allocation earns nothing",
                "add a `type: pool` credit rule that covers it, or remove the allocation",
            )


def _fee_schedule_checks(doc: LoadedDocument, contract: SLAContract) -> Iterator[Diagnostic]:
    spec = contract.spec
    first = Month.of(spec.effective.from_)
    last = Month.of(spec.effective.to) if spec.effective.to is not None else None
    previous: Month | None = None
    for index, change in enumerate(spec.fee_schedule):
        loc: Loc = ("spec", "fee_schedule", index, "from")
        if change.from_ <= first:
            yield doc.at(
                loc,
                "error",
                "fee-schedule",
                f"a fee change from {change.from_}, not after the contract's first month {first}",
                "the fee of the first month is `monthly_fee`; a change applies from a later month",
            )
        elif last is not None and change.from_ > last:
            yield doc.at(
                loc,
                "error",
                "fee-schedule",
                f"a fee change from {change.from_}, after the contract ends in {last}",
                "remove it, or extend `effective.to`",
            )
        elif previous is not None and change.from_ <= previous:
            yield doc.at(
                loc,
                "error",
                "fee-schedule",
                f"the fee change from {change.from_} is not after the one before it ({previous})",
                "list the fee changes in month order, one per month",
            )
        previous = change.from_


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _exclusion_checks(
    doc: LoadedDocument, contract: SLAContract, metrics: Mapping[str, Metric | None]
) -> Iterator[Diagnostic]:
    spec = contract.spec
    effective = spec.effective
    for index, exclusion in enumerate(spec.exclusions):
        loc: Loc = ("spec", "exclusions", index)
        starts, ends = _day(exclusion.from_), _day(exclusion.to)
        if ends < effective.from_ or (effective.to is not None and starts > effective.to):
            yield doc.at(
                (*loc, "from"),
                "warning",
                "exclusion-outside-term",
                f"the exclusion ({starts} to {ends}) is outside the contract's term",
                "check the dates: an exclusion only changes months the contract is in effect",
            )
        if exclusion.scope is None:
            continue
        named = [
            effective_scope(metric, o.scope)
            for o in spec.objectives
            if (not exclusion.objectives or o.id in exclusion.objectives)
            and (metric := metrics.get(o.id)) is not None
        ]
        if named and not any(overlaps(scope, exclusion.scope) for scope in named):
            yield doc.at(
                (*loc, "scope"),
                "warning",
                "exclusion-scope",
                f"the exclusion's contacts ({exclusion.scope.describe()}) are in none of the "
                "objectives it applies to: it changes nothing",
                "check the channel or queue, or the `objectives` it names",
            )


def _band_checks(
    doc: LoadedDocument, loc: Loc, bands: Sequence[Band], metrics: list[Metric]
) -> Iterator[Diagnostic]:
    directions = {m.spec.better for m in metrics}
    for position, band in enumerate(bands):
        edge = band.side
        wrong = "lower" if edge == "below" else "higher"
        if wrong in directions:
            expected = "above" if edge == "below" else "below"
            yield doc.at(
                (*loc, "bands", position, edge),
                "error",
                "band-direction",
                f"a `{edge}` band for a metric where {wrong} is better",
                f"use `{expected}`: the credit applies when the value is on the bad side of the edge",
            )
        for metric in metrics:
            problem = _fits(metric, band.edge)
            if problem:
                yield doc.at((*loc, "bands", position, edge), "error", "unit-range", problem)
                break


def _playbook_checks(by_kind: ByKind, broken: Broken) -> Iterator[Diagnostic]:
    metrics = by_kind.get("Metric", {})
    contracts = by_kind.get("SLAContract", {})
    settings = next(iter(by_kind.get("Program", {}).values()), None)
    locales = settings.model_as(ProgramSettings).spec.locales if settings is not None else None
    for doc in by_kind.get("Playbook", {}).values():
        playbook = doc.model
        assert isinstance(playbook, Playbook)
        protects = playbook.spec.protects
        for index, ref in enumerate(protects.metrics):
            if ref not in metrics:
                yield from _unknown(
                    broken,
                    doc,
                    ("spec", "protects", "metrics", index),
                    "metric",
                    ref,
                    metrics,
                    "unknown-metric",
                )
        for index, ref in enumerate(protects.objectives):
            loc: Loc = ("spec", "protects", "objectives", index)
            contract_id, slash, objective_id = ref.partition("/")
            if not slash or not contract_id or not objective_id:
                yield doc.at(
                    loc,
                    "error",
                    "unknown-objective",
                    f"`{ref}` does not name an SLA objective",
                    "write `contract_id/objective_id`",
                )
            elif contract_id not in contracts:
                yield from _unknown(
                    broken, doc, loc, "SLA contract", contract_id, contracts, "unknown-objective"
                )
            else:
                contract = contracts[contract_id].model
                assert isinstance(contract, SLAContract)
                ids = {objective.id: objective for objective in contract.spec.objectives}
                if objective_id not in ids:
                    yield from _unknown(
                        broken,
                        doc,
                        loc,
                        f"objective of `{contract_id}`",
                        objective_id,
                        ids,
                        "unknown-objective",
                    )
        if locales is not None:
            for index, template in enumerate(playbook.spec.templates):
                if template.locale not in locales:
                    yield doc.at(
                        ("spec", "templates", index, "locale"),
                        "warning",
                        "template-locale",
                        f"locale `{template.locale}` is not one of the program's locales ({', '.join(locales)})",
                        "add it to `locales` in program.yaml or fix the template's locale",
                    )


def _roadmap_checks(by_kind: ByKind, broken: Broken) -> Iterator[Diagnostic]:
    goals = by_kind.get("Goal", {})
    settings_doc = next(iter(by_kind.get("Program", {}).values()), None)
    settings = settings_doc.model if settings_doc is not None else None
    start = settings.spec.start_date if isinstance(settings, ProgramSettings) else None
    for doc in by_kind.get("Roadmap", {}).values():
        roadmap = doc.model
        assert isinstance(roadmap, Roadmap)
        for p_index, phase in enumerate(roadmap.spec.phases):
            p_loc: Loc = ("spec", "phases", p_index)
            if phase.to_day > HORIZON_DAYS:
                yield doc.at(
                    (*p_loc, "to_day"),
                    "error",
                    "roadmap-horizon",
                    f"phase `{phase.id}` ends on day {phase.to_day}, beyond the {HORIZON_DAYS}-day horizon",
                    "plan beyond a year in next year's roadmap",
                )
            for i_index, item in enumerate(phase.items):
                loc: Loc = (*p_loc, "items", i_index)
                for g_index, ref in enumerate(item.goals):
                    if ref not in goals:
                        yield from _unknown(
                            broken,
                            doc,
                            (*loc, "goals", g_index),
                            "goal",
                            ref,
                            goals,
                            "unknown-goal",
                        )
                if start is None:
                    continue
                due_loc: Loc = (*loc, "due" if item.due is not None else "due_day")
                day = (item_due_date(item, start) - start).days
                if day < 0 or day > HORIZON_DAYS:
                    end = start + timedelta(days=HORIZON_DAYS)
                    yield doc.at(
                        due_loc,
                        "error",
                        "roadmap-horizon",
                        f"item `{item.id}` is due on day {day}, outside the roadmap's {HORIZON_DAYS} days "
                        f"({start} to {end})",
                        "move it into the horizon or into next year's roadmap",
                    )
                elif not phase.from_day <= day <= phase.to_day:
                    yield doc.at(
                        due_loc,
                        "warning",
                        "roadmap-phase-window",
                        f"item `{item.id}` is due on day {day}, outside its phase `{phase.id}` "
                        f"(days {phase.from_day}–{phase.to_day})",
                        "move the item to the phase it falls in",
                    )
