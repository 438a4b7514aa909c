"""SMTP settings from the environment and a connection that sends messages one by one.

E-mail is off until `SMTP_HOST` is set; then `SMTP_FROM` is required. `SMTP_SECURITY` is
`starttls` (default, port 587), `ssl` (implicit TLS, port 465) or `none` (a relay on the same
machine, port 25). The password never appears in a repr, a log line or an error message.
A failure is returned as a short code and the server's own words, never raised, so one refused
address does not stop the other recipients.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType

log = logging.getLogger(__name__)

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}


class SmtpConfigError(RuntimeError):
    """An SMTP setting is malformed; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # SMTP_FROM: "Planning <planning@gemeente.nl>" or a bare address
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 30.0

    @property
    def sender_address(self) -> str:
        return parseaddr(self.sender)[1]

    @property
    def domain(self) -> str:
        return self.sender_address.rpartition("@")[2] or "localhost"


def smtp_settings(env: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP settings, or None when `SMTP_HOST` is not set (e-mail is not set up)."""
    env = os.environ if env is None else env
    host = env.get("SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY:
        raise SmtpConfigError(f"SMTP_SECURITY must be one of {', '.join(SECURITY)}, not {security!r}")
    port_text = env.get("SMTP_PORT", "").strip() or str(DEFAULT_PORT[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise SmtpConfigError(f"SMTP_PORT must be a port number (1-65535), not {port_text!r}")
    sender = env.get("SMTP_FROM", "").strip()
    if "@" not in parseaddr(sender)[1]:
        raise SmtpConfigError("SMTP_HOST is set, so SMTP_FROM must be the sender's address, "
                              "e.g. 'Planning <planning@gemeente.nl>'")
    user, password = env.get("SMTP_USER", "").strip(), env.get("SMTP_PASSWORD", "")
    if password and not user:
        raise SmtpConfigError("SMTP_PASSWORD is set without SMTP_USER")
    timeout_text = env.get("SMTP_TIMEOUT", "30").strip()
    try:
        timeout = float(timeout_text)
    except ValueError:
        timeout = -1.0
    if timeout <= 0:
        raise SmtpConfigError(f"SMTP_TIMEOUT must be a number of seconds above 0, not {timeout_text!r}")
    return SmtpSettings(host=host, port=int(port_text), sender=sender, security=security, user=user,
                        password=password, timeout=timeout)


@dataclass(frozen=True)
class Outcome:
    """What became of one message: sent, or why not (`error` is "<code>: <the server's words>")."""

    sent: bool
    error: str = ""


# The codes stored before the colon of an error (labels.MAIL_ERROR words them).
UNREACHABLE, LOGIN, REFUSED, REJECTED = "unreachable", "login", "refused", "rejected"


class Mailer:
    """One SMTP connection, opened at the first message and again after the server hung up."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._down: str = ""  # the connection error, so the rest are not each kept waiting on it

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=context)
        try:
            if s.user:
                smtp.login(s.user, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> Outcome:
        """Send one message to its one recipient; never raises for SMTP or network trouble."""
        if self._down:
            return Outcome(False, self._down)
        for attempt in (1, 2):  # a connection the server closed meanwhile is opened once more
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
            except smtplib.SMTPAuthenticationError as exc:
                self._down = f"{LOGIN}: {_reply(exc.smtp_code, exc.smtp_error)}"
                return Outcome(False, self._down)
            except (smtplib.SMTPException, OSError) as exc:
                self._down = f"{UNREACHABLE}: {_describe(exc)}"
                return Outcome(False, self._down)
            try:
                self._smtp.send_message(message, from_addr=self.settings.sender_address)
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                return Outcome(False, f"{REFUSED}: {_reply(code, reply)}")
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                return Outcome(False, f"{REJECTED}: {_reply(exc.smtp_code, exc.smtp_error)}")
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    return Outcome(False, f"{UNREACHABLE}: {_describe(exc)}")
                continue
            except (smtplib.SMTPException, OSError) as exc:
                self.close()
                return Outcome(False, f"{UNREACHABLE}: {_describe(exc)}")
            return Outcome(True)
        return Outcome(False, f"{UNREACHABLE}: disconnected")  # pragma: no cover - the loop returns


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"[:400]


def _describe(exc: BaseException) -> str:
    return (" ".join(str(exc).split()) or type(exc).__name__)[:400]
