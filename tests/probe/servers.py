"""Loopback servers for the probe's tests, each recording every line it receives (to prove no credential is sent).

- `SmtpServer`: aiosmtpd with STARTTLS required and AUTH offered only after TLS, as iCloud's submission server;
- `ImapServer`: an implicit-TLS IMAP stub (greeting, CAPABILITY, LOGOUT);
- `SilentServer`: accepts connections and never says anything; `ResetServer`: accepts and resets at once;
- `closed_port()`: a port nothing listens on;
- `Certificates`: a test CA (trustme) and its certificates: valid, for another name, expired, not yet valid,
  and one from a CA the probe is not told to trust.
"""

from __future__ import annotations

import contextlib
import datetime
import socket
import socketserver
import ssl
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class Recorder:
    """Lines received by a server, across connections and threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        with self._lock:
            self.lines.extend(line for line in text.replace("\r\n", "\n").split("\n") if line)

    def commands(self) -> list[str]:
        """The first word of each line received, upper-cased."""
        with self._lock:
            return [line.split()[0].upper() for line in self.lines if line.split()]

    def sensitive(self) -> list[str]:
        """Lines that would carry a user name, password or token, or send mail."""
        words = {"AUTH", "AUTHENTICATE", "LOGIN", "USER", "PASS", "MAIL", "RCPT", "DATA", "XOAUTH2"}
        with self._lock:
            return [line for line in self.lines if words & {word.upper() for word in line.split()[:2]}]


@dataclass
class Certificates:
    """A test CA written to `cafile`, and server contexts for the cases the probe must tell apart."""

    folder: Path
    ca: trustme.CA = field(default_factory=lambda: trustme.CA(organization_name="mailkb test CA"))
    rogue: trustme.CA = field(default_factory=lambda: trustme.CA(organization_name="Example Security Filter"))

    def __post_init__(self) -> None:
        self.cafile = self.folder / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.cafile))

    def context(self, case: str = "valid", names: tuple[str, ...] = ("localhost", "127.0.0.1")) -> ssl.SSLContext:
        """A server context presenting the certificate for `case`."""
        now = datetime.datetime.now(datetime.UTC)
        year = datetime.timedelta(days=365)
        issue = {
            "valid": lambda: self.ca.issue_cert(*names),
            "wrong_name": lambda: self.ca.issue_cert("portal.example.net"),
            "expired": lambda: self.ca.issue_cert(*names, not_before=now - 2 * year, not_after=now - year),
            "not_yet_valid": lambda: self.ca.issue_cert(*names, not_before=now + year, not_after=now + 2 * year),
            "unknown_ca": lambda: self.rogue.issue_cert(*names, common_name="Example Security Filter Root"),
        }[case]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        issue().configure_cert(context)
        return context


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port with nothing listening (connections are refused)."""
    return free_port()


class _RecordingSMTP(SMTP):
    def __init__(self, *args, recorder: Recorder, **kwargs):
        super().__init__(*args, **kwargs)
        self._recorder = recorder

    def data_received(self, data: bytes) -> None:  # plain text before STARTTLS, decrypted text after it
        self._recorder.add(data.decode("utf-8", "replace"))
        super().data_received(data)


class _Controller(Controller):
    def __init__(self, *args, recorder: Recorder, **kwargs):
        self.recorder = recorder
        super().__init__(*args, **kwargs)

    def factory(self) -> SMTP:
        return _RecordingSMTP(self.handler, recorder=self.recorder, **self.SMTP_kwargs)


class _Handler:
    async def handle_DATA(self, server, session, envelope) -> str:  # never reached: the probe sends no mail
        return "250 OK"


def _refuse_all(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=False)


class SmtpServer:
    """aiosmtpd on loopback: STARTTLS required, AUTH PLAIN/LOGIN offered only after TLS (like smtp.mail.me.com:587)."""

    def __init__(self, context: ssl.SSLContext | None, *, starttls: bool = True):
        self.recorder = Recorder()
        self.port = free_port()
        kwargs = {"tls_context": context, "require_starttls": True} if starttls else {}
        self._controller = _Controller(
            _Handler(),
            hostname="127.0.0.1",
            port=self.port,
            recorder=self.recorder,
            auth_require_tls=True,
            authenticator=_refuse_all,
            **kwargs,
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        self.recorder.lines.clear()  # the controller's own start-up check
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _LoopbackServer:
    """A threaded TCP server on loopback; subclasses define `serve(sock)` for one connection."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError, ValueError):
                    outer.serve(self.request)

        self._server = _Threaded(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def serve(self, sock: socket.socket) -> None:
        raise NotImplementedError

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class ImapServer(_LoopbackServer):
    """An IMAP server with implicit TLS: greets, answers CAPABILITY and LOGOUT, refuses everything else."""

    CAPABILITY = "IMAP4rev1 SASL-IR AUTH=PLAIN AUTH=LOGIN ID IDLE"

    def __init__(self, context: ssl.SSLContext, greeting: str = "* OK IMAP test server ready"):
        super().__init__()
        self.context, self.greeting = context, greeting

    def serve(self, sock: socket.socket) -> None:
        sock.settimeout(10)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms Nagle/delayed-ACK stall after the handshake
        with self.context.wrap_socket(sock, server_side=True) as tls, tls.makefile("rwb") as stream:
            stream.write(f"{self.greeting}\r\n".encode())
            stream.flush()
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                tag, _, rest = line.partition(" ")
                self.recorder.add(rest)  # without the tag, so commands() reads the command word
                command = rest.split(" ", 1)[0].upper()
                if command == "CAPABILITY":
                    stream.write(f"* CAPABILITY {self.CAPABILITY}\r\n{tag} OK CAPABILITY completed\r\n".encode())
                elif command == "LOGOUT":
                    stream.write(f"* BYE logging out\r\n{tag} OK LOGOUT completed\r\n".encode())
                    stream.flush()
                    return
                else:
                    stream.write(f"{tag} BAD not in this test\r\n".encode())
                stream.flush()


class SilentServer(_LoopbackServer):
    """Accepts connections and never sends a byte (until the test ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.stop = threading.Event()

    def serve(self, sock: socket.socket) -> None:
        self.stop.wait(30)

    def __exit__(self, *exc) -> None:
        self.stop.set()
        super().__exit__(*exc)


class ResetServer(_LoopbackServer):
    """Accepts connections and resets them at once (RST, as some firewalls do)."""

    def serve(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def resolver_for(table: dict[str, list[str]]):
    """A resolver that knows only `table` (anything else does not exist), for tests that must not ask real DNS."""

    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return list(table[host])
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    return resolve
