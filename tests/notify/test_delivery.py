"""`cxgov notify` against real servers on loopback: the e-mail an SMTP server receives, the chat
payload an HTTP server receives, role filtering, dry run, and each event sent once — on a rerun,
after a crash between sending and recording, with two runs at once — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from typer.testing import CliRunner

from app.cli import app
from app.service.database import open_store
from app.service.notify import SEND_AT_ONCE, notify
from app.service.program import valid_program
from app.store.checkin_tables import NotifyDelivery
from app.store.db import session_scope
from notify.conftest import AGENT, AGENTS_HOOK, MANAGERS_HOOK, SmtpServer, environ_for
from notify.scenario import AS_OF

APP = "https://cx.northwind.example"
PEOPLE_WHO_HEAR = {
    "dana.whitfield@example.com",
    "raj.iyer@example.com",
    "helena.brandt@example.com",
    "marcus.ode@example.com",
    "priya.nair@example.com",
    "jonas.keller@example.com",
    "aisha.bello@example.com",
    "tom.reyes@example.com",
    "lena.vogt@example.com",
    AGENT,
}


def run(root: Path, environ: dict[str, str], **options: object):  # type: ignore[no-untyped-def]
    return notify(open_store(root), valid_program(root), as_of=AS_OF, environ=environ, **options)


def deliveries(root: Path) -> dict[str, int]:
    with session_scope(open_store(root)) as session:
        rows = session.execute(
            select(NotifyDelivery.status, func.count()).group_by(NotifyDelivery.status)
        ).all()
    return dict(rows)


def payloads(chat: HTTPServer, path: str) -> list[str]:
    return [request.get_data(as_text=True) for request, _ in chat.log if request.path == path]


def test_each_person_gets_one_e_mail_with_their_items_from_a_real_smtp_server(
    notify_root: Path, smtp: SmtpServer, environ: dict[str, str]
) -> None:
    result = run(notify_root, environ)
    assert not result.failures
    mails = smtp.handler.received
    assert {address for m in mails for address in m.recipients} == PEOPLE_WHO_HEAR
    assert all(len(m.recipients) == 1 and m.to == m.recipients[0] for m in mails)
    assert all(m.sender == "cx-program@northwind.example" for m in mails)

    [marcus] = smtp.handler.to("marcus.ode@example.com")  # owner of CSAT, committee member
    assert marcus.subject.startswith("Northwind Cloud Support — CX program 2026/27: ")
    assert (
        "Raise CSAT from 78 % to 85 % by March 2027: on track → off track (October 2026: "
        "78.0 % against 80.8 % planned; target 85.0 %)." in marcus.body
    )
    assert f"{APP}/goals?goal=csat_to_85" in marcus.body
    assert (
        "Raise CSAT from 78 % to 85 % by March 2027: your check-in was due on Jul 15, 2026."
        in marcus.body
    )
    assert (
        "Brightwater Logistik GmbH — Chats answered within 30 seconds: month to date 72.0 % against 80.0 % in November 2026; if the month closes like this, a credit of $2,000.00 is owed."
        in marcus.body
    )
    assert "a service credit of $2,000.00 is owed for October 2026" in marcus.body
    assert f"{APP}/slas?contract=brightwater_support" in marcus.body
    assert "overdue by 59 days, due Sep 25, 2026" in marcus.body
    assert "You receive this as a member of the steering committee." in marcus.body
    assert "agent_turnover" not in marcus.body  # stale series: its owners and the managers

    [tom] = smtp.handler.to("tom.reyes@example.com")  # manager, owner of agent turnover
    assert (
        "Agent turnover (rolling 12 months): no value since August 2026 (84 days; out of date after 45 days)."
        in tom.body
    )
    assert (
        "E-mails answered within 1 hour: missed in October 2026; one more miss starts a credit of $2,000.00. No month-to-date value for November 2026 yet."
        in tom.body
    )
    assert "the check-in by marcus.ode@example.com" not in tom.body  # reminders go to owners only

    [jonas] = smtp.handler.to("jonas.keller@example.com")  # locale de in program.yaml
    assert "neue Hinweise und Erinnerungen, 23.11.2026" in jonas.subject
    assert "Ziele, die sich verschlechtert haben" in jonas.body
    assert (
        "im Plan → nicht im Plan (Oktober 2026: 78,0 % gegenüber 80,8 % geplant; Ziel 85,0 %)"
        in jonas.body
    )
    assert "2.000,00\u00a0$" in jonas.body


def test_the_chat_rooms_receive_their_webhook_payloads_on_a_real_http_server(
    notify_root: Path, smtp: SmtpServer, chat: HTTPServer, environ: dict[str, str]
) -> None:
    run(notify_root, environ)
    [managers] = payloads(chat, MANAGERS_HOOK)  # Mattermost's incoming-webhook format
    text = json.loads(managers)["text"]
    assert text.startswith(
        "Northwind Cloud Support — CX program 2026/27: 6 new alerts and reminders"
    )
    assert "a service credit of $2,000.00 is owed for October 2026" in text
    assert "You receive this as the managers' chat." in text
    assert "the check-in" not in text  # a room hears no owner's reminders
    [agents] = payloads(chat, AGENTS_HOOK)  # a generic JSON webhook
    message = json.loads(agents)
    assert (
        "Chats answered within 30 seconds: month to date 72.0 % against 80.0 %"
        in message["message"]
    )


def test_an_agent_never_gets_an_amount(
    notify_root: Path, smtp: SmtpServer, chat: HTTPServer, environ: dict[str, str]
) -> None:
    run(notify_root, environ)
    [agent] = smtp.handler.to(AGENT)
    agents_room = json.loads(payloads(chat, AGENTS_HOOK)[0])
    for text in (agent.body, agents_room["title"] + agents_room["message"]):
        assert "SLA objectives at risk of a service credit" in text
        assert "if the month closes like this, a service credit is owed" in text  # no figure
        assert "one more miss starts a service credit." in text
        assert "$" not in text and "2,000" not in text and "2000" not in text
        assert "Service credits owed" not in text
    assert "Check-ins due" not in agents_room["message"]  # the room hears only sla_at_risk


def test_a_rerun_sends_nothing_twice(
    notify_root: Path, smtp: SmtpServer, chat: HTTPServer, environ: dict[str, str]
) -> None:
    first = run(notify_root, environ)
    received = len(smtp.handler.received)
    hooks = len(chat.log)
    second = run(notify_root, environ)
    assert len(first.digests) == received + 2 and received == len(PEOPLE_WHO_HEAR)
    assert second.digests == () and second.already > 0
    assert len(smtp.handler.received) == received and len(chat.log) == hooks
    assert deliveries(notify_root) == {
        "sent": first.already + sum(len(d.event_keys) for d in first.digests)
    }


def test_dry_run_prints_what_would_be_sent_to_whom_and_sends_nothing(
    notify_root: Path,
    smtp: SmtpServer,
    chat: HTTPServer,
    environ: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in environ:
        monkeypatch.delenv(name, raising=False)  # a dry run needs no secrets
    out = CliRunner().invoke(
        app, ["notify", str(notify_root), "--dry-run", "--as-of", AS_OF.isoformat()]
    )
    assert out.exit_code == 0, out.output
    assert (
        "— to marcus.ode@example.com via email (committee, en; amounts shown): would send"
        in out.output
    )
    assert f"— to {AGENT} via email (agent, en; no amounts): would send" in out.output
    assert "— to #agents-floor via agents-floor (agent, en; no amounts): would send" in out.output
    assert (
        "Subject: Northwind Cloud Support — CX program 2026/27: 12 neue Hinweise" not in out.output
    )
    assert "2.000,00\u00a0$" in out.output  # Jonas's digest, in German
    assert smtp.handler.received == [] and chat.log == []
    assert deliveries(notify_root) == {}
    sent = run(notify_root, environ)
    assert len(sent.digests) == out.output.count(": would send")


def test_a_crash_between_sending_and_recording_does_not_send_again(
    notify_root: Path, smtp: SmtpServer, chat: HTTPServer, database_url: str
) -> None:
    """The process is killed (SIGKILL) while the SMTP server holds its first e-mail, before the
    server answers: the message is delivered, the run never records it. No later run sends it
    again — nor the few digests it was handing over at that moment (at most once: they are
    reported as unconfirmed); what it had not touched is sent once its claim has expired."""
    environ = {**os.environ, **environ_for(smtp, chat), "CXGOV_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from app.cli import main; main()",
            "notify",
            str(notify_root),
            "--as-of",
            AS_OF.isoformat(),
        ],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    smtp.handler.on_data = lambda mail: os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    smtp.handler.on_data = None
    delivered = {a for m in smtp.handler.received for a in m.recipients}  # one, or a few in flight
    assert delivered
    assert deliveries(notify_root).get("sending", 0) >= 1

    again = run(notify_root, environ)  # within the dead run's lease: nothing is sent
    assert again.digests == ()
    unconfirmed = {u.recipient for u in again.unconfirmed}  # what it was handing over
    assert delivered <= unconfirmed
    assert len({u.recipient for u in again.unconfirmed}) <= SEND_AT_ONCE
    later = run(notify_root, environ, lease=timedelta(0))  # the lease expired
    sent_later = {d.recipient.address for d in later.digests}
    assert not sent_later & unconfirmed  # never a second time, even where it may not have arrived
    for address in PEOPLE_WHO_HEAR:
        assert len(smtp.handler.to(address)) == (0 if address in unconfirmed - delivered else 1)
    rooms = {"#support-managers": MANAGERS_HOOK, "#agents-floor": AGENTS_HOOK}
    for room, hook in rooms.items():
        assert len(payloads(chat, hook)) <= 1 and (
            room in unconfirmed or len(payloads(chat, hook)) == 1
        )


def test_two_runs_at_once_send_each_message_once(
    notify_root: Path,
    smtp: SmtpServer,
    chat: HTTPServer,
    environ: dict[str, str],
    database_url: str,
) -> None:
    """Two schedulers start together on separate connections; the database lets one claim each
    delivery, so every person gets one e-mail and each room one post."""
    from app.store.db import make_engine

    program = valid_program(notify_root)
    engines = [make_engine(database_url), make_engine(database_url)]
    start = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def scheduler(engine: object) -> None:
        try:
            start.wait()
            results.append(notify(engine, program, as_of=AS_OF, environ=environ))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    for engine in engines:
        engine.dispose()
    assert not errors, errors
    assert all(len(smtp.handler.to(a)) == 1 for a in PEOPLE_WHO_HEAR)
    assert len(smtp.handler.received) == len(PEOPLE_WHO_HEAR)
    assert len(payloads(chat, MANAGERS_HOOK)) == 1 and len(payloads(chat, AGENTS_HOOK)) == 1
    sent = [d.recipient.address for r in results for d in r.digests]  # type: ignore[attr-defined]
    assert sorted(sent) == sorted({*PEOPLE_WHO_HEAR, "#support-managers", "#agents-floor"})


def test_a_refused_message_fails_the_run_and_is_retried_by_the_next(
    notify_root: Path, smtp: SmtpServer, environ: dict[str, str]
) -> None:
    down = HTTPServer(host="127.0.0.1", port=0)
    down.start()
    try:
        down.expect_request(MANAGERS_HOOK).respond_with_data("maintenance", status=503)
        down.expect_request(AGENTS_HOOK).respond_with_data("ok")
        broken = {
            **environ,
            "CXGOV_NOTIFY_MANAGERS_CHAT": f"mmost://127.0.0.1:{down.port}/managers-token",
            "CXGOV_NOTIFY_AGENTS_CHAT": f"json://127.0.0.1:{down.port}{AGENTS_HOOK}",
        }
        out = CliRunner().invoke(
            app, ["notify", str(notify_root), "--as-of", AS_OF.isoformat()], env=broken
        )
        assert out.exit_code == 1
        assert (
            "FAILED: " in out.output
            and "#support-managers" not in out.output.split("FAILED")[0][-5:]
        )
        assert "1 message refused: chat support-managers" in out.output
        assert len(smtp.handler.received) == len(PEOPLE_WHO_HEAR)  # the others went out
        down.clear()
        down.expect_request(MANAGERS_HOOK).respond_with_data("ok")
        retry = run(notify_root, broken)
        assert [d.recipient.address for d in retry.digests] == ["#support-managers"]
        assert not retry.failures
        assert len(smtp.handler.received) == len(PEOPLE_WHO_HEAR)
    finally:
        down.stop()


def test_a_channel_without_its_variable_sends_nothing(
    notify_root: Path, smtp: SmtpServer, environ: dict[str, str]
) -> None:
    environ = {k: v for k, v in environ.items() if k != "CXGOV_NOTIFY_AGENTS_CHAT"}
    environ["CXGOV_NOTIFY_MANAGERS_CHAT"] = "nosuchservice://hook"
    out = CliRunner().invoke(
        app, ["notify", str(notify_root), "--as-of", AS_OF.isoformat()], env=environ
    )
    assert out.exit_code == 1
    assert "the environment variable CXGOV_NOTIFY_AGENTS_CHAT is not set" in out.output
    assert (
        "channel `support-managers` (CXGOV_NOTIFY_MANAGERS_CHAT): Apprise does not understand"
        in out.output
    )
    assert "nothing was sent" in out.output
    assert "hook" not in out.output.replace("webhook", "")  # the URL (a secret) is never printed
    assert smtp.handler.received == [] and deliveries(notify_root) == {}


def test_a_program_without_notification_settings_is_told_what_to_add(
    notify_root: Path, environ: dict[str, str]
) -> None:
    settings = notify_root / "program.yaml"
    text = settings.read_text()
    settings.write_text(text[: text.index("  # `cxgov notify`")])
    out = CliRunner().invoke(app, ["notify", str(notify_root)], env=environ)
    assert out.exit_code == 1
    assert "program.yaml has no `notifications` section" in out.output
    assert "Traceback" not in out.output


def test_a_program_with_errors_sends_nothing(
    notify_root: Path, smtp: SmtpServer, environ: dict[str, str]
) -> None:
    goals = notify_root / "goals" / "outcomes.yaml"
    goals.write_text(goals.read_text().replace("metric: csat\n", "metric: csatt\n", 1))
    out = CliRunner().invoke(app, ["notify", str(notify_root)], env=environ)
    assert out.exit_code == 1 and " error" in out.output
    assert smtp.handler.received == []
    time.sleep(0)  # nothing was claimed either
    assert deliveries(notify_root) == {}
