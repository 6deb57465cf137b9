"""The sending server (SMTP submission, STARTTLS): greeting, EHLO, STARTTLS, TLS, EHLO again, the AUTH mechanisms
offered — and never AUTH itself, nor any mail."""

from __future__ import annotations

import smtplib
import socket

from .conversation import ServerProbe, Transcript, broken
from .network import open_connection
from .session import Session
from .step import INTERCEPTED, Outcome, failed, passed
from .tls import tls_step


class _Client(smtplib.SMTP):
    """smtplib over a connection already made (`_get_socket` is the hook smtplib's own SMTP_SSL and LMTP use)."""

    def __init__(self, sock: socket.socket, transcript: Transcript):
        self._given = sock
        self.transcript = transcript
        super().__init__(local_hostname=_address_literal(sock), timeout=sock.gettimeout())

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self._given

    def send(self, s: str | bytes) -> None:
        self.transcript.sent(s.encode("ascii") if isinstance(s, str) else s)
        super().send(s)

    def getreply(self) -> tuple[int, bytes]:
        code, message = super().getreply()
        lines = message.decode("utf-8", "replace").split("\n") if message else [""]
        for index, line in enumerate(lines):
            self.transcript.received(f"{code}{'-' if index < len(lines) - 1 else ' '}{line}".encode())
        return code, message


def _address_literal(sock: socket.socket) -> str:
    """The EHLO argument: this end's address as an RFC 5321 literal (no host name, no DNS lookup, nothing personal)."""
    address = sock.getsockname()[0]
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


class SmtpProbe(ServerProbe):
    """The steps against one SMTP submission server (STARTTLS)."""

    KINDS = ("dns", "tcp", "greeting", "ehlo", "starttls", "tls", "ehlo_tls", "auth")
    client: _Client | None = None

    def greeting(self) -> Outcome:
        assert self.session.sock is not None
        self.client = _Client(self.session.sock, self.transcript)
        self.session.on_close.append(self._quit)
        mark = self.transcript.mark()
        code, text = self._exchange(lambda client: client.connect(self.session.target.host, self.session.target.port))
        reply = self._reply(mark)
        if code == 220:
            return passed("smtp.greeting", reply, text=text)
        raise failed("smtp.greeting_refused" if code > 0 else "smtp.not_smtp", reply, code=code, text=text)

    def ehlo(self) -> Outcome:
        return self._ehlo("smtp.ehlo")

    def starttls(self) -> Outcome:
        client = self._client()
        if not client.has_extn("starttls"):
            # Submission servers offer STARTTLS (RFC 3207; iCloud's always does): when it is missing, something between
            # removed it from the reply — the classic "STARTTLS stripping" of a filtering proxy.
            raise failed("smtp.no_starttls", self._last_reply(), INTERCEPTED)
        mark = self.transcript.mark()
        code, text = self._exchange(lambda c: c.docmd("STARTTLS"))
        if code != 220:
            raise failed("smtp.starttls_refused", self._reply(mark), code=code, text=text)
        return passed("smtp.starttls", self._reply(mark), text=text)

    def tls(self) -> Outcome:
        client = self._client()
        client.file = None  # the reader on the plain connection; smtplib's own starttls() drops it the same way
        try:
            return tls_step(self.session, _reopen)
        finally:
            # RFC 3207 §4.2: forget what the server said before TLS, as smtplib's starttls() does after its handshake.
            client.sock = self.session.sock
            client.helo_resp = client.ehlo_resp = None
            client.esmtp_features = {}
            client.does_esmtp = False

    def ehlo_tls(self) -> Outcome:
        return self._ehlo("smtp.ehlo_tls")

    def auth(self) -> Outcome:
        mechanisms = self._client().esmtp_features.get("auth", "").split()
        auth_line = next((line for line in self._last_reply_lines() if line[4:].upper().startswith("AUTH")), None)
        if not mechanisms:
            raise failed("smtp.no_auth", auth_line)
        return passed("smtp.auth", auth_line, mechanisms=", ".join(mechanisms))

    def _ehlo(self, key: str) -> Outcome:
        mark = self.transcript.mark()
        code, text = self._exchange(lambda c: c.ehlo())
        reply = self._reply(mark)
        if code != 250:
            raise failed(f"{key}_refused", reply, code=code, text=text)
        extensions = ", ".join(sorted(name.upper() for name in self._client().esmtp_features))
        return passed(key, reply, extensions=extensions or "-")

    def _exchange(self, call) -> tuple[int, str]:
        try:
            code, message = call(self._client())
        except (smtplib.SMTPException, OSError) as err:
            raise broken(err, self.session.timeout) from None
        return code, message.decode("utf-8", "replace").replace("\n", " ")

    def _client(self) -> _Client:
        assert self.client is not None
        return self.client

    def _reply(self, mark: int) -> str | None:
        return "\n".join(text for _, text in self.transcript.replies_since(mark)) or None

    def _last_reply_lines(self) -> list[str]:
        lines: list[str] = []
        for _, side, text in reversed(self.transcript.lines):
            if side == "C":
                break
            lines.insert(0, text)
        return lines

    def _last_reply(self) -> str | None:
        return "\n".join(self._last_reply_lines()) or None

    def _quit(self) -> None:
        if self.client is not None and self.client.sock is not None:
            self.client.sock.settimeout(min(self.session.limit(), 2.0))
            self.client.quit()
            self.session.sock = None  # quit closed it


def _reopen(session: Session) -> socket.socket:
    """A second connection brought up to the point of TLS (greeting, EHLO, STARTTLS), to read the certificate."""
    client = _Client(open_connection(session), Transcript())
    try:
        client.connect(session.target.host, session.target.port)
        client.ehlo()
        code, _ = client.docmd("STARTTLS")
        if code != 220:
            raise OSError(f"STARTTLS refused: {code}")
    except (smtplib.SMTPException, OSError):
        client.close()
        raise
    sock = client.sock
    client.sock = client.file = None  # handed over to the caller's TLS handshake
    return sock
