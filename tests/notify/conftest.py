"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and an HTTP
server for the chat webhooks (pytest-httpserver). Nothing leaves the machine: every channel URL
points at 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer
from ui.pagekit import copy_program

from notify.scenario import record_scenario

FROM = "cx-program@northwind.example"
MANAGERS_HOOK = "/hooks/managers-token"
AGENTS_HOOK = "/agents-floor"


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    subject: str
    to: str
    body: str


@dataclass
class MailHandler:
    received: list[Mail] = field(default_factory=list)
    on_data: Callable[[Mail], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        mail = Mail(
            envelope.mail_from,
            list(envelope.rcpt_tos),
            str(message["Subject"]),
            str(message["To"]),
            body.get_content() if body is not None else "",
        )
        with self.lock:
            self.received.append(mail)
        if self.on_data is not None:
            self.on_data(mail)
        return "250 OK"

    def to(self, address: str) -> list[Mail]:
        return [m for m in self.received if m.recipients == [address]]


@dataclass
class SmtpServer:
    handler: MailHandler
    port: int

    @property
    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}?from={FROM}&mode=insecure"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    handler = MailHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def chat() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    server.expect_request(MANAGERS_HOOK, method="POST").respond_with_data("ok")
    server.expect_request(AGENTS_HOOK, method="POST").respond_with_data("ok")
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def environ_for(smtp: SmtpServer, chat: HTTPServer) -> dict[str, str]:
    return {
        "CXGOV_NOTIFY_EMAIL": smtp.url,
        "CXGOV_NOTIFY_MANAGERS_CHAT": f"mmost://127.0.0.1:{chat.port}/managers-token",
        "CXGOV_NOTIFY_AGENTS_CHAT": f"json://127.0.0.1:{chat.port}{AGENTS_HOOK}",
    }


@pytest.fixture
def environ(smtp: SmtpServer, chat: HTTPServer) -> dict[str, str]:
    return environ_for(smtp, chat)


AGENT = "sam.ortiz@support.example.com"


@pytest.fixture
def notify_root(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example program (with one agent listed by address) and the scenario's actuals."""
    from app.service.program import valid_program
    from app.store.db import ENV_VAR, get_engine, upgrade

    monkeypatch.setenv(ENV_VAR, database_url)
    root = copy_program(tmp_path / "program")
    settings = root / "program.yaml"
    settings.write_text(
        settings.read_text().replace(
            '      - "@support.example.com"', f'      - "@support.example.com"\n      - {AGENT}'
        )
    )
    engine = get_engine(database_url)
    upgrade(engine)
    record_scenario(engine, valid_program(root))
    return root
