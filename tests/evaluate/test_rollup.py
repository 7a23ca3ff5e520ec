from datetime import date

from evaluate_builders import deliverable, goal, metric, program

from app.evaluate import ActualsIndex, evaluate_goals, goal_rollup


def test_counts_and_transitions_worse_first() -> None:
    score = metric("score")
    line = {"metric_id": "score", "baseline": (0.0, "2026-06"), "target": (100.0, "2027-04-30")}
    prog = program(
        metrics=[score, metric("other")],
        goals=[
            goal("falls", pillar="process", **line),
            goal("recovers", pillar="people", **{**line, "metric_id": "other"}),
            deliverable("slips", due="2026-10-10", pillar="platform"),
            deliverable("done", due="2026-12-01", completed_on="2026-09-01", pillar="people"),
        ],
    )
    values = {
        # falls: on track in September (plan 30), off track in October (plan 40)
        ("score", "", "2026-09"): 30.0,
        ("score", "", "2026-10"): 20.0,
        # recovers: at risk in September, on track in October
        ("other", "", "2026-09"): 20.0,
        ("other", "", "2026-10"): 40.0,
    }
    evaluations = evaluate_goals(prog, ActualsIndex.from_values(values), as_of=date(2026, 11, 5))
    statuses = {e.goal_id: (e.previous_status, e.status) for e in evaluations}
    assert statuses == {
        "falls": ("on_track", "off_track"),
        "recovers": ("at_risk", "on_track"),
        "slips": ("overdue", "overdue"),
        "done": ("done", "done"),
    }
    rollup = goal_rollup(evaluations)
    assert rollup.total == 4
    assert rollup.overall == {"overdue": 1, "off_track": 1, "on_track": 1, "done": 1}
    assert rollup.by_pillar == {
        "people": {"on_track": 1, "done": 1},
        "platform": {"overdue": 1},
        "process": {"off_track": 1},
    }
    assert [(t.goal_id, t.worse) for t in rollup.transitions] == [
        ("falls", True),
        ("recovers", False),
    ]
    assert rollup.worse == 1
    assert rollup.to_dict()["transitions"][0] == {
        "goal_id": "falls",
        "title": "falls",
        "pillar": "process",
        "previous": "on_track",
        "current": "off_track",
        "worse": True,
    }


def test_bigger_falls_come_first() -> None:
    score = metric("score")
    line = {"metric_id": "score", "baseline": (0.0, "2026-06"), "target": (100.0, "2027-04-30")}
    prog = program(
        metrics=[score, metric("b")],
        goals=[
            goal("a_small_fall", **line),
            goal("b_big_fall", **{**line, "metric_id": "b"}),
        ],
    )
    values = {
        ("score", "", "2026-09"): 30.0,
        ("score", "", "2026-10"): 30.0,  # on_track → at_risk
        ("b", "", "2026-09"): 30.0,
    }  # on_track → no_data
    rollup = goal_rollup(
        evaluate_goals(prog, ActualsIndex.from_values(values), as_of=date(2026, 11, 5))
    )
    assert [(t.goal_id, t.previous, t.current) for t in rollup.transitions] == [
        ("b_big_fall", "on_track", "no_data"),
        ("a_small_fall", "on_track", "at_risk"),
    ]
