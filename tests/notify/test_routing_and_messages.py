"""The pure halves of notify: which events exist, who hears each, and how a digest reads."""

from __future__ import annotations

import string
from dataclasses import replace
from pathlib import Path

import pytest

from app.evaluate import evaluate_program
from app.evaluate.checkins import checkin_states
from app.notify.events import current_events
from app.notify.messages import PHRASES, STATUS, digest, language
from app.notify.recipients import hears, program_people, recipients, route
from app.service.program import valid_program
from app.spec.notifications import Channel, Notifications, Person
from app.spec.program import Program
from notify.scenario import AS_OF, scenario_index

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def example() -> Program:
    return valid_program(REPO)


def _events(program: Program):  # type: ignore[no-untyped-def]
    evaluation = evaluate_program(program, scenario_index(program), as_of=AS_OF)
    states = checkin_states(program, evaluation.goals, {}, AS_OF)
    return current_events(program, evaluation, stale=evaluation.stale_series, checkins=states)


def test_one_event_of_each_kind_with_keys_that_name_what_happened(example: Program) -> None:
    keys = [e.key for e in _events(example)]
    assert keys[:6] == [
        "goal_worse:csat_to_85:off_track:2026-10",
        "sla_at_risk:brightwater_support/chat_first_response:2026-11",
        "sla_at_risk:brightwater_support/email_first_response:one_miss_away:2026-10",
        "credit_owed:brightwater_support:2026-10",
        "roadmap_overdue:cx_roadmap_2026/tiered_escalation:2026-09-25",
        "stale_series:agent_turnover [all contacts]:2026-08",
    ]
    assert all(k.startswith("checkin_missing:") and k.endswith(":2026-07-15") for k in keys[6:])
    assert keys == [e.key for e in _events(example)]  # the same state, the same keys


def test_the_next_day_brings_no_new_key_for_the_same_facts(example: Program) -> None:
    evaluation = evaluate_program(example, scenario_index(example), as_of=AS_OF.replace(day=24))
    later = current_events(example, evaluation, stale=evaluation.stale_series, checkins=())
    assert {e.key for e in later} <= {e.key for e in _events(example)}


def test_people_are_owners_and_listed_addresses_never_a_domain(example: Program) -> None:
    people = program_people(example)
    assert "dana.whitfield@example.com" in people and "tom.reyes@example.com" in people
    assert not any(p.startswith("@") for p in people)


def test_who_hears_what_by_ownership_role_and_filters(example: Program) -> None:
    events = {e.kind: e for e in _events(example)}
    settings = example.spec.notifications
    assert settings is not None
    found = {(r.channel, r.address): r for r in recipients(example, settings)}
    raj = found[("email", "raj.iyer@example.com")]  # CFO, committee, owns no goal
    tom = found[("email", "tom.reyes@example.com")]  # manager
    agents = found[("agents-floor", "#agents-floor")]
    assert hears(raj, events["credit_owed"]) and hears(raj, events["goal_worse"])
    assert not hears(raj, events["stale_series"]) and not hears(raj, events["checkin_missing"])
    assert hears(tom, events["stale_series"]) and hears(tom, events["sla_at_risk"])
    assert not agents.money
    assert hears(agents, events["sla_at_risk"]) and not hears(agents, events["credit_owed"])
    assert not hears(agents, events["goal_worse"])  # the room's `events: [sla_at_risk]`
    stranger = replace(raj, address="nobody@example.com", role=None, money=False)
    owned = replace(events["credit_owed"], owners=("nobody@example.com",))
    assert not hears(stranger, owned)  # an owner without the money capability: no credit
    assert hears(stranger, replace(events["goal_worse"], owners=("nobody@example.com",)))


def test_a_persons_own_filter_and_locale(example: Program) -> None:
    settings = Notifications(
        channels=[Channel(id="email", type="email", url_env="MAIL")],
        people=[Person(address="Raj.Iyer@example.com", locale="de", events=["credit_owed"])],
    )
    routed = {r.address: events for r, events in route(example, settings, _events(example))}
    assert [e.kind for e in routed["raj.iyer@example.com"]] == ["credit_owed"]
    raj = next(r for r in recipients(example, settings) if r.address == "raj.iyer@example.com")
    assert raj.locale == "de"


def test_every_locale_has_every_phrase_with_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english = PHRASES["en"]
    for lang, phrases in PHRASES.items():
        assert set(phrases) == set(english), lang
        assert {k: fields(v) for k, v in phrases.items()} == {
            k: fields(v) for k, v in english.items()
        }
        assert set(STATUS[lang]) == set(STATUS["en"])


def test_a_locale_falls_back_to_its_language_then_english() -> None:
    assert language("de") == "de" and language("de-AT") == "de" and language("fr") == "en"


def test_a_digest_reads_as_the_program_speaks_with_links(example: Program) -> None:
    settings = example.spec.notifications
    assert settings is not None
    routed = route(example, settings, _events(example))
    recipient, events = next((r, e) for r, e in routed if r.address == "lena.vogt@example.com")
    mail = digest(
        recipient, events, program="Northwind", app_url="https://cx.example.com/", as_of=AS_OF
    )
    lines = mail.body.splitlines()
    assert mail.subject == "Northwind: 7 new alerts and reminders, Nov 23, 2026"
    assert lines[0] == "Goals that got worse"
    assert "  https://cx.example.com/goals?goal=csat_to_85" in lines
    assert (
        "• Brightwater Logistik GmbH: a service credit of $2,000.00 is owed for October 2026 "
        "(Brightwater Logistik — enterprise support agreement)." in lines
    )
    assert (
        "• Cut monthly customer churn from 1.30 % to 1.10 % by June 2027: your check-in was due on Jul 15, 2026."
        in lines
    )
    assert lines[-1].endswith("You receive this as a manager.")
    assert max(len(line) for line in lines) < 260  # short lines, one fact each
