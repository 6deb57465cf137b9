"""The probe's steps against loopback servers: what passes, what fails, what is skipped, what it implies, and that
no credential ever leaves the machine."""

from __future__ import annotations

import socket
import threading

import pytest

from mailkb.probe.words import detail

from .conftest import probe, statuses, step
from .servers import ImapServer, ResetServer, SilentServer, SmtpServer, _LoopbackServer, closed_port, resolver_for

IMAP_KINDS = ["dns", "tcp", "tls", "greeting", "capability"]
SMTP_KINDS = ["dns", "tcp", "greeting", "ehlo", "starttls", "tls", "ehlo_tls", "auth"]


def _expect(kinds: list[str], failing: str | None) -> dict[str, str]:
    """pass up to the failing step, fail there, skip after it."""
    if failing is None:
        return dict.fromkeys(kinds, "pass")
    at = kinds.index(failing)
    return {k: "pass" if i < at else "fail" if i == at else "skip" for i, k in enumerate(kinds)}


def _no_credentials(*servers) -> None:
    for server in servers:
        assert server.recorder.sensitive() == [], f"credential-bearing lines reached the server: {server.recorder.sensitive()}"


def test_healthy_servers_pass_every_step_and_hear_no_credential(certs):
    with ImapServer(certs.context()) as imap, SmtpServer(certs.context()) as smtp:
        result = probe(imap.address, smtp.address, certs)
        assert statuses(result, "imap") == _expect(IMAP_KINDS, None)
        assert statuses(result, "smtp") == _expect(SMTP_KINDS, None)
        assert [s.id for s in result.steps] == [f"imap.{k}" for k in IMAP_KINDS] + [f"smtp.{k}" for k in SMTP_KINDS]
        assert result.observations == {
            "dns_resolution_failed": False,
            "port_blocked": False,
            "tls_intercepted": False,
            "clock_wrong": False,
            "captive_portal_detected": False,
        }
        # Exactly the commands the issue allows: IMAP CAPABILITY (then LOGOUT); SMTP EHLO, STARTTLS, EHLO (then QUIT).
        assert imap.recorder.commands() == ["CAPABILITY", "LOGOUT"]
        assert smtp.recorder.commands() == ["EHLO", "STARTTLS", "EHLO", "QUIT"]
        _no_credentials(imap, smtp)
    assert step(result, "imap.greeting").reply == "* OK IMAP test server ready"
    assert "AUTH=PLAIN" in step(result, "imap.capability").reply
    # aiosmtpd offers its built-in LOGIN and PLAIN only after TLS (auth_require_tls), and the probe reports them.
    assert step(result, "smtp.auth").note.values["mechanisms"] == "LOGIN, PLAIN"
    assert "STARTTLS" in step(result, "smtp.ehlo").note.values["extensions"]
    assert "AUTH" not in step(result, "smtp.ehlo").note.values["extensions"].split(", ")
    tls = step(result, "smtp.tls")
    assert tls.note.values["issuer"] == "mailkb test CA" and tls.note.values["version"].startswith("TLSv1.")
    assert all(s.ms >= 0 for s in result.steps) and result.passed


# The case a server presents → the step key and the one observation that becomes true; the others stay unknown
# because the TLS step that would show them failed (observations.py: false only when every witness step passed).
CERTIFICATE_CASES = {
    "unknown_ca": ("tls.untrusted", "tls_intercepted"),
    "expired": ("tls.expired", "clock_wrong"),
    "not_yet_valid": ("tls.not_yet_valid", "clock_wrong"),
    "wrong_name": ("tls.wrong_name", "captive_portal_detected"),
}


@pytest.mark.parametrize("case", sorted(CERTIFICATE_CASES))
def test_a_failed_certificate_check_says_why(certs, case):
    key, observation = CERTIFICATE_CASES[case]
    with ImapServer(certs.context(case)) as imap, SmtpServer(certs.context(case)) as smtp:
        result = probe(imap.address, smtp.address, certs)
        assert statuses(result, "imap") == _expect(IMAP_KINDS, "tls")
        assert statuses(result, "smtp") == _expect(SMTP_KINDS, "tls")
        assert step(result, "imap.tls").note.key == key and step(result, "smtp.tls").note.key == key
        assert result.observations == {"dns_resolution_failed": False, observation: True}
        assert imap.recorder.commands() == []  # nothing is said over a connection that failed verification
        assert smtp.recorder.commands()[:2] == ["EHLO", "STARTTLS"]
        _no_credentials(imap, smtp)
    assert not result.passed


def test_certificate_details_name_the_issuer_and_the_dates(certs):
    with ImapServer(certs.context("unknown_ca")) as imap, ImapServer(certs.context("expired")) as stale:
        intercepted = step(probe(imap.address, f"127.0.0.1:{closed_port()}", certs), "imap.tls")
        expired = step(probe(stale.address, f"127.0.0.1:{closed_port()}", certs), "imap.tls")
    assert "Example Security Filter" in detail(intercepted.note, "ja")
    assert "TLS インターセプト" in detail(intercepted.note, "ja")
    assert "interception" in detail(intercepted.note, "en")
    # trustme was asked for a certificate that ended a year ago: its end date and this device's clock are both shown
    assert expired.note.values["not_after"] < expired.note.values["now"]
    assert expired.note.values["now"] in detail(expired.note, "en")


def test_a_closed_port_is_refused_and_the_rest_skipped(certs):
    result = probe(f"127.0.0.1:{closed_port()}", f"127.0.0.1:{closed_port()}", certs)
    assert statuses(result, "imap") == _expect(IMAP_KINDS, "tcp")
    assert statuses(result, "smtp") == _expect(SMTP_KINDS, "tcp")
    assert step(result, "imap.tcp").note.key == "tcp.refused"
    assert result.observations == {"dns_resolution_failed": False, "port_blocked": True}


