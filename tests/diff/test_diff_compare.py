"""The pure comparison: classification and severity of every kind of change, direction-aware."""

from __future__ import annotations

from typing import Any

import pytest
from diff_programs import build, diff_after, edited, fixture_docs, one, without

from app.diff import compare
from app.diff.change import RANK


def spec(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]


def test_identical_programs_have_no_changes() -> None:
    program = build(fixture_docs())
    assert compare(program, program) == []


# --- Goal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "new_target", "severity"),
    [
        ("csat_to_85", 82, "softened"),  # higher is better: lowering the target lowers the bar
        ("csat_to_85", 88, "tightened"),
        ("aht_down", 8.5, "tightened"),  # lower is better: lowering the AHT target raises the bar
        ("aht_down", 9.5, "softened"),
    ],
)
def test_goal_target_is_direction_aware(goal: str, new_target: float, severity: str) -> None:
    changes = diff_after("Goal", goal, lambda d: spec(d)["target"].update(value=new_target))
    change = one(changes, "target")
    assert (change.kind, change.doc_id, change.severity) == ("Goal", goal, severity)
    assert change.path == ("spec", "target", "value")
    assert change.after == f"{new_target:g}"


@pytest.mark.parametrize(
    ("by", "severity"), [("2027-06-30", "softened"), ("2027-01-31", "tightened")]
)
def test_goal_deadline(by: str, severity: str) -> None:
    change = one(
        diff_after("Goal", "csat_to_85", lambda d: spec(d)["target"].update(by=by)), "deadline"
    )
    assert change.severity == severity
    assert ("later" if severity == "softened" else "earlier") in change.summary


@pytest.mark.parametrize(
    ("goal", "value", "severity"),
    [("csat_to_85", 75, "softened"), ("csat_to_85", 80, "tightened"), ("aht_down", 11, "softened")],
)
def test_goal_baseline_value_worse_makes_progress_look_larger(
    goal: str, value: float, severity: str
) -> None:
    change = one(
        diff_after("Goal", goal, lambda d: spec(d)["baseline"].update(value=value)), "baseline"
    )
    assert change.severity == severity


def test_goal_baseline_period_breaks_comparability() -> None:
    change = one(
        diff_after("Goal", "csat_to_85", lambda d: spec(d)["baseline"].update(period="2026-05")),
        "baseline",
    )
    assert change.severity == "breaking"
    assert change.before == "2026-06" and change.after == "2026-05"


@pytest.mark.parametrize(
    ("scope", "severity"),
    [
        ({"channel": "chat"}, "softened"),
        ({}, "tightened"),
        ({"channel": ["phone", "social"]}, "breaking"),
    ],
)
def test_goal_scope(scope: dict[str, Any], severity: str) -> None:
    change = one(diff_after("Goal", "csat_to_85", lambda d: spec(d).update(scope=scope)), "scope")
    assert change.severity == severity


def test_goal_guardrail_removed_is_softened() -> None:
    change = one(diff_after("Goal", "aht_down", lambda d: spec(d).pop("guardrails")), "guardrail")
    assert change.severity == "softened" and "removed" in change.summary


@pytest.mark.parametrize(("minimum", "severity"), [(65, "softened"), (72, "tightened")])
def test_goal_guardrail_bound(minimum: float, severity: str) -> None:
    change = one(
        diff_after("Goal", "aht_down", lambda d: spec(d)["guardrails"][0].update(min=minimum)),
        "guardrail",
    )
    assert change.severity == severity


def test_goal_guardrail_added_is_tightened() -> None:
    def add(doc: dict[str, Any]) -> None:
        spec(doc)["guardrails"] = [{"metric": "aht", "max": 12}]

    assert one(diff_after("Goal", "csat_to_85", add), "guardrail").severity == "tightened"


@pytest.mark.parametrize(
    ("status", "severity"), [("retired", "softened"), ("paused", "softened"), ("draft", "info")]
)
def test_goal_status(status: str, severity: str) -> None:
    assert (
        one(
            diff_after("Goal", "csat_to_85", lambda d: spec(d).update(status=status)), "status"
        ).severity
        == severity
    )


def test_goal_removed_while_active_is_softened() -> None:
    change = one(compare(build(fixture_docs()), build(without("Goal", "csat_to_85"))), "removed")
    assert (change.kind, change.doc_id, change.severity, change.side) == (
        "Goal",
        "csat_to_85",
        "softened",
        "base",
    )


