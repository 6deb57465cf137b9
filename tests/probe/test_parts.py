"""The probe's parts on their own: reading HOST:PORT, judging a certificate, turning steps into observations, texts."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailkb.errors import UsageError
from mailkb.probe.observations import observations
from mailkb.probe.step import BLOCKED, CLOCK, FAIL, PASS, SKIP, Note, Step
from mailkb.probe.target import parse_target
from mailkb.probe.tls import Certificate, classify
from mailkb.probe.words import DETAILS, LABELS, MEANINGS, NAMES

PROBE_CODE = Path(__file__).resolve().parents[2] / "engine" / "probe"


@pytest.mark.parametrize(
    ("text", "host", "port", "label"),
    [
        ("imap.mail.me.com:993", "imap.mail.me.com", 993, "imap.mail.me.com:993"),
        ("127.0.0.1:1143", "127.0.0.1", 1143, "127.0.0.1:1143"),
        ("[::1]:587", "::1", 587, "[::1]:587"),
        (" localhost:25 ", "localhost", 25, "localhost:25"),
    ],
)
def test_host_and_port(text, host, port, label):
    target = parse_target("imap", text)
    assert (target.host, target.port, target.label) == (host, port, label)


def test_which_names_are_icloud():
    assert parse_target("imap", "imap.mail.me.com:993").is_icloud
    assert parse_target("smtp", "SMTP.MAIL.ME.COM.:587").is_icloud
    assert parse_target("imap", "p42-imap.mail.me.com:993").is_icloud
    assert not parse_target("imap", "notme.com:993").is_icloud  # a different domain that merely ends the same way
    assert not parse_target("imap", "127.0.0.1:993").is_icloud


@given(st.text(max_size=40))
def test_any_text_is_a_target_or_a_usage_error(text):
    try:
        target = parse_target("smtp", text)
    except UsageError:
        return
    assert 1 <= target.port <= 65535 and target.host and not any(ch.isspace() for ch in target.host)


NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _cert(names=("imap.mail.me.com",), before=NOW - 30 * DAY, after=NOW + 300 * DAY) -> Certificate:
    return Certificate("imap.mail.me.com", "CN=Some CA", "Some CA", tuple(names), before, after)


def test_certificate_names_follow_rfc_6125_wildcards():
    wildcard = _cert(names=("*.mail.me.com",))
    assert wildcard.matches("imap.mail.me.com") and wildcard.matches("IMAP.mail.me.com.")
    assert not wildcard.matches("mail.me.com")  # a wildcard covers one label, not none
    assert not wildcard.matches("a.imap.mail.me.com")  # nor two
    assert not _cert(names=("*.com",)).matches("me.com")  # and never a whole top-level domain
    assert _cert(names=("127.0.0.1",)).matches("127.0.0.1")


@pytest.mark.parametrize(
    ("code", "cert", "verdict"),
    [
        (9, None, "not_yet_valid"),  # OpenSSL's own codes decide when present
        (10, None, "expired"),
        (62, None, "wrong_name"),
        (20, None, "untrusted"),
        (19, _cert(before=NOW + DAY), "untrusted"),  # an untrusted issuer is named first even with odd dates
        (None, None, "unknown"),
        # without a code (the system verifier through truststore), the certificate itself decides, clock first
        (None, _cert(before=NOW + DAY), "not_yet_valid"),
        (None, _cert(after=NOW - DAY), "expired"),
        (None, _cert(names=("portal.example.net",)), "wrong_name"),
        (None, _cert(), "untrusted"),
    ],
)
def test_why_a_certificate_failed(code, cert, verdict):
    assert classify(code, cert, "imap.mail.me.com", NOW) == verdict


def _step(kind: str, status: str, *signals: str, target: str = "imap") -> Step:
    return Step(target, kind, status, 0, Note("x"), None, frozenset(signals))


def test_an_observation_is_true_false_or_unknown():
    all_passed = [_step(k, PASS) for k in ("dns", "tcp", "tls", "greeting", "capability")]
    assert observations(all_passed) == {
        "dns_resolution_failed": False,
        "port_blocked": False,
        "tls_intercepted": False,
        "clock_wrong": False,
        "captive_portal_detected": False,
    }
    clock = [_step("dns", PASS), _step("tcp", PASS), _step("tls", FAIL, CLOCK), _step("greeting", SKIP)]
    # the clock is seen; whether the port is usable or something intercepts is unknown (the steps did not run)
    assert observations(clock) == {"dns_resolution_failed": False, "clock_wrong": True}
    one_blocked = all_passed + [_step("dns", PASS, target="smtp"), _step("tcp", FAIL, BLOCKED, target="smtp")]
    assert observations(one_blocked)["port_blocked"] is True  # one server is enough to say so
    assert observations([]) == {}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_exists_in_both_languages_with_the_same_blanks():
    for table in (DETAILS, MEANINGS, LABELS, NAMES):
        assert set(table["ja"]) == set(table["en"])
        for key in table["ja"]:
            assert _fields(table["ja"][key]) == _fields(table["en"][key]), key


def test_every_detail_the_code_can_produce_has_a_text():
    source = "\n".join(path.read_text(encoding="utf-8") for path in PROBE_CODE.glob("*.py"))
    literal = set(re.findall(r'(?:failed|passed|Note)\(\s*"([a-z_]+(?:\.[a-z_]+)?)"', source))
    composed = {f"tls.{verdict}" for verdict in ("not_yet_valid", "expired")} | {"smtp.ehlo_refused", "smtp.ehlo_tls_refused"}
    assert literal, "the pattern found no keys: the code changed shape"
    assert literal | composed <= set(DETAILS["ja"])