def test_a_server_that_accepts_and_never_speaks_times_out(certs):
    with SilentServer() as silent:
        result = probe(silent.address, silent.address, certs, timeout=0.5)
    assert statuses(result, "imap") == _expect(IMAP_KINDS, "tls")  # implicit TLS: the handshake gets no answer
    assert statuses(result, "smtp") == _expect(SMTP_KINDS, "greeting")  # the SMTP greeting never comes
    assert step(result, "imap.tls").note.key == "tls.timeout"
    assert step(result, "smtp.greeting").note.key == "talk.silent"
    assert result.observations["port_blocked"] is True


def test_a_connection_reset_at_once_is_told_apart_from_a_timeout(certs):
    with ResetServer() as reset:
        result = probe(reset.address, reset.address, certs)
    # The reset lands during the connection or just after it, as the kernel delivers it; either way it is a reset
    # (or the server's side closing), never a timeout, and the steps after it are skipped.
    for target, kinds in (("imap", IMAP_KINDS), ("smtp", SMTP_KINDS)):
        failing = next(s for s in result.steps if s.target == target and s.status == "fail")
        assert statuses(result, target) == _expect(kinds, failing.kind)
        assert failing.note.key in {"tcp.reset", "tls.reset", "tls.closed", "talk.reset", "talk.closed"}
    assert result.observations["port_blocked"] is True


def test_a_name_that_does_not_resolve_skips_the_connection():
    resolver = resolver_for({"smtp.example.test": ["127.0.0.1"]})
    result = probe("nowhere.example.test:993", f"smtp.example.test:{closed_port()}", None, resolver=resolver)
    assert statuses(result, "imap") == _expect(IMAP_KINDS, "dns")
    assert step(result, "imap.dns").note.key == "dns.nxdomain"
    assert statuses(result, "smtp") == _expect(SMTP_KINDS, "tcp")
    assert result.observations == {"dns_resolution_failed": True, "port_blocked": True}


@pytest.mark.parametrize(
    ("address", "key", "observation"),
    [
        ("192.168.10.1", "dns.private", "captive_portal_detected"),  # a hotel Wi-Fi's own DNS answering for everyone
        ("0.0.0.0", "dns.blocked", "dns_resolution_failed"),  # a DNS filter's "blocked" answer
    ],
)
def test_icloud_names_must_resolve_to_public_addresses(address, key, observation):
    resolver = resolver_for({"imap.mail.me.com": [address], "smtp.mail.me.com": [address]})
    result = probe("imap.mail.me.com:993", "smtp.mail.me.com:587", None, resolver=resolver)
    assert statuses(result, "imap") == _expect(IMAP_KINDS, "dns")  # and so nothing connects to that address
    assert statuses(result, "smtp") == _expect(SMTP_KINDS, "dns")
    assert step(result, "imap.dns").note.key == key and step(result, "imap.dns").reply == address
    assert result.observations == {observation: True}


def test_a_private_address_is_fine_for_a_server_that_is_not_icloud(certs):
    result = probe(f"localhost:{closed_port()}", f"127.0.0.1:{closed_port()}", certs)
    assert step(result, "imap.dns").status == "pass"


def test_missing_starttls_looks_like_a_filter_stripping_it(certs):
    with SmtpServer(None, starttls=False) as smtp:
        result = probe(f"127.0.0.1:{closed_port()}", smtp.address, certs)
        assert statuses(result, "smtp") == _expect(SMTP_KINDS, "starttls")
        assert step(result, "smtp.starttls").note.key == "smtp.no_starttls"
        assert result.observations["tls_intercepted"] is True
        assert smtp.recorder.commands() == ["EHLO", "QUIT"]
        _no_credentials(smtp)


def test_a_bare_ok_greeting_is_enough(certs):
    with ImapServer(certs.context(), greeting="* OK") as imap:
        result = probe(imap.address, f"127.0.0.1:{closed_port()}", certs)
    assert statuses(result, "imap") == _expect(IMAP_KINDS, None)


def test_an_imap_server_that_says_bye_fails_the_greeting(certs):
    with ImapServer(certs.context(), greeting="* BYE too many connections") as imap:
        result = probe(imap.address, f"127.0.0.1:{closed_port()}", certs)
        assert statuses(result, "imap") == _expect(IMAP_KINDS, "greeting")
        assert step(result, "imap.greeting").reply == "* BYE too many connections"
        assert imap.recorder.commands() == []


class TricklingServer(_LoopbackServer):
    """Sends one byte at a time, each well inside the per-read timeout, and never finishes a line."""

    def __init__(self, gap: float):
        super().__init__()
        self.gap, self.stop = gap, threading.Event()

    def serve(self, sock: socket.socket) -> None:
        while not self.stop.wait(self.gap):
            sock.sendall(b"2")

    def __exit__(self, *exc) -> None:
        self.stop.set()
        super().__exit__(*exc)


def test_a_server_that_dribbles_is_cut_off_by_the_time_budget():
    # Each byte arrives before the 0.4 s read timeout, so only the whole-run budget (3 × timeout) can stop the
    # SMTP greeting; the step under way fails with that reason and the rest are skipped.
    with TricklingServer(gap=0.1) as slow:
        result = probe(f"127.0.0.1:{closed_port()}", slow.address, None, timeout=0.4)
    assert statuses(result, "smtp") == _expect(SMTP_KINDS, "greeting")
    assert step(result, "smtp.greeting").note.key == "budget"