def test_goal_removed_while_draft_is_info() -> None:
    draft = edited("Goal", "csat_to_85", lambda d: spec(d).update(status="draft"))
    gone = [(f, d) for f, d in draft if d["metadata"]["id"] != "csat_to_85"]
    assert one(compare(build(draft), build(gone)), "removed").severity == "info"


def test_goal_metric_swap_breaks_comparability() -> None:
    assert (
        one(
            diff_after("Goal", "csat_to_85", lambda d: spec(d).update(metric="fcr")), "metric"
        ).severity
        == "breaking"
    )


def test_goal_target_removed_is_softened() -> None:
    assert (
        one(diff_after("Goal", "csat_to_85", lambda d: spec(d).pop("target")), "target").severity
        == "softened"
    )


def test_goal_milestone_later_and_lower_is_softened() -> None:
    def milestones(value: float, by: str):  # type: ignore[no-untyped-def]
        return lambda d: spec(d).update(milestones=[{"value": value, "by": by}])

    before = build(edited("Goal", "csat_to_85", milestones(80, "2026-09-30")))
    after = build(edited("Goal", "csat_to_85", milestones(79, "2026-10-31")))
    changes = [c for c in compare(before, after) if c.category == "milestone"]
    assert sorted(c.severity for c in changes) == ["softened", "softened"]


# --- Metric -------------------------------------------------------------------------------------


def test_metric_parameter_change_breaks_comparability() -> None:
    change = one(
        diff_after("Metric", "csat", lambda d: spec(d)["calculation"].update(satisfied_from=3)),
        "calculation",
    )
    assert change.severity == "breaking"
    assert (
        "actuals of `csat` before and after this change are computed differently" in change.summary
    )
    assert "satisfied_from: 4 → 3" in change.summary
    assert "answers 3–5" in change.summary


def test_metric_calculation_type_change_breaks_comparability() -> None:
    change = one(
        diff_after("Metric", "fcr", lambda d: spec(d).update(calculation={"type": "manual"})),
        "calculation",
    )
    assert change.severity == "breaking" and "fcr → manual" in change.summary


@pytest.mark.parametrize(
    ("field", "value"),
    [("unit", "ratio"), ("better", "lower")],
)
def test_metric_unit_and_direction_break_comparability(field: str, value: str) -> None:
    changes = diff_after("Metric", "fcr", lambda d: spec(d).update({field: value}))
    assert [c.severity for c in changes] == ["breaking"]


def test_metric_reworded_definition_is_info() -> None:
    change = one(
        diff_after("Metric", "csat", lambda d: spec(d).update(definition="Happy answers.")),
        "definition",
    )
    assert change.severity == "info"


def test_metric_default_scope_change_breaks_comparability() -> None:
    change = one(
        diff_after(
            "Metric", "frt_email", lambda d: spec(d).update(scope={"channel": ["email", "social"]})
        ),
        "scope",
    )
    assert change.severity == "breaking"


# --- SLAContract --------------------------------------------------------------------------------


def objective(doc: dict[str, Any], objective_id: str) -> dict[str, Any]:
    return next(o for o in spec(doc)["objectives"] if o["id"] == objective_id)


@pytest.mark.parametrize(("target", "severity"), [(85, "softened"), (95, "tightened")])
def test_contract_target_is_direction_aware(target: float, severity: str) -> None:
    changes = diff_after(
        "SLAContract",
        "acme_support",
        lambda d: objective(d, "email_first_response").update(target=target),
    )
    assert one(changes, "target").severity == severity


def test_contract_internal_target_lowered_is_softened() -> None:
    changes = diff_after(
        "SLAContract",
        "acme_support",
        lambda d: objective(d, "email_first_response").update(internal_target=92),
    )
    assert one(changes, "internal_target").severity == "softened"


def test_contract_objective_removed_is_softened() -> None:
    def drop(doc: dict[str, Any]) -> None:
        spec(doc)["objectives"] = [o for o in spec(doc)["objectives"] if o["id"] != "csat"]
        spec(doc)["credits"]["rules"] = [
            r for r in spec(doc)["credits"]["rules"] if r["type"] != "bands"
        ]

    changes = diff_after("SLAContract", "acme_support", drop)
    assert one(changes, "objective").severity == "softened"
    assert one(changes, "credits").severity == "softened"  # the band rule went with it


@pytest.mark.parametrize(("percent", "severity"), [(2, "softened"), (10, "tightened")])
def test_contract_credit_percentage(percent: float, severity: str) -> None:
    changes = diff_after(
        "SLAContract",
        "acme_support",
        lambda d: spec(d)["credits"]["rules"][0].update(percent=percent),
    )
    change = one(changes, "credits")
    assert change.severity == severity and change.path == ("spec", "credits", "rules", 0, "percent")


