"""The agents' Playbooks page: search as you type, filters, checklist, the variable form, live preview,
locales, deep links, and three interactions from the landing page to a filled service-recovery e-mail."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.load import load_program
from app.playbooks.render import render_template
from app.playbooks.search import search_playbooks
from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
from app.ui.playbook_view import message_text, parse_link, protecting_links_markdown, used_variables
from app.ui.roles import Viewer
from ui.pagekit import AS_OF, PAGES, REPO, PageFactory

AGENT = Viewer(role="agent", email="sam@support.example.com", name="Sam Ortiz")
ALL = [
    "broken_promise",
    "critical_incident_escalation",
    "detractor_follow_up",
    "out_of_hours_contact",
    "service_recovery",
]
CUSTOMER = {
    "customer_name": "Ms Weber",
    "case_id": "NW-482913",
    "issue_summary": "the route import on 18 November",
    "remedy": "we re-ran the import and corrected the 214 affected routes.",
    "follow_up_date": "Friday, 27 November",
    "agent_name": "Sam Ortiz",
}


def listed(at: AppTest) -> list[str]:
    """The playbooks the page lists, in its order (the radio shows titles)."""
    by_title = {pb.metadata.title: pb.id for pb in example_program().playbooks.values()}
    return [by_title[title] for title in at.radio(key="playbooks.chosen").options]


def fill(at: AppTest, values: dict[str, str]) -> AppTest:
    for name, value in values.items():
        at.text_input(key=f"playbooks.var.{name}").input(value)
    return at.run()


def example_program():  # type: ignore[no-untyped-def]
    return load_program(REPO, today=AS_OF).program


def test_the_page_lists_every_playbook_and_opens_the_first(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Playbooks"]
    assert sorted(listed(at)) == ALL
    assert at.radio(key="playbooks.chosen").value == listed(at)[0]


def test_search_narrows_the_list_and_opens_the_top_hit(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    assert listed(at) == ["service_recovery", "broken_promise"]
    assert at.radio(key="playbooks.chosen").value == "service_recovery"
    assert [s.value for s in at.subheader] == ["Service recovery after a complaint"]

    at.text_input(key="playbooks.search").input("outage").run()
    assert listed(at) == ["critical_incident_escalation"]
    assert at.radio(key="playbooks.chosen").value == "critical_incident_escalation"

    at.text_input(key="playbooks.search").input("no such thing anywhere").run()
    assert not at.exception
    assert "No playbook matches" in at.info[0].value
    assert not at.subheader


def test_a_chosen_hit_stays_chosen_while_the_agent_types_in_the_form(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    at.radio(key="playbooks.chosen").set_value("broken_promise").run()
    fill(at, {"customer_name": "Mr Okafor"})
    assert at.radio(key="playbooks.chosen").value == "broken_promise"
    assert "Dear Mr Okafor," in at.text[-1].value


def test_the_channel_filter(program_root: Path, open_page: PageFactory) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.selectbox(key="playbooks.channel").select("chat").run()
    program = example_program()
    expected = [h.playbook.id for h in search_playbooks(program, "", channel="chat")]
    assert listed(at) == expected
    assert "detractor_follow_up" not in listed(at) and len(listed(at)) == len(ALL) - 1


def test_the_protects_filter_by_objective_and_by_metric(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    protects = at.selectbox(key="playbooks.protects")
    assert protects.options[0] == "Any goal or SLA"
    assert "Metric: First response time, e-mail" in protects.options or any(
        o.startswith("Metric: ") for o in protects.options
    )
    protects.set_value("brightwater_support/critical_resolved").run()
    assert listed(at) == ["critical_incident_escalation"]
    at.selectbox(key="playbooks.protects").set_value("frt_email").run()
    assert listed(at) == ["out_of_hours_contact"]
    at.text_input(key="playbooks.search").input("apolog").run()
    assert "No playbook matches" in at.info[0].value


def test_steps_are_a_checklist_with_time_limits_and_escalation(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("outage").run()
    steps = [
        c for c in at.checkbox if c.key.startswith("playbooks.critical_incident_escalation.step.")
    ]
    assert len(steps) == 7
    assert steps[0].label.startswith("1 · Triage")
    captions = [c.value for c in at.caption]
    assert any(
        "Within 15 minutes." in c and "Escalation: Not triaged within 15 minutes" in c
        for c in captions
    )
    assert "0 of 7 steps done." in captions
    steps[0].check().run()
    assert "1 of 7 steps done." in [c.value for c in at.caption]


def test_the_form_has_one_field_per_variable_the_template_uses(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    fields = {
        w.key.removeprefix("playbooks.var."): w
        for w in at.text_input
        if w.key.startswith("playbooks.var.")
    }
    program = example_program()
    playbook = program.playbooks["service_recovery"]
    used = used_variables(playbook, playbook.spec.templates[0])
    assert list(fields) == [v.name for v in used]
    assert set(fields) == set(CUSTOMER) | {"goodwill"}
    assert fields["customer_name"].label.endswith(" *")
    assert fields["customer_name"].placeholder == "Ms Weber"
    assert not fields["goodwill"].label.endswith("*")

    at.selectbox(key="playbooks.service_recovery.template").select("follow_up").run()
    follow_up = {
        w.key.removeprefix("playbooks.var.")
        for w in at.text_input
        if w.key.startswith("playbooks.var.")
    }
    assert follow_up == {"customer_name", "case_id", "issue_summary", "agent_name"}


def test_the_preview_names_what_is_missing_and_fills_in_as_the_agent_types(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    fill(at, {k: v for k, v in CUSTOMER.items() if k != "customer_name"})
    assert [w.value for w in at.warning] == [
        "Still missing (required): customer_name. The preview shows [name] in their place."
    ]
    preview = at.text[-1].value
    assert "Dear [customer_name]," in preview and "NW-482913" in preview and "Sam Ortiz" in preview
    assert not at.code and not at.get("download_button")

    fill(at, {"customer_name": "Ms Weber"})
    assert not at.warning
    subject, body = (c.value for c in at.code)
    expected = render_template(
        example_program().playbooks["service_recovery"],
        "apology_remedy",
        CUSTOMER,
        locale="en",
        default_locale="en",
    )
    assert (subject, body) == (
        expected.subject,
        expected.body.rstrip("\n"),
    )  # st.code drops the final newline
    assert subject == "Your case NW-482913: our apology and how we are putting it right"
    assert body.startswith("Dear Ms Weber,") and "the route import on 18 November" in body
    assert "[" not in body and "offer you" not in body  # the optional goodwill sentence is left out
    assert [d.label for d in at.get("download_button")] == ["Download as text"]

    fill(at, {"goodwill": "one month free"})
    assert "we would like to offer you one month free." in at.code[1].value


def test_customer_text_is_shown_as_text_never_as_markup(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    payload = "<img src=x onerror=alert(1)> **{{ 7*7 }}**"
    fill(at, CUSTOMER | {"customer_name": payload})
    assert not at.exception
    assert f"Dear {payload}," in at.code[1].value
    assert all(not m.proto.allow_html for m in at.markdown)
    assert not any(payload in m.value for m in at.markdown)


def test_switching_to_german_renders_the_german_e_mail(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    assert at.selectbox(key="playbooks.locale").value == "en"
    fill(at, CUSTOMER)
    at.selectbox(key="playbooks.locale").select("de").run()
    subject, body = (c.value for c in at.code)
    assert subject == "Ihr Fall NW-482913: unsere Entschuldigung und wie wir es wiedergutmachen"
    assert body.startswith("Guten Tag Ms Weber,")
    assert any(c.value.startswith("Rendered in de (requested).") for c in at.caption)
    assert not at.warning


def test_a_locale_without_a_version_falls_back_and_says_so(
    program_root: Path, open_page: PageFactory
) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("callback").run()
    assert at.radio(key="playbooks.chosen").value == "broken_promise"
    at.selectbox(key="playbooks.locale").select("de").run()
    assert next(w.value for w in at.warning) == (
        "No de version of 'broken_promise_email'; rendered in the program's default locale, en."
    )
    assert at.text[-1].value.startswith("Subject: Case [case_id]: we did not keep our word")


def run_linked(root: Path, query: dict[str, str], viewer: Viewer | None = AGENT) -> AppTest:
    at = AppTest.from_file(str(PAGES / "playbooks.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = AS_OF
    if viewer is not None:
        at.session_state[VIEWER_KEY] = viewer
    at.query_params.update(query)
    return at.run()


def test_a_deep_link_opens_a_playbook_template_and_locale(program_root: Path) -> None:
    at = run_linked(
        program_root,
        {
            "playbook": "service_recovery",
            "template": "follow_up",
            "locale": "de",
            "customer_name": "Frau Weber",
            "unknown": "ignored",
        },
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="playbooks.chosen").value == "service_recovery"
    assert at.selectbox(key="playbooks.service_recovery.template").value == "follow_up"
    assert at.selectbox(key="playbooks.locale").value == "de"
    assert at.text_input(key="playbooks.var.customer_name").value == "Frau Weber"
    preview = at.text[-1].value
    assert preview.startswith("Subject: Kurze Rückfrage zu Ihrem Fall [case_id]")
    assert "Guten Tag Frau Weber," in preview

    fill(at, {"case_id": "NW-1", "issue_summary": "dem Import", "agent_name": "Sam"})
    assert at.radio(key="playbooks.chosen").value == "service_recovery"
    assert at.code[0].value == "Kurze Rückfrage zu Ihrem Fall NW-1"


def test_a_deep_link_to_an_unknown_playbook_falls_back_to_the_list(program_root: Path) -> None:
    at = run_linked(program_root, {"playbook": "no_such_playbook", "template": "x"})
    assert not at.exception and not at.error
    assert sorted(listed(at)) == ALL


def test_parse_link_keeps_only_declared_variables() -> None:
    program = example_program()
    link = parse_link(
        {"playbook": "service_recovery", "case_id": ["NW-9"], "__class__": "x", "q": " "}, program
    )
    assert link.playbook == "service_recovery" and dict(link.values) == {"case_id": "NW-9"}
    assert link.search is None
    assert parse_link({"playbook": "nope", "case_id": "NW-9"}, program).values == {}


def test_three_interactions_from_the_agents_landing_page_to_a_filled_e_mail(
    program_root: Path,
) -> None:
    """1: type "apolog" (the top hit and its apology e-mail open), 2: fill the form, 3: copy (st.code)."""
    at = AppTest.from_file(str(REPO / "app" / "ui" / "main.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(program_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.session_state[VIEWER_KEY] = AGENT
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Playbooks"]  # the agent's landing page

    at.text_input(key="playbooks.search").input("apolog").run()  # interaction 1
    assert at.selectbox(key="playbooks.service_recovery.template").value == "apology_remedy"
    fill(at, CUSTOMER)  # interaction 2: the form
    assert not at.exception and not at.warning
    subject, body = (c.value for c in at.code)  # interaction 3: the copy button of each box
    assert subject == "Your case NW-482913: our apology and how we are putting it right"
    assert body.startswith("Dear Ms Weber,") and body.rstrip().endswith(
        "Sam Ortiz\nNorthwind Cloud Support"
    )


@pytest.mark.parametrize("page", ["overview", "slas"])
def test_the_agent_reaches_playbooks_but_not_the_money_pages(
    page: str, program_root: Path, open_page: PageFactory
) -> None:
    assert not open_page("playbooks", program_root, viewer=AGENT).error
    refused = open_page(page, program_root, viewer=AGENT)
    assert [e.value for e in refused.error] == ["This page is not available to the agent role."]


def test_protecting_links_point_to_the_playbooks_page() -> None:
    program = example_program()
    line = protecting_links_markdown(program, objective="brightwater_support/critical_resolved")
    assert line == (
        "Playbooks that protect it: "
        "[Critical incident escalation](playbooks?playbook=critical_incident_escalation)"
    )
    csat = protecting_links_markdown(program, metric="csat") or ""
    for playbook_id in (
        "service_recovery",
        "broken_promise",
        "detractor_follow_up",
        "out_of_hours_contact",
    ):
        assert f"(playbooks?playbook={playbook_id})" in csat
    assert protecting_links_markdown(program, metric="no_such_metric") is None


def test_message_text_puts_the_subject_above_the_body() -> None:
    assert message_text("Hello", "Body") == "Subject: Hello\n\nBody"
    assert message_text(None, "Body") == "Body"


def record(database_url: str, metric: str, scope_key: str, values: dict[str, float]) -> None:
    from app.store.actuals import append_revision
    from app.store.db import get_engine, session_scope

    with session_scope(get_engine(database_url)) as session:
        for period, value in values.items():
            append_revision(
                session,
                metric=metric,
                scope_key=scope_key,
                period=period,
                value=value,
                source="manual",
                author="fixture",
            )


def test_an_off_track_goal_links_to_the_playbooks_that_protect_its_metric(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    record(
        database_url,
        "csat",
        "channel=chat,email,phone",
        {"2026-06": 78.0, "2026-07": 77.0, "2026-08": 76.5, "2026-09": 76.0, "2026-10": 75.0},
    )
    at = open_page("goals", program_root)
    at.selectbox(key="goals.chosen").set_value("csat_to_85").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Off track" in m.value or "off track" in m.value.lower() for m in at.markdown)
    links = [m.value for m in at.markdown if m.value.startswith("Playbooks that protect it:")]
    assert links == [protecting_links_markdown(example_program(), metric="csat")]
    assert "(playbooks?playbook=service_recovery)" in links[0]


def test_an_on_track_goal_has_no_playbook_links(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    record(database_url, "csat", "channel=chat,email,phone", {"2026-06": 78.0, "2026-10": 84.0})
    at = open_page("goals", program_root)
    at.selectbox(key="goals.chosen").set_value("csat_to_85").run()
    assert not at.exception
    assert not [m.value for m in at.markdown if m.value.startswith("Playbooks that protect")]


def test_a_missed_sla_objective_links_to_the_playbooks_that_protect_it(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    record(
        database_url,
        "frt_email",
        "channel=email;segment=brightwater",
        {"2026-08": 95.0, "2026-09": 70.0},
    )
    at = open_page("slas", program_root)
    for chooser in [
        s for s in at.selectbox if s.key == "slas.contract"
    ]:  # when the page shows one contract
        chooser.set_value("brightwater_support").run()
    assert not at.exception, [e.value for e in at.exception]
    links = [m.value for m in at.markdown if m.value.startswith("Playbooks that protect")]
    assert len(links) == 1
    assert "(playbooks?playbook=out_of_hours_contact)" in links[0]
    assert "(playbooks?playbook=service_recovery)" not in links[0]


def test_a_render_that_fails_is_a_clear_message_not_a_traceback(
    program_root: Path, open_page: PageFactory
) -> None:
    from app.playbooks.sandbox import MAX_OUTPUT_CHARS

    at = open_page("playbooks", program_root, viewer=AGENT)
    at.text_input(key="playbooks.search").input("apolog").run()
    fill(at, CUSTOMER | {"remedy": "x" * (MAX_OUTPUT_CHARS + 1)})
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("This template cannot be filled in: ")
    assert f"longer than {MAX_OUTPUT_CHARS:,} characters" in error
    assert not at.code and not at.get("download_button")
