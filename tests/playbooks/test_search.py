from __future__ import annotations

import pytest
from conftest import make_playbook, template

from app.playbooks.search import closest_playbooks, playbooks_protecting, search_playbooks
from app.spec.program import Program, ProgramSettings
from app.spec.sla import SLAContract


def program() -> Program:
    settings = ProgramSettings.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Program",
            "metadata": {"id": "p", "title": "P"},
            "spec": {"name": "P", "start_date": "2026-07-01", "timezone": "UTC", "currency": "USD"},
        }
    )
    contract = SLAContract.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "SLAContract",
            "metadata": {"id": "acme", "title": "Acme"},
            "spec": {
                "counterparty": "Acme",
                "currency": "USD",
                "monthly_fee": 1000,
                "effective": {"from": "2026-01-01"},
                "measurement": {"timezone": "UTC"},
                "objectives": [
                    {"id": "csat", "metric": "csat", "target": 85},
                    {"id": "first_response", "metric": "first_response_time", "target": 60},
                ],
            },
        }
    )
    playbooks = [
        make_playbook(
            [template("Hi {{ customer_name }}")],
            id="recovery",
            title="Service recovery after a complaint",
            situation="A customer complains that we got something wrong.",
            tags=["apology", "Goodwill"],
            channels=["phone", "email"],
            protects={"metrics": ["csat", "nps"]},
            steps=["Listen to the whole story.", "Apologise sincerely."],
        ),
        make_playbook(
            [template("Hi {{ customer_name }}", channel="chat")],
            id="outage",
            title="Major incident: outage",
            situation="Many customers cannot log in; a recovery is under way.",
            tags=["incident"],
            channels=["phone"],
            protects={"objectives": ["acme/first_response"]},
            steps=["Post the status page banner.", "Escalate to the incident commander."],
        ),
        make_playbook(
            [template("Hi {{ customer_name }}")],
            id="billing",
            title="Billing dispute",
            situation="A customer disputes an invoice.",
            tags=["refund"],
            channels=["email"],
            steps=["Check the invoice; offer a goodwill credit when we erred."],
        ),
    ]
    return Program(
        settings=settings, contracts={"acme": contract}, playbooks={pb.id: pb for pb in playbooks}
    )


def ids(hits) -> list[str]:
    return [hit.playbook.id for hit in hits]


def test_empty_search_lists_everything_by_title() -> None:
    assert ids(search_playbooks(program())) == ["billing", "outage", "recovery"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("COMPLAINT", ["recovery"]),  # title, case-insensitive
        ("apolog", ["recovery"]),  # the start of a word while typing: tag and step
        ("commander", ["outage"]),  # step text only
        ("log in", ["outage"]),  # "in" is ignored, "log" is in the situation
        ("invoice outage", ["outage", "billing"]),  # any word may match; the title counts most
        ("nothing-like-this", []),
        ("laint", []),  # a word is matched from its start, not in the middle
        ("complaints", ["recovery"]),  # the same stem
        ("complained", ["recovery"]),  # a synonym of the built-in vocabulary
        ("complant", ["recovery"]),  # a typo
        ("sorry", ["recovery"]),  # a synonym: "apology"
        ("the of and", ["billing", "outage", "recovery"]),  # nothing to search for: everything
        ("o", ["billing", "outage", "recovery"]),  # one letter is not a search yet
    ],
)
def test_text_search(text: str, expected: list[str]) -> None:
    assert ids(search_playbooks(program(), text)) == expected


def test_goodwill_ranks_the_tag_above_the_step() -> None:
    hits = search_playbooks(program(), "goodwill")
    assert ids(hits) == ["recovery", "billing"]
    assert hits[0].matched == ("tags",) and hits[1].matched == ("steps",)
    assert hits[0].score == pytest.approx(2 * hits[1].score)  # tags weigh 2, steps 1


def test_title_hits_rank_first() -> None:
    hits = search_playbooks(program(), "recovery")
    assert ids(hits) == ["recovery", "outage"]  # in recovery's title, only in outage's situation
    assert hits[0].matched[0] == "title"
    assert hits[1].matched == ("situation",)
    assert hits[0].score / hits[1].score == pytest.approx(4 / 3)  # title 4, situation 3


def test_a_rare_word_counts_more_than_a_common_one() -> None:
    hits = search_playbooks(program(), "customer incident")
    # "customer" is in all three situations, "incident" only in one playbook: the others score
    # under a third of it and are left out
    assert ids(hits) == ["outage"]
    assert [m.typed for m in hits[0].matches] == ["incident", "customer"]


def test_a_weak_hit_is_left_out_of_the_list() -> None:
    # "recovery" in outage's situation scores 3 of recovery's 4 + 1.5 (its tag "apology")
    hits = search_playbooks(program(), "recovery apology")
    assert ids(hits) == ["recovery", "outage"]
    strong = search_playbooks(program(), "recovery apology sincerely goodwill")
    assert ids(strong) == ["recovery"]  # outage scores under KEEP_SHARE of the best


def test_matches_say_what_was_typed_and_what_it_found() -> None:
    [hit] = search_playbooks(program(), "complant")
    assert [(m.typed, m.found, m.fields) for m in hit.matches] == [
        ("complant", "complaint", ("title", "situation"))
    ]


def test_closest_playbooks_when_nothing_matches() -> None:
    assert search_playbooks(program(), "xqzv") == []
    closest = closest_playbooks(program(), "biling dispoot")
    assert closest[0].id == "billing"
    assert len(closest_playbooks(program(), "xqzv", limit=2)) == 2
    assert [pb.id for pb in closest_playbooks(program(), "xqzv", channel="chat")] == ["outage"]


def test_filter_by_channel_includes_template_channels() -> None:
    assert ids(search_playbooks(program(), channel="chat")) == ["outage"]
    assert ids(search_playbooks(program(), channel="email")) == ["billing", "recovery"]
    assert ids(search_playbooks(program(), "recovery", channel="phone")) == ["recovery", "outage"]


def test_filter_by_protected_metric_or_objective() -> None:
    assert ids(search_playbooks(program(), protects="nps")) == ["recovery"]
    assert ids(search_playbooks(program(), protects="acme/first_response")) == ["outage"]
    assert ids(search_playbooks(program(), protects="acme/csat")) == [
        "recovery"
    ]  # via the objective's metric
    assert ids(search_playbooks(program(), protects="refund_rate")) == []


def test_playbooks_protecting_for_committee_links() -> None:
    prog = program()
    assert [pb.id for pb in playbooks_protecting(prog, metric="csat")] == ["recovery"]
    assert [pb.id for pb in playbooks_protecting(prog, objective="acme/first_response")] == [
        "outage"
    ]
    assert [pb.id for pb in playbooks_protecting(prog, objective="acme/csat")] == ["recovery"]
    assert playbooks_protecting(prog, objective="nobody/csat") == []
    assert playbooks_protecting(prog) == []