def test_contract_band_edge_lowered_is_softened_and_percent_raised_tightened() -> None:
    def edit(doc: dict[str, Any]) -> None:
        bands = spec(doc)["credits"]["rules"][1]["bands"]
        bands[0]["below"] = 75  # fewer results fall into the first band
        bands[1]["percent"] = 15  # but the second band pays more

    changes = diff_after("SLAContract", "acme_support", edit)
    assert sorted(c.severity for c in changes) == ["softened", "tightened"]


@pytest.mark.parametrize(
    ("cap", "severity"),
    [({"percent_of_fee": 10}, "softened"), ({"amount": 5000}, "tightened"), (None, "tightened")],
)
def test_contract_cap(cap: dict[str, Any] | None, severity: str) -> None:
    def edit(doc: dict[str, Any]) -> None:
        if cap is None:
            spec(doc)["credits"].pop("cap")
        else:
            spec(doc)["credits"]["cap"] = cap

    assert one(diff_after("SLAContract", "acme_support", edit), "cap").severity == severity


def test_contract_earn_back_added_is_softened() -> None:
    change = one(
        diff_after(
            "SLAContract",
            "acme_support",
            lambda d: spec(d)["credits"].update(earn_back={"periods": 2}),
        ),
        "earn_back",
    )
    assert change.severity == "softened"


def test_contract_unmeasured_not_counted_is_softened() -> None:
    change = one(
        diff_after(
            "SLAContract",
            "acme_support",
            lambda d: spec(d)["credits"].update(unmeasured="not_counted"),
        ),
        "unmeasured",
    )
    assert change.severity == "softened"


def test_contract_exclusion_added_is_softened() -> None:
    exclusion = {"from": "2026-10-01", "to": "2026-10-03", "reason": "Vendor outage"}
    change = one(
        diff_after("SLAContract", "acme_support", lambda d: spec(d).update(exclusions=[exclusion])),
        "exclusion",
    )
    assert change.severity == "softened"


def test_contract_removed_is_softened() -> None:
    assert (
        one(
            compare(build(fixture_docs()), build(without("SLAContract", "acme_support"))), "removed"
        ).severity
        == "softened"
    )


# --- Playbook -----------------------------------------------------------------------------------


def steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return spec(doc)["steps"]  # type: ignore[no-any-return]


def test_playbook_step_removed_is_softened_and_added_tightened() -> None:
    assert (
        one(diff_after("Playbook", "recovery", lambda d: steps(d).pop(1)), "steps").severity
        == "softened"
    )
    added = diff_after(
        "Playbook",
        "recovery",
        lambda d: steps(d).append({"instruction": "Follow up a week later."}),
    )
    assert one(added, "steps").severity == "tightened"


def test_playbook_steps_reordered_is_info() -> None:
    change = one(diff_after("Playbook", "recovery", lambda d: steps(d).reverse()), "steps")
    assert change.severity == "info" and change.summary == "steps reordered"


@pytest.mark.parametrize(
    ("limit", "severity"), [("2 days", "softened"), ("4 hours", "tightened"), (None, "softened")]
)
def test_playbook_time_limit(limit: str | None, severity: str) -> None:
    def edit(doc: dict[str, Any]) -> None:
        if limit is None:
            steps(doc)[2].pop("time_limit")
        else:
            steps(doc)[2]["time_limit"] = limit

    assert one(diff_after("Playbook", "recovery", edit), "time_limit").severity == severity


def test_playbook_time_limit_same_duration_in_other_words_is_info() -> None:
    change = one(
        diff_after("Playbook", "recovery", lambda d: steps(d)[2].update(time_limit="24 hours")),
        "time_limit",
    )
    assert change.severity == "info" and "same duration" in change.summary


def test_playbook_template_changed_is_info() -> None:
    change = one(
        diff_after("Playbook", "recovery", lambda d: spec(d)["templates"][0].update(body="Sorry.")),
        "templates",
    )
    assert change.severity == "info" and "body" in change.summary


# --- Roadmap ------------------------------------------------------------------------------------


def item(doc: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for p in spec(doc)["phases"] for i in p["items"] if i["id"] == item_id)


