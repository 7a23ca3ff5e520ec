from datetime import date

from evaluate_builders import program, roadmap

from app.evaluate import evaluate_roadmap
from app.evaluate.roadmap import item_status
from app.spec.roadmap import Item

PHASES = [
    {
        "id": "days_0_30",
        "title": "Foundations",
        "from_day": 0,
        "to_day": 30,
        "items": [
            {
                "id": "baseline",
                "title": "Baseline CSAT/FCR/AHT",
                "due_day": 30,
                "status": "done",
                "completed_on": "2026-07-28",
            },
            {
                "id": "dashboards",
                "title": "Dashboards",
                "due_day": 30,
                "status": "done",
                "completed_on": "2026-08-05",
            },
            {
                "id": "top3",
                "title": "Fix top 3 repeat issues",
                "due": "2026-08-20",
                "status": "in_progress",
                "goals": ["fcr_to_75", "csat_to_85"],
            },
        ],
    },
    {
        "id": "days_31_90",
        "title": "Scale",
        "from_day": 31,
        "to_day": 90,
        "items": [
            {"id": "onboarding", "title": "Onboarding", "due": "2026-09-10", "status": "planned"},
            {
                "id": "kb",
                "title": "Self-service top 10",
                "due": "2026-09-30",
                "status": "blocked",
                "blocked_reason": "CMS licence not signed",
                "goals": ["deflection_25"],
            },
            {
                "id": "tiers",
                "title": "Tiered escalation",
                "due": "2026-10-31",
                "status": "planned",
                "goals": ["fcr_to_75"],
            },
        ],
    },
    {"id": "empty", "title": "Later", "from_day": 181, "to_day": 365, "items": []},
]


def test_item_statuses_phase_completion_and_goals_at_stake() -> None:
    prog = program(roadmaps=[roadmap("main", PHASES)], start_date="2026-07-01")
    result = evaluate_roadmap(prog, as_of=date(2026, 8, 28))
    statuses = {i.item_id: (i.status, i.days) for i in result.items}
    assert statuses == {
        "baseline": ("done", None),  # due day 30 = 31 July, done on the 28th
        "dashboards": ("done", 5),  # done 5 days late
        "top3": ("overdue", 8),
        "onboarding": ("due_soon", 13),
        "kb": ("blocked", None),
        "tiers": ("on_schedule", 64),
    }
    assert [(p.phase_id, p.done, p.items, p.completion_percent) for p in result.phases] == [
        ("days_0_30", 2, 3, 66.7),
        ("days_31_90", 0, 3, 0.0),
        ("empty", 0, 0, None),
    ]
    assert [i.item_id for i in result.slipping] == ["top3", "kb"]
    assert result.goals_at_stake == {
        "csat_to_85": ("top3",),
        "deflection_25": ("kb",),
        "fcr_to_75": ("top3",),
    }


def test_due_soon_window_is_a_parameter() -> None:
    item = Item(id="x", title="x", due=date(2026, 9, 10))
    assert item_status(item, date(2026, 9, 10), date(2026, 8, 20))[0] == "on_schedule"
    assert (
        item_status(item, date(2026, 9, 10), date(2026, 8, 20), due_soon_days=21)[0] == "due_soon"
    )
    assert (
        item_status(item, date(2026, 9, 10), date(2026, 9, 10))[0] == "due_soon"
    )  # due today is not overdue
    assert item_status(item, date(2026, 9, 10), date(2026, 9, 11))[0] == "overdue"
