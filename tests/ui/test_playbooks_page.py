"""The agents' Playbooks page: forgiving search as you type, filters, steps in full as a checklist that
survives reruns, the labelled form, the preview that is exactly what the one copy button copies,
locales, help-desk links, and three interactions from the landing page to a filled e-mail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from app.load import load_program
from app.playbooks.render import render_template
from app.playbooks.search import search_playbooks
from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
from app.ui.playbook_view import (
    message_text,
    parse_link,
    protecting_links_markdown,
    steps_note,
    used_variables,
)
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


def search(at: AppTest, text: str) -> AppTest:
    at.text_input(key="playbooks.search").input(text)
    return at.run()


def copy_button(at: AppTest, key: str) -> dict[str, Any]:
    """What a copy button would put on the clipboard (`text`) and whether it can be pressed."""
    [found] = [c for c in at.get("component_instance") if c.proto.id.endswith(f"-{key}")]
    return json.loads(found.proto.json_args)


def preview(at: AppTest) -> str:
    return at.text[-1].value


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
    assert at.radio(key="playbooks.chosen").label == "5 playbooks"


def test_missed_callback_finds_the_broken_promise_and_says_why(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "missed callback")
    assert listed(at) == ["broken_promise"]
    assert at.radio(key="playbooks.chosen").label == "1 playbook for “missed callback”"
    [caption] = at.radio(key="playbooks.chosen").proto.captions
    assert caption == "Matches “missed callback” → callback (situation, tags)"
    assert [h.value for h in at.header] == ["We broke a promise to a customer"]


def test_the_search_box_narrows_as_the_agent_types(program_root: Path) -> None:
    at = AppTest.from_file(str(PAGES / "playbooks.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(program_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.session_state[VIEWER_KEY] = AGENT
    at.run()
    box = at.text_input(key="playbooks.search")
    assert box.proto.type == box.proto.SEARCH
    assert box.proto.live_debounce_ms == 200  # commits after a pause in typing, not only on Enter


def test_search_narrows_the_list_and_opens_the_top_hit(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    assert listed(at) == ["service_recovery", "broken_promise"]
    assert at.radio(key="playbooks.chosen").value == "service_recovery"
    assert [h.value for h in at.header] == ["Service recovery after a complaint"]

    search(at, "outage")
    assert listed(at)[0] == "critical_incident_escalation"
    assert at.radio(key="playbooks.chosen").value == "critical_incident_escalation"


def test_no_match_offers_the_closest_and_the_full_list(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "xqzvw")
    assert not at.exception
    assert at.info[0].value == "No playbook matches “xqzvw”. These are the closest."
    assert at.radio(key="playbooks.chosen").label == "Closest playbooks"
    assert len(listed(at)) == 3 and at.header  # the first of them is open
    at.button(key="playbooks.show_all").click().run()
    assert at.text_input(key="playbooks.search").value == ""
    assert sorted(listed(at)) == ALL and not at.info


def test_a_chosen_hit_stays_chosen_while_the_agent_types_in_the_form(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    at.radio(key="playbooks.chosen").set_value("broken_promise").run()
    fill(at, {"customer_name": "Mr Okafor"})
    assert at.radio(key="playbooks.chosen").value == "broken_promise"
    assert "Dear Mr Okafor," in preview(at)


def test_the_channel_filter(program_root: Path, open_page: PageFactory) -> None:
    at = open_page("playbooks", program_root, viewer=AGENT)
    assert at.selectbox(key="playbooks.channel").options[0] == "All channels"
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
    assert any(o.startswith("Metric: ") for o in protects.options)
    protects.set_value("brightwater_support/critical_resolved").run()
    assert listed(at) == ["critical_incident_escalation"]
    at.selectbox(key="playbooks.protects").set_value("frt_email").run()
    assert listed(at) == ["out_of_hours_contact"]
    search(at, "apolog")
    assert (
        at.info[0].value
        == "No playbook matches “apolog” with these filters. These are the closest."
    )
    assert listed(at) == ["out_of_hours_contact"]


def test_steps_are_shown_in_full_with_time_limits_and_escalation(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "outage")
    steps = [
        c for c in at.checkbox if c.key.startswith("playbooks.critical_incident_escalation.step.")
    ]
    playbook = example_program().playbooks["critical_incident_escalation"]
    assert len(steps) == len(playbook.spec.steps) == 7
    for number, (box, step) in enumerate(zip(steps, playbook.spec.steps), start=1):
        words = " ".join(step.instruction.split())
        assert box.label.startswith(f"**{number}.** ")
        assert box.label.replace("\\", "").endswith(words)  # the whole instruction, nothing cut
        assert box.proto.wrap  # the label wraps onto more lines instead of ending in "…"
    captions = [c.value for c in at.caption]
    assert (
        ":material/timer: **Within 15 minutes.**  \n:material/campaign: Escalation: Not "
        "triaged within 15 minutes: page the escalation manager on shift through the on-call "
        "tool."
    ) in captions
    assert "**0 of 7 steps done.**" in [m.value for m in at.markdown]


def test_the_checklist_survives_reruns_and_goes_into_the_ticket_note(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "outage")
    at.checkbox(key="playbooks.critical_incident_escalation.step.1").check().run()
    at.checkbox(key="playbooks.critical_incident_escalation.step.3").check().run()
    assert "**2 of 7 steps done.**" in [m.value for m in at.markdown]
    search(at, "apolog")  # another playbook, then back: the ticks are still there
    search(at, "outage")
    assert at.checkbox(key="playbooks.critical_incident_escalation.step.1").value
    assert at.checkbox(key="playbooks.critical_incident_escalation.step.3").value
    note = copy_button(at, "playbooks.copy_steps")
    playbook = example_program().playbooks["critical_incident_escalation"]
    assert note["text"] == steps_note(playbook, {1, 3})
    assert note["before_copy_label"] == "Copy steps for the ticket note"
    lines = note["text"].splitlines()
    assert lines[0] == "Critical incident escalation: 2 of 7 steps done"
    assert lines[1].startswith("[x] 1. Triage: confirm the impact")
    assert lines[2] == "      Within 15 minutes."
    assert lines[4].startswith("[ ] 2. Tell the customer right away")


def test_the_form_has_one_labelled_field_per_variable_the_template_uses(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
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
    assert fields["customer_name"].label == "Customer's name *"
    assert fields["case_id"].label == "Case number *"
    assert fields["customer_name"].placeholder == "e.g. Ms Weber"
    assert fields["case_id"].help == "The help-desk case number."
    assert fields["goodwill"].label == "Goodwill offered"

    template = at.selectbox(key="playbooks.service_recovery.template")
    assert template.options == ["Apology and remedy e-mail", "Follow-up e-mail"]
    template.set_value("follow_up").run()
    follow_up = {
        w.key.removeprefix("playbooks.var.")
        for w in at.text_input
        if w.key.startswith("playbooks.var.")
    }
    assert follow_up == {"customer_name", "case_id", "issue_summary", "agent_name"}


def test_the_preview_names_what_is_missing_by_label_and_copy_waits_for_it(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    fill(at, {k: v for k, v in CUSTOMER.items() if k != "customer_name"})
    assert [w.value for w in at.warning] == ["Still needed before you copy: Customer's name."]
    assert "Dear [Customer's name]," in preview(at) and "NW-482913" in preview(at)
    assert copy_button(at, "playbooks.copy_message")["disabled"] is True

    fill(at, {"customer_name": "Ms Weber"})
    assert not at.warning
    expected = render_template(
        example_program().playbooks["service_recovery"],
        "apology_remedy",
        CUSTOMER,
        locale="en",
        default_locale="en",
    )
    whole = message_text("email", expected.subject, expected.body)
    assert preview(at) == whole
    button = copy_button(at, "playbooks.copy_message")
    assert button["text"] == whole  # one copy: exactly what the preview shows
    assert button["disabled"] is False and button["before_copy_label"] == "Copy message"
    assert whole.startswith(
        "Subject: Your case NW-482913: our apology and how we are putting it right\n\nDear Ms Weber,"
    )
    assert "[" not in whole and "offer you" not in whole  # the optional goodwill is left out
    assert len(at.get("component_instance")) == 2  # the steps note and the message, nothing else

    fill(at, {"goodwill": "one month free"})
    assert "we would like to offer you one month free." in preview(at)


def test_a_chat_message_is_the_body_alone(program_root: Path, open_page: PageFactory) -> None:
    path = program_root / "playbooks" / "broken-promise.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("channel: email", "channel: chat"), encoding="utf-8")
    at = search(open_page("playbooks", program_root, viewer=AGENT), "callback")
    fill(at, {"customer_name": "Mr Okafor"})
    assert preview(at).startswith("Dear Mr Okafor,")  # no subject line in a chat
    assert copy_button(at, "playbooks.copy_message")["text"] == preview(at)
    assert any(m.value.startswith("**Chat to send**") for m in at.markdown)


def test_customer_text_is_shown_as_text_never_as_markup(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    payload = "<img src=x onerror=alert(1)> **{{ 7*7 }}**"
    fill(at, CUSTOMER | {"customer_name": payload})
    assert not at.exception
    assert f"Dear {payload}," in preview(at)
    assert all(not m.proto.allow_html for m in at.markdown)
    assert not any(payload in m.value for m in at.markdown)


def test_switching_to_german_renders_the_german_e_mail(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    assert at.selectbox(key="playbooks.locale").value == "en"
    fill(at, CUSTOMER)
    at.selectbox(key="playbooks.locale").select("de").run()
    assert preview(at).startswith(
        "Subject: Ihr Fall NW-482913: unsere Entschuldigung und wie wir es wiedergutmachen\n\n"
        "Guten Tag Ms Weber,"
    )
    assert not at.warning


def test_a_locale_without_a_version_falls_back_and_says_so_by_title(
    program_root: Path, open_page: PageFactory
) -> None:
    at = search(open_page("playbooks", program_root, viewer=AGENT), "callback")
    assert at.radio(key="playbooks.chosen").value == "broken_promise"
    at.selectbox(key="playbooks.locale").select("de").run()
    assert at.warning[0].value == (
        "“Broken-promise e-mail” has no de version yet; showing en, the program's default."
    )
    assert preview(at).startswith("Subject: Case [Case number]: we did not keep our word")


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
    assert at.selectbox(key="playbooks.channel").value == ""  # "All channels", not unset
    assert at.text_input(key="playbooks.var.customer_name").value == "Frau Weber"
    assert preview(at).startswith("Subject: Kurze Rückfrage zu Ihrem Fall [Case number]")
    assert "Guten Tag Frau Weber," in preview(at)
    assert "customer_name" not in at.query_params  # the address bar no longer carries it
    assert at.query_params["playbook"] == "service_recovery"

    fill(at, {"case_id": "NW-1", "issue_summary": "dem Import", "agent_name": "Sam"})
    assert at.radio(key="playbooks.chosen").value == "service_recovery"
    assert preview(at).startswith("Subject: Kurze Rückfrage zu Ihrem Fall NW-1\n")


def test_a_zendesk_link_fills_the_ticket_fields_as_text(program_root: Path) -> None:
    """What Zendesk makes of `cxgov playbook link broken_promise --helpdesk zendesk`."""
    at = run_linked(
        program_root,
        {
            "playbook": "broken_promise",
            "case_id": "48213",
            "customer_name": "Ms Adeyemi {{ 7*7 }} {% if 1 %}x{% endif %}",
            "agent_name": "Sam Ortiz",
        },
    )
    assert not at.exception
    assert at.text_input(key="playbooks.var.case_id").value == "48213"
    assert preview(at).startswith("Subject: Case 48213: we did not keep our word")
    assert "Dear Ms Adeyemi {{ 7*7 }} {% if 1 %}x{% endif %}," in preview(at)  # text, not code
    assert set(at.query_params) == {"playbook", "template", "locale"}


def test_a_deep_link_to_an_unknown_playbook_falls_back_to_the_list(program_root: Path) -> None:
    at = run_linked(program_root, {"playbook": "no_such_playbook", "template": "x"})
    assert not at.exception and not at.error
    assert sorted(listed(at)) == ALL


def test_parse_link_keeps_only_declared_variables_as_bounded_text() -> None:
    program = example_program()
    link = parse_link(
        {"playbook": "service_recovery", "case_id": ["NW-9"], "__class__": "x", "q": " "}, program
    )
    assert link.playbook == "service_recovery" and dict(link.values) == {"case_id": "NW-9"}
    assert link.search is None
    assert parse_link({"playbook": "nope", "case_id": "NW-9"}, program).values == {}
    long = parse_link({"playbook": "service_recovery", "remedy": "x" * 10_000}, program)
    assert len(long.values["remedy"]) == 500


def test_three_interactions_from_the_agents_landing_page_to_a_filled_e_mail(
    program_root: Path,
) -> None:
    """1: type "apolog" (the top hit and its apology e-mail open), 2: fill the form, 3: copy."""
    at = AppTest.from_file(str(REPO / "app" / "ui" / "main.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(program_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.session_state[VIEWER_KEY] = AGENT
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Playbooks"]  # the agent's landing page

    search(at, "apolog")  # interaction 1
    assert at.selectbox(key="playbooks.service_recovery.template").value == "apology_remedy"
    fill(at, CUSTOMER)  # interaction 2: the form
    assert not at.exception and not at.warning
    copied = copy_button(at, "playbooks.copy_message")["text"]  # interaction 3: one copy
    assert copied.startswith(
        "Subject: Your case NW-482913: our apology and how we are putting it right\n\nDear Ms Weber,"
    )
    assert copied.endswith("Sam Ortiz\nNorthwind Cloud Support")


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


def test_message_text_is_in_the_channels_form() -> None:
    assert message_text("email", "Hello", "Body\n") == "Subject: Hello\n\nBody"
    assert message_text("letter", "Hello", "Body") == "Subject: Hello\n\nBody"
    assert message_text("chat", "Hello", "Body") == "Body"  # a chat has no subject line
    assert message_text("email", None, "\nBody\n\n") == "Body"
    assert message_text("email", "  ", "Body") == "Body"


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

    at = search(open_page("playbooks", program_root, viewer=AGENT), "apolog")
    fill(at, CUSTOMER | {"remedy": "x" * (MAX_OUTPUT_CHARS + 1)})
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("“Apology and remedy e-mail” cannot be filled in: ")
    assert f"longer than {MAX_OUTPUT_CHARS:,} characters" in error
    assert not at.get("component_instance")[1:]  # no message to copy
