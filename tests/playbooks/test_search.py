from __future__ import annotations

import pytest
from conftest import make_playbook, template

from app.playbooks.search import playbooks_protecting, search_playbooks
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
        ("apolog", ["recovery"]),  # prefix while typing, tag and step
        ("goodwill", ["billing", "recovery"]),  # step text of billing, tag of recovery
        ("commander", ["outage"]),  # step text only
        ("log in", ["outage"]),  # both words in the situation
        ("invoice outage", []),  # all words must match in the same playbook
        ("nothing-like-this", []),
        ("plaint", []),  # a word must start with the search word
    ],
)
def test_text_search(text: str, expected: list[str]) -> None:
    assert ids(search_playbooks(program(), text)) == expected


def test_title_hits_rank_first() -> None:
    hits = search_playbooks(program(), "recovery")
    assert ids(hits) == [
        "recovery",
        "outage",
    ]  # "recovery" is in recovery's title, only in outage's situation
    assert hits[0].matched[0] == "title" and hits[0].title_words == 1
    assert hits[1].matched == ("situation",)


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
