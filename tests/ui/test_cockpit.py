"""The committee's cockpit on the demo, through the app's own entry script (AppTest): the Overview
names what `cxgov status` and `cxgov credits` report as needing attention, the draft review's
decisions, links each line to its page, and "View as" shows each role exactly its pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from app.cli import app as cli
from app.evaluate.money import fmt_money
from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEW_AS_KEY
from app.ui.navigation import pages_for
from app.ui.roles import Viewer
from ui.pagekit import AS_OF, REPO, copy_program, main_text, page_links

ENTRY = REPO / "app" / "ui" / "main.py"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example program with `cxgov demo --as-of 2026-11-23` in its own SQLite store: the
    review of September closed, October's a draft."""
    from app.store.db import ENV_VAR

    root = copy_program(tmp_path_factory.mktemp("cockpit") / "program")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ENV_VAR, raising=False)
        result = runner.invoke(cli, ["demo", str(root), "--as-of", AS_OF.isoformat()])
        assert result.exit_code == 0, result.output
        yield root


@pytest.fixture(autouse=True)
def own_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store.db import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)


def cli_json(*args: str) -> Any:
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def open_app(
    root: Path, *, page: str | None = "overview", role: str | None = None, as_of: date = AS_OF
) -> AppTest:
    """The app as `cxgov app` runs it (the entry script and its navigation), on `page`."""
    at = AppTest.from_file(str(ENTRY), default_timeout=90)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = as_of
    if role is not None:
        at.session_state[VIEW_AS_KEY] = role
    at.run()
    if page is not None:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_overview_names_every_goal_that_cxgov_status_says_needs_attention(
    demo_root: Path,
) -> None:
    status = cli_json("status", str(demo_root), "--as-of", AS_OF.isoformat())
    wanted = [g for g in status["goals"] if g["status"] in ("off_track", "at_risk", "missed")]
    assert wanted, "the demo plants goals that need attention"
    at = open_app(demo_root)
    attention = main_text(at).split("Decisions for this month")[0]
    for goal in wanted:
        assert goal["title"] in attention, goal["title"]
        assert (goal["owner"] or "") in attention
    linked = {link.query_string for link in page_links(at) if link.page == "goals"}
    assert linked == {f"goal={goal['goal_id']}" for goal in wanted}  # those, and no other


def test_the_overview_names_every_contract_with_its_owed_and_at_risk_amounts(
    demo_root: Path,
) -> None:
    from app.service.attention import needs_attention
    from app.service.program import program_state

    credits = cli_json("credits", str(demo_root), "--as-of", AS_OF.isoformat())
    state = program_state(demo_root, as_of=AS_OF)
    lines = needs_attention(state.engine, state.program, state.evaluation).credits
    text = main_text(open_app(demo_root))
    owing = [
        c
        for c in credits["contracts"]
        if Decimal(c["owed"]) or Decimal(c["provisional"]) or Decimal(c["at_risk"])
    ]
    assert owing, "the demo owes the planted chat credit"
    for contract in owing:
        assert contract["title"] in text
        mine = [line for line in lines if line.contract_id == contract["contract_id"]]
        sums = {
            state: sum((x.amount for x in mine if x.state == state), Decimal(0))
            for state in ("owed", "provisional", "at risk")
        }
        assert sums == {
            "owed": Decimal(contract["owed"]),
            "provisional": Decimal(contract["provisional"]),
            "at risk": Decimal(contract["at_risk"]),
        }
        for line in mine:
            assert f"{fmt_money(line.amount, contract['currency'])}" in text
            assert line.rule in text  # the rule that fired, in one sentence
    assert "Chats answered within 30 seconds missed in Jul 2026 and Aug 2026" in text


def test_the_overview_names_every_overdue_or_blocked_roadmap_item(demo_root: Path) -> None:
    status = cli_json("status", str(demo_root), "--as-of", AS_OF.isoformat())
    slipping = status["roadmap"]["slipping"]
    assert {i["status"] for i in slipping} == {"overdue", "blocked"}
    titles = {g["goal_id"]: g["title"] for g in status["goals"]}
    text = main_text(open_app(demo_root)).split("Decisions for this month")[0]
    for item in slipping:
        assert item["title"] in text and item["owner"] in text
        for goal_id in item["goals"]:
            assert titles[goal_id] in text  # the goals it serves, by title
    assert "overdue · 59 days late".lower() in text.lower()  # due 2026-09-25, as of 2026-11-23


def test_the_overview_lists_what_the_draft_review_asks_to_decide(demo_root: Path) -> None:
    draft = cli_json("review", "show", "--period", "2026-10", "--root", str(demo_root))
    assert draft["review"]["status"] == "draft"
    text = main_text(open_app(demo_root))
    decisions = text.split("Decisions for this month")[1].split("Stale data")[0]
    assert "draft monthly review of 2026-10" in decisions
    unsettled = [a["goal"]["title"] for a in draft["pack"]["attention"]]
    unsettled += [m["title"] for m in draft["pack"]["sla_misses"]]
    assert unsettled
    for title in unsettled:
        assert f"{title}" in decisions and "no root cause yet" in decisions
    overdue = [
        a
        for a in draft["record"]["action_items"]
        if a["status"] == "open" and date.fromisoformat(a["due"]) < AS_OF
    ]
    assert overdue, "the closed review's first actions fall due before the draft's meeting"
    for action in overdue:
        assert action["description"] in decisions
    done = [a for a in draft["record"]["action_items"] if a["status"] == "done"]
    for action in done:
        assert action["description"] not in decisions


