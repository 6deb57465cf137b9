"""`mailkb check-domain` against a DNS server on loopback (dnslib), never the internet.

The zone is written here by hand; the expected lookup counts follow RFC 7208 §4.6.4 (include, a, mx, ptr, exists
and redirect count, nested includes included; ip4, ip6 and all do not).
"""

from __future__ import annotations

import base64
import json
import socket

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from dnslib import QTYPE, RR
from dnslib.server import BaseResolver, DNSLogger, DNSServer
from dnslib.zoneresolver import ZoneResolver

from mailkb.cli import main
from mailkb.evidence.dnscheck import DnsError, check_domain


def _key(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


def _txt(value: str) -> str:
    chunks = [value[i : i + 200] for i in range(0, len(value), 200)]
    return " ".join(f'"{c}"' for c in chunks)


ZONE = f"""
custom.example. 300 IN MX 10 mx01.mail.icloud.com.
custom.example. 300 IN MX 10 mx02.mail.icloud.com.
custom.example. 300 IN TXT "v=spf1 include:icloud.com ~all"
custom.example. 300 IN TXT "apple-domain=abc123"
icloud.com. 300 IN TXT "v=spf1 ip4:17.41.0.0/16 ip4:17.58.0.0/16 include:_spf.icloud.example -all"
_spf.icloud.example. 300 IN TXT "v=spf1 ip4:17.57.0.0/16 ~all"
_dmarc.custom.example. 300 IN TXT "v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=r; rua=mailto:dmarc@custom.example"
sig1._domainkey.custom.example. 300 IN CNAME sig1.dkim.custom.example.at.icloudmailadmin.com.
sig1.dkim.custom.example.at.icloudmailadmin.com. 300 IN TXT {_txt("v=DKIM1; k=rsa; p=" + _key(2048))}
heavy.example. 300 IN MX 10 mx.heavy.example.
heavy.example. 300 IN TXT "v=spf1 include:a.heavy.example include:b.heavy.example mx a ptr -all"
a.heavy.example. 300 IN TXT "v=spf1 include:c.heavy.example include:d.heavy.example a:x.heavy.example ~all"
b.heavy.example. 300 IN TXT "v=spf1 exists:%{{i}}.e.heavy.example include:nothere.heavy.example ~all"
c.heavy.example. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 mx:y.heavy.example ~all"
d.heavy.example. 300 IN TXT "v=spf1 redirect=c.heavy.example"
old._domainkey.heavy.example. 300 IN TXT {_txt("v=DKIM1; k=rsa; p=" + _key(1024))}
"""


class FollowingResolver(BaseResolver):
    """ZoneResolver does not follow CNAMEs; this one does, within the zone, as a recursive resolver would."""

    def __init__(self, zone: str):
        self.zone = ZoneResolver(zone, glob=False)
        self.records = [(rr.rname, QTYPE[rr.rtype], rr) for rr in RR.fromZone(zone)]

    def resolve(self, request, handler):
        reply = request.reply()
        name, qtype = request.q.qname, QTYPE[request.q.qtype]
        for _ in range(8):
            found = [rr for rname, rtype, rr in self.records if rname == name and rtype == qtype]
            cname = [rr for rname, rtype, rr in self.records if rname == name and rtype == "CNAME"]
            if found or not cname:
                for rr in found:
                    reply.add_answer(rr)
                break
            reply.add_answer(cname[0])
            name = cname[0].rdata.label
        return reply


@pytest.fixture(scope="module")
def dns_port():
    quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
    server = DNSServer(FollowingResolver(ZONE), port=0, address="127.0.0.1", logger=quiet)
    server.start_thread()
    yield server.server.server_address[1]
    server.stop()
    server.server.server_close()


def _check(domain: str, port: int, **kw):
    return check_domain(domain, nameservers=["127.0.0.1"], port=port, timeout=2.0, **kw)


def test_icloud_custom_domain(dns_port):
    report = _check("custom.example", dns_port, selector="sig1")
    assert report.observations["custom_domain"] is True
    assert report.observations["dmarc_policy"] == "quarantine"
    assert report.records["dmarc"]["tags"]["sp"] == "reject"
    assert report.observations["dkim_key_bits"] == 2048  # through the sig1 CNAME to icloudmailadmin.com
    # include:icloud.com (1) -> include:_spf.icloud.example (1): two lookups
    assert report.observations["spf_dns_lookups"] == 2
    assert report.records["spf_all"] == "~all"


def test_spf_lookup_count_nested_and_over_the_limit(dns_port):
    report = _check("heavy.example", dns_port, selector="old")
    # top: include a, include b, mx, a, ptr = 5; a.heavy: include c, include d, a:x = 3; c: mx:y = 1;
    # d: redirect (1) to c again (already counted, not followed) ; b: exists (1), include:nothere (1, void) -> 5+3+1+1+2 = 12
    assert report.observations["spf_dns_lookups"] == 12
    assert report.observations["dmarc_policy"] == "missing"
    assert report.observations["dkim_key_bits"] == 1024
    assert any("more than 10" in w for w in report.warnings)
    assert "custom_domain" not in report.observations


def test_json_is_a_query_the_engine_accepts(dns_port, capsys):
    assert main(["check-domain", "heavy.example", "--json", "--nameserver", "127.0.0.1", "--dns-port", str(dns_port)]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert "DNS" in captured.err  # it says it touches the network
    from mailkb import diagnose

    diagnosis = diagnose(document["observations"], backend="reference")
    assert diagnosis.causes[0]["id"] == "spf_too_many_lookups"


def test_timeout_is_a_one_line_error_with_exit_2(capsys):
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never answers
    silent.bind(("127.0.0.1", 0))
    try:
        code = main(
            ["check-domain", "example.com", "--nameserver", "127.0.0.1", "--dns-port", str(silent.getsockname()[1]), "--timeout", "0.3"]
        )
    finally:
        silent.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and "timed out" in err[-1] and err[-1].startswith("mailkb:")


def test_not_a_domain_is_refused():
    with pytest.raises(DnsError):
        check_domain("not a domain")
    with pytest.raises(DnsError):
        check_domain("example.com", selector="bad selector!")
