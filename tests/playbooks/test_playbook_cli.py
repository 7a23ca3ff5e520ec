from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

EXAMPLE_VARS = [
    "--var",
    "customer_name=Ms Weber",
    "--var",
    "case_id=NW-482913",
    "--var",
    "issue_summary=the route import",
    "--var",
    "remedy=we re-ran it.",
    "--var",
    "follow_up_date=Friday",
    "--var",
    "agent_name=Priya Nair",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the example program with only its service-recovery playbook, plus a small one."""
    (tmp_path / "playbooks").mkdir()
    shutil.copy(REPO / "playbooks" / "service-recovery.yaml", tmp_path / "playbooks")
    for name in ("program.yaml", "goals", "roadmap"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    (tmp_path / "playbooks" / "outage.yaml").write_text(
        """apiVersion: cxgov/v1
kind: Playbook
metadata: {id: outage_notice, title: Outage notice}
spec:
  situation: Many customers cannot log in.
  channels: [sms]
  steps: [{instruction: Post the status banner.}]
  variables: [{name: eta, description: When it will work again.}]
  templates:
    - {id: notice, channel: sms, locale: en, body: "We are on it. Back by {{ eta }}."}
""",
        encoding="utf-8",
    )
    return tmp_path


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_list_text_and_search(root: Path) -> None:
    result = invoke("playbook", "list", str(root))
    assert result.exit_code == 0, result.output
    assert "service_recovery  Service recovery after a complaint" in result.stdout
    assert "apology_remedy (en, de)" in result.stdout
    assert "outage_notice  Outage notice" in result.stdout
    searched = invoke("playbook", "list", str(root), "--search", "complaint apolog")
    assert "service_recovery" in searched.stdout and "outage_notice" not in searched.stdout
    none = invoke("playbook", "list", str(root), "--search", "zebra")
    assert none.exit_code == 0 and "No playbook matches." in none.stdout


def test_list_json_with_filters(root: Path) -> None:
    result = invoke("playbook", "list", str(root), "--channel", "sms", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["playbooks"]] == ["outage_notice"]
    assert data["playbooks"][0]["templates"][0] == {
        "id": "notice",
        "channel": "sms",
        "locales": ["en"],
    }
    protecting = json.loads(
        invoke("playbook", "list", str(root), "--protects", "csat", "--format", "json").stdout
    )
    assert [p["id"] for p in protecting["playbooks"]] == ["service_recovery"]
    assert set(protecting["playbooks"][0]) == {
        "id",
        "title",
        "situation",
        "tags",
        "channels",
        "protects",
        "templates",
        "matched",
    }


def test_render_text_german(root: Path) -> None:
    result = invoke(
        "playbook",
        "render",
        "service_recovery",
        "apology_remedy",
        "--root",
        str(root),
        "--locale",
        "de",
        *EXAMPLE_VARS,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Ihr Fall NW-482913: unsere Entschuldigung")
    assert "Guten Tag Ms Weber," in result.stdout
    assert "Rendered in de (requested)." in result.stderr


def test_render_json_falls_back_to_default_locale(root: Path) -> None:
    result = invoke(
        "playbook",
        "render",
        "service_recovery",
        "follow_up",
        "--root",
        str(root),
        "--locale",
        "fr",
        "--format",
        "json",
        *EXAMPLE_VARS,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["locale_used"], data["requested_locale"], data["fell_back"]) == ("en", "fr", True)
    assert data["subject"] == "Checking in on your case NW-482913"
    assert data["body"].startswith("Dear Ms Weber,")
    assert set(data) == {
        "playbook",
        "template",
        "channel",
        "requested_locale",
        "locale_used",
        "fell_back",
        "note",
        "subject",
        "body",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "notice"], "no playbook 'nope'; playbooks: outage_notice, service_recovery"),
        (["outage_notice", "nope"], "has no template 'nope'; its templates: notice"),
        (["outage_notice", "notice"], "missing required variable: eta"),
        (["outage_notice", "notice", "--var", "eat=5pm"], "unknown variable eat"),
    ],
)
def test_render_errors_exit_1_with_message(root: Path, args: list[str], message: str) -> None:
    result = invoke("playbook", "render", *args, "--root", str(root))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_program_with_an_unsafe_template_is_refused(root: Path) -> None:
    path = root / "playbooks" / "outage.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{{ eta }}", "{{ eta.__class__.__mro__ }}"),
        encoding="utf-8",
    )
    result = invoke(
        "playbook", "render", "outage_notice", "notice", "--root", str(root), "--var", "eta=5pm"
    )
    assert result.exit_code == 1
    assert "attribute access (`x.name`) is not allowed" in result.stderr
    assert "outage.yaml" in result.stderr


@pytest.mark.parametrize("bad", ["eta", "=5pm", "eta=1 --var eta=2"])
def test_bad_var_syntax_is_a_usage_error(root: Path, bad: str) -> None:
    extra: list[str] = []
    for part in bad.split(" --var "):
        extra += ["--var", part]
    result = invoke("playbook", "render", "outage_notice", "notice", "--root", str(root), *extra)
    assert result.exit_code == 2
    assert "--var" in result.stderr


def test_value_may_contain_equals_and_be_empty(root: Path) -> None:
    result = invoke(
        "playbook", "render", "outage_notice", "notice", "--root", str(root), "--var", "eta=a=b"
    )
    assert result.exit_code == 0 and result.stdout == "We are on it. Back by a=b.\n"


def test_list_offers_the_closest_when_nothing_matches(root: Path) -> None:
    result = invoke("playbook", "list", str(root), "--search", "zebra")
    assert result.stdout.splitlines()[0] == "No playbook matches."
    assert result.stdout.splitlines()[1].startswith("Closest: ")
    assert "service_recovery  Service recovery after a complaint" in result.stdout


def test_link_for_zendesk_fills_the_ticket_fields(root: Path) -> None:
    result = invoke(
        "playbook", "link", "service_recovery", "--helpdesk", "zendesk", "--root", str(root)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "https://cx.northwind.example/playbooks?playbook=service_recovery"
        "&customer_name={{ticket.requester.name}}&case_id={{ticket.id}}"
        "&agent_name={{current_user.name}}\n"
    )
    assert (
        "Filled from the ticket: Customer's name (requester_name), Case number (ticket_id), "
        in (result.stderr)
    )
    assert "macro" in result.stderr


def test_link_json_for_freshdesk_with_template_and_locale(root: Path) -> None:
    result = invoke(
        "playbook", "link", "service_recovery", "--helpdesk", "freshdesk", "--template",
        "follow_up", "--locale", "de", "--base-url", "https://cx.example.com/", "--root",
        str(root), "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["url"] == (
        "https://cx.example.com/playbooks?playbook=service_recovery&template=follow_up&locale=de"
        "&customer_name={{ticket.requester.name}}&case_id={{ticket.id}}"
        "&agent_name={{ticket.agent.name}}"
    )
    assert data["fills"] == {
        "customer_name": "requester_name",
        "case_id": "ticket_id",
        "agent_name": "agent_name",
    }
    assert data["unfilled"] == [] and data["helpdesk"] == "freshdesk"


def test_link_names_what_a_help_desk_cannot_fill(root: Path) -> None:
    path = root / "playbooks" / "service-recovery.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "from_ticket: agent_name", "from_ticket: agent_first_name"
        ),
        encoding="utf-8",
    )
    result = invoke(
        "playbook", "link", "service_recovery", "--helpdesk", "freshdesk", "--root", str(root)
    )
    assert result.exit_code == 0, result.output
    assert "agent_name=" not in result.stdout
    assert "Freshdesk has no placeholder for: Your name; the agent types it." in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["no_such", "--helpdesk", "zendesk"], 1, "no playbook 'no_such'"),
        (
            ["service_recovery", "--helpdesk", "kayako"],
            2,
            "unknown help desk 'kayako'; choose one of: zendesk, freshdesk, generic",
        ),
        (
            ["service_recovery", "--template", "nope"],
            1,
            "has no template 'nope'; its templates: apology_remedy, follow_up",
        ),
    ],
)
def test_link_errors(root: Path, args: list[str], code: int, message: str) -> None:
    result = invoke("playbook", "link", *args, "--root", str(root))
    assert result.exit_code == code
    assert message in result.output