@pytest.mark.parametrize(
    ("item_id", "edit", "severity"),
    [
        ("automation", {"due_day": 200}, "softened"),
        ("automation", {"due_day": 120}, "tightened"),
        ("knowledge_base", {"due": "2026-10-15"}, "softened"),
    ],
)
def test_roadmap_item_moved(item_id: str, edit: dict[str, Any], severity: str) -> None:
    change = one(
        diff_after("Roadmap", "roadmap", lambda d: item(d, item_id).update(edit)), "item_due"
    )
    assert change.severity == severity


def test_roadmap_item_moved_from_a_date_to_the_same_day_number_is_no_change() -> None:
    # 2026-09-15 is day 76 after the 2026-07-01 start.
    def edit(doc: dict[str, Any]) -> None:
        entry = item(doc, "knowledge_base")
        entry.pop("due")
        entry["due_day"] = 76

    assert [
        c.category for c in diff_after("Roadmap", "roadmap", edit) if c.category == "item_due"
    ] == []


def test_roadmap_item_dropped_and_unlinked() -> None:
    def drop(doc: dict[str, Any]) -> None:
        spec(doc)["phases"][1]["items"] = []

    assert one(diff_after("Roadmap", "roadmap", drop), "item").severity == "softened"
    unlinked = diff_after(
        "Roadmap", "roadmap", lambda d: item(d, "automation").update(goals=["aht_down"])
    )
    change = one(unlinked, "item_goals")
    assert change.severity == "softened" and "csat_to_85" in change.summary


def test_roadmap_done_item_dropped_is_info() -> None:
    def drop(doc: dict[str, Any]) -> None:
        spec(doc)["phases"][0]["items"] = [
            i for i in spec(doc)["phases"][0]["items"] if i["id"] != "dashboards"
        ]

    assert one(diff_after("Roadmap", "roadmap", drop), "item").severity == "info"


# --- Program settings, generic changes, ordering ------------------------------------------------


def test_program_tolerance_loosened_and_timezone_changed() -> None:
    def edit(doc: dict[str, Any]) -> None:
        spec(doc)["status"]["on_track_within"] = 10
        spec(doc)["timezone"] = "UTC"

    changes = diff_after("Program", "diff_fixture", edit)
    assert one(changes, "tolerance").severity == "softened"
    assert one(changes, "timezone").severity == "breaking"


def test_unclassified_fields_are_still_reported_as_info() -> None:
    changes = diff_after(
        "Goal",
        "csat_to_85",
        lambda d: (
            d["metadata"].update(owner="new@example.com"),
            spec(d).update(relevance="Because."),
        ),
    )
    assert {(c.category, c.severity) for c in changes} == {("owner", "info"), ("relevance", "info")}
    assert one(changes, "owner").after == "new@example.com"


def test_added_document_is_info() -> None:
    docs = fixture_docs()
    extra = dict(next(d for _, d in docs if d["metadata"].get("id") == "fcr"))
    extra = {**extra, "metadata": {"id": "fcr_7d", "title": "FCR with a 7-day window"}}
    change = one(compare(build(docs), build([*docs, ("goals/more.yaml", extra)])), "added")
    assert (change.kind, change.doc_id, change.severity) == ("Metric", "fcr_7d", "info")


def test_moved_document_is_matched_by_kind_and_id() -> None:
    docs = fixture_docs()
    moved = [
        ("goals/outcomes/csat.yaml" if d["metadata"]["id"] == "csat_to_85" else f, d)
        for f, d in docs
    ]
    changes = compare(build(docs), build(moved))
    assert [(c.category, c.before, c.after) for c in changes] == [
        ("moved", "goals/goals.yaml", "goals/outcomes/csat.yaml")
    ]


def test_changes_are_sorted_most_serious_first() -> None:
    def edit(doc: dict[str, Any]) -> None:
        spec(doc)["definition"] = "Reworded."
        spec(doc)["calculation"]["satisfied_from"] = 3

    changes = diff_after("Metric", "csat", edit)
    assert [RANK[c.severity] for c in changes] == sorted(
        (RANK[c.severity] for c in changes), reverse=True
    )
    assert changes[0].severity == "breaking"


def test_roadmap_phase_and_item_wording_are_info() -> None:
    def edit(doc: dict[str, Any]) -> None:
        spec(doc)["phases"][0]["title"] = "Days 0–90: measure"
        item(doc, "automation")["title"] = "Automate status checks and password resets"

    changes = diff_after("Roadmap", "roadmap", edit)
    assert {(c.category, c.severity) for c in changes} == {
        ("phase", "info"),
        ("item_title", "info"),
    }