def test_goal_lines_carry_the_closed_reviews_root_cause_or_say_there_is_none(
    demo_root: Path,
) -> None:
    closed = cli_json("review", "show", "--period", "2026-09", "--root", str(demo_root))
    assert closed["frozen"] is True
    causes = {f["key"]: f["root_cause"] for f in closed["record"]["findings"]}
    text = main_text(open_app(demo_root))
    for item in closed["pack"]["attention"]:
        assert causes[item["key"]] in text
    assert "Corrective actions" in text


def test_every_line_links_to_its_page_on_its_subject(demo_root: Path) -> None:
    links = page_links(open_app(demo_root))
    targets = {(link.page, link.query_string) for link in links}
    assert ("goals", "goal=chat_answered_60s") in targets
    assert ("slas", "contract=brightwater_support") in targets
    assert ("roadmap", "item=tiered_escalation") in targets
    assert ("reviews", "") in targets


def test_a_link_opens_the_goals_page_on_its_goal(demo_root: Path) -> None:
    at = AppTest.from_file(str(ENTRY), default_timeout=90)
    at.session_state[ROOT_KEY] = str(demo_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.run()
    at.query_params["goal"] = "kb_deflection_to_23"
    at.switch_page("views/goals.py").run()
    assert at.selectbox(key="goals.chosen").value == "kb_deflection_to_23"


def test_the_goals_page_opens_on_the_goal_that_most_needs_attention(demo_root: Path) -> None:
    at = open_app(demo_root, page="goals")
    chosen = at.selectbox(key="goals.chosen").value
    assert chosen == "chat_answered_60s"  # off track, before the goal at risk
    text = main_text(at)
    assert "points behind the plan of" in text


@pytest.mark.parametrize("role", ["committee", "manager", "agent"])
def test_view_as_shows_each_role_its_pages_and_nothing_more(demo_root: Path, role: str) -> None:
    at = open_app(demo_root, page=None, role=role)
    expected = [p.url_path for pages in pages_for(Viewer(role=role)).values() for p in pages]  # type: ignore[arg-type]
    assert [link.page for link in page_links(at, sidebar=True)] == expected
    [radio] = at.sidebar.radio
    assert radio.label == "View as" and radio.value == role
    for page in ("overview", "goals", "actuals", "reviews", "playbooks"):
        if page in expected:
            at.switch_page(f"views/{page}.py").run()
            refused = [e.value for e in at.error if "not available to the" in e.value]
            assert not at.exception and not refused, (role, page, refused)
        else:  # not in this role's navigation: there is no such page to go to
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"views/{page}.py")


def test_the_switch_changes_role_through_the_sidebar(demo_root: Path) -> None:
    at = open_app(demo_root)
    at.sidebar.radio[0].set_value("agent").run()
    assert [link.page for link in page_links(at, sidebar=True)] == ["playbooks"]
    assert [t.value for t in at.title] == ["Playbooks"]  # the agent lands on the agent's page


def test_no_view_as_switch_when_login_is_configured(demo_root: Path) -> None:
    at = AppTest.from_file(str(ENTRY), default_timeout=90)
    at.session_state[ROOT_KEY] = str(demo_root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback"}
    at.run()
    assert not at.exception
    assert not at.sidebar.radio
    assert any(b.label == "Sign in" for b in at.button)


def test_each_attention_goal_shows_its_owners_latest_check_in_and_a_contradiction(
    tmp_path: Path,
) -> None:
    """An owner who says "on track" while the numbers say otherwise is shown as such."""
    from app.service.checkins import record_checkin
    from app.service.database import open_store
    from app.service.program import program_state

    root = copy_program(tmp_path / "program")
    assert runner.invoke(cli, ["demo", str(root), "--as-of", AS_OF.isoformat()]).exit_code == 0
    state = program_state(root, as_of=AS_OF)
    goal = next(g for g in state.evaluation.goals if g.status in ("off_track", "at_risk"))
    record_checkin(
        open_store(root),
        state.program,
        goal_id=goal.goal_id,
        confidence="on_track",
        comment="Two new hires start Monday; we catch up by the next review.",
        author="owner@example.com",
    )
    text = main_text(open_app(root)).split("Decisions for this month")[0]
    section = text.split(goal.title, 1)[1]
    assert "Owner's check-in" in section and "owner@example.com" in section
    assert "Two new hires start Monday" in section
    assert (
        f"contradicts the numbers: the owner says on track, the numbers say {goal.status.replace('_', ' ')}".capitalize()
        in section
    )
