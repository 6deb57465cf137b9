"""The receiving server (IMAP, implicit TLS): DNS, TCP, TLS, the greeting and CAPABILITY, and never a login."""

from __future__ import annotations

import contextlib
import imaplib
import socket
import time

from .conversation import ServerProbe, Transcript, broken
from .network import open_connection
from .step import PASS, Outcome, failed, passed
from .tls import tls_step


class _Client(imaplib.IMAP4):
    """imaplib over a connection already made (its documented `open` override), recording what is said."""

    def __init__(self, sock: socket.socket, host: str, port: int, transcript: Transcript):
        self._given = sock
        self.transcript = transcript
        super().__init__(host, port)  # reads the greeting, then asks CAPABILITY (imaplib does both)

    def open(self, host: str = "", port: int = imaplib.IMAP4_SSL_PORT, timeout: float | None = None) -> None:
        self.host, self.port = host, port
        self.sock = self._given
        self.file = self.sock.makefile("rb")

    def readline(self) -> bytes:
        line = super().readline()
        self.transcript.received(line)
        return line

    def send(self, data: bytes) -> None:
        self.transcript.sent(data)
        super().send(data)


class ImapProbe(ServerProbe):
    """The steps against one IMAP server (implicit TLS)."""

    KINDS = ("dns", "tcp", "tls", "greeting", "capability")
    client: _Client | None = None
    error: BaseException | None = None
    greeted_at: float | None = None

    def tls(self) -> Outcome:
        return tls_step(self.session, open_connection)

    def greeting(self) -> Outcome:
        start = time.perf_counter()
        sock = self.session.sock
        assert sock is not None
        try:
            self.client = _Client(sock, self.session.target.host, self.session.target.port, self.transcript)
        except (imaplib.IMAP4.error, OSError, EOFError) as err:  # imaplib closed the connection
            self.session.sock = None
            self.error = err
        replies = self.transcript.replies_since(0)
        if not replies:
            raise broken(self.error or EOFError(), self.session.timeout)
        self.greeted_at, welcome = replies[0]
        if self.client is not None:
            self.session.on_close.append(self._logout)
        try:
            outcome = self._judge_greeting(welcome)
        except Outcome as refused:
            outcome = refused
        outcome.ms = round((self.greeted_at - start) * 1000)
        if outcome.status != PASS:
            raise outcome
        return outcome

    @staticmethod
    def _judge_greeting(welcome: str) -> Outcome:
        status = welcome[2:].split(" ", 1)[0].upper() if welcome.startswith("* ") else ""  # "* OK", "* OK [...] text"
        if status in ("OK", "PREAUTH"):
            return passed("imap.greeting", welcome, text=welcome)
        if status == "BYE":
            raise failed("imap.bye", welcome, text=welcome)
        raise failed("imap.not_imap", welcome, text=welcome[:120])

    def capability(self) -> Outcome:
        assert self.greeted_at is not None
        sent = [i for i, (_, side, text) in enumerate(self.transcript.lines) if side == "C" and " CAPABILITY" in text.upper()]
        replies = self.transcript.replies_since(sent[0]) if sent else []
        reply = "\n".join(text for _, text in replies) or None
        ms = round(((replies[-1][0] if replies else time.perf_counter()) - self.greeted_at) * 1000)
        if self.client is None:
            outcome = (
                broken(self.error, self.session.timeout) if not replies else failed("imap.capability_failed", reply, error=str(self.error))
            )
            outcome.ms = ms
            raise outcome
        # as the server wrote them (imaplib keeps an upper-cased copy)
        line = next((text for _, text in replies if text.upper().startswith("* CAPABILITY ")), "")
        capabilities = line.split()[2:] or list(self.client.capabilities)
        mechanisms = [c.split("=", 1)[1] for c in capabilities if c.upper().startswith("AUTH=")]
        outcome = passed("imap.capability", reply, capabilities=" ".join(capabilities), mechanisms=", ".join(mechanisms) or "-")
        outcome.ms = ms
        return outcome

    def _logout(self) -> None:
        if self.client is not None and self.session.sock is not None:
            self.session.sock.settimeout(min(self.session.limit(), 2.0))
            with contextlib.suppress(imaplib.IMAP4.error):
                self.client.logout()  # closes the connection, whatever the answer
            self.session.sock = None
