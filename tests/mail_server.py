"""A real SMTP server for tests (aiosmtpd on a free 127.0.0.1 port) and the portal pointed at it.

The fixture `smtp` (tests/conftest.py) yields the `Inbox`; the portal's config and the environment
the jobs code reads (`SMTP_*`) both name the server.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from provider_portal.mail.smtp import smtp_settings

SENDER = "Planning Utrecht <planning@gemeente.example>"


class Inbox:
    """An aiosmtpd handler keeping what it received; addresses in `refuse` get a 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def point_at(app: Flask, monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_SECURITY": "none", "SMTP_FROM": SENDER,
           "SMTP_TIMEOUT": "5"}
    for key in ("SMTP_USER", "SMTP_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)  # what the jobs code reads
    app.config["SMTP"] = smtp_settings(env)  # what the portal's pages read


def serve(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_at(app, monkeypatch, int(controller.port))
    try:
        yield inbox
    finally:
        controller.stop()
