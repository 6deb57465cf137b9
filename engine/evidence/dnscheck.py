"""`mailkb check-domain`: a sender domain's SPF, DMARC, DKIM and MX records, read through DNS, as observations.

The only part of mailkb that uses the network, and only for DNS queries (dnspython).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError

SPF_LIMIT = 10  # RFC 7208 §4.6.4: DNS-querying terms per evaluation
VOID_LIMIT = 2  # RFC 7208 §4.6.4: void lookups
MAX_QUERIES = 60  # a bound on the work one check does, whatever the records say
ICLOUD_MX = "mail.icloud.com"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SELECTOR = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,62})$", re.IGNORECASE)


class DnsError(UsageError):
    """A DNS query that failed or timed out, or a name that is not a domain (exit 2)."""


@dataclass
class DomainReport:
    """What the records say, as observations, with the record each came from."""

    domain: str
    observations: dict[str, Any] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, observation: str, value: Any, record: str, text: str) -> None:
        self.observations.setdefault(observation, value)
        self.findings.append({"observation": observation, "value": value, "record": record, "text": text[:300]})

    def to_dict(self) -> dict:
        """The `--json` document; its "observations" object is a query `mailkb diagnose` accepts."""
        return {
            "kind": "domain",
            "domain": self.domain,
            "observations": dict(self.observations),
            "findings": list(self.findings),
            "records": dict(self.records),
            "warnings": list(self.warnings),
        }


class Lookup:
    """TXT and MX queries through one dnspython resolver, counted and bounded; errors become DnsError."""

    def __init__(self, nameservers: list[str] | None = None, port: int = 53, timeout: float = 5.0):
        import dns.resolver

        self.resolver = dns.resolver.Resolver(configure=nameservers is None)
        if nameservers is not None:
            self.resolver.nameservers = nameservers
        self.resolver.port = port
        self.resolver.timeout = self.resolver.lifetime = timeout
        self.queries = 0
        self.voids = 0

    def _query(self, name: str, rdtype: str) -> list[Any]:
        import dns.exception
        import dns.resolver

        self.queries += 1
        if self.queries > MAX_QUERIES:
            raise DnsError(f"more than {MAX_QUERIES} DNS queries for one check; the records are too deeply nested")
        try:
            return list(self.resolver.resolve(name, rdtype, search=False))
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            self.voids += 1
            return []
        except dns.exception.Timeout:
            raise DnsError(f"DNS query for {name} ({rdtype}) timed out after {self.resolver.lifetime:g} s") from None
        except dns.resolver.NoNameservers as err:
            raise DnsError(f"DNS query for {name} ({rdtype}) failed: no name server answered ({_short(err)})") from None
        except dns.exception.DNSException as err:
            raise DnsError(f"DNS query for {name} ({rdtype}) failed: {_short(err)}") from None

    def txt(self, name: str) -> list[str]:
        return [b"".join(r.strings).decode("utf-8", errors="replace") for r in self._query(name, "TXT")]

    def mx(self, name: str) -> list[tuple[int, str]]:
        return sorted((r.preference, r.exchange.to_text().rstrip(".").lower()) for r in self._query(name, "MX"))


def _short(err: Exception) -> str:
    return str(err).splitlines()[0][:200] if str(err) else type(err).__name__


def check_domain(
    domain: str, *, selector: str | None = None, nameservers: list[str] | None = None, port: int = 53, timeout: float = 5.0
) -> DomainReport:
    """SPF (lookups, `all`, void lookups), DMARC, DKIM (when a selector is given) and MX of `domain`."""
    domain = domain.strip().rstrip(".").lower()
    if not _DOMAIN.match(domain):
        raise DnsError(f"not a domain name: {domain!r} (give e.g. example.com)")
    if selector is not None and not _SELECTOR.match(selector):
        raise DnsError(f"not a DKIM selector: {selector!r} (the s= of a DKIM-Signature, e.g. sig1)")
    lookup = Lookup(nameservers, port, timeout)
    report = DomainReport(domain)
    _check_mx(lookup, report)
    _check_spf(lookup, report)
    _check_dmarc(lookup, report)
    if selector:
        _check_dkim(lookup, report, selector)
    return report


def _check_mx(lookup: Lookup, report: DomainReport) -> None:
    records = lookup.mx(report.domain)
    report.records["mx"] = [f"{pref} {host}" for pref, host in records]
    if any(host == ICLOUD_MX or host.endswith("." + ICLOUD_MX) for _, host in records):
        report.add("custom_domain", True, report.domain, "MX " + ", ".join(report.records["mx"]))
    elif not records:
        report.warnings.append(f"{report.domain} has no MX record: mail to it cannot be delivered")


def spf_records(texts: list[str]) -> list[str]:
    """The SPF records among TXT strings (RFC 7208 §4.5: 'v=spf1' followed by a space or the end)."""
    return [t for t in texts if re.match(r"^v=spf1(\s|$)", t.strip(), re.IGNORECASE)]


def _check_spf(lookup: Lookup, report: DomainReport) -> None:
    records = spf_records(lookup.txt(report.domain))
    report.records["spf"] = records
    if not records:
        report.warnings.append(f"{report.domain} publishes no SPF record")
        return
    if len(records) > 1:
        report.warnings.append("more than one SPF record: receivers treat that as permerror (RFC 7208 §4.5)")
    voids_before = lookup.voids
    count = _count_spf(lookup, records[0], {report.domain}, 0)
    voids = lookup.voids - voids_before
    report.add("spf_dns_lookups", count, report.domain, records[0])
    qualifier = next((m.group(1) or "+" for m in re.finditer(r"(?:^|\s)([-~?+]?)all(?:\s|$)", records[0], re.IGNORECASE)), None)
    report.records["spf_all"] = f"{qualifier}all" if qualifier else None
    if qualifier == "+":
        report.warnings.append("the SPF record ends in +all, which lets any server send as this domain")
    if qualifier is None and "redirect=" not in records[0].lower():
        report.warnings.append("the SPF record has no 'all' term: mail from unlisted servers gets neutral")
    if count > SPF_LIMIT:
        report.warnings.append(f"SPF needs {count} DNS lookups; more than {SPF_LIMIT} gives permerror (RFC 7208 §4.6.4)")
    if voids > VOID_LIMIT:
        report.warnings.append(f"SPF has {voids} void lookups; more than {VOID_LIMIT} should give permerror (RFC 7208 §4.6.4)")
    if re.search(r"\binclude:icloud\.com\b", records[0], re.IGNORECASE):
        report.add("custom_domain", True, report.domain, records[0])


def _count_spf(lookup: Lookup, record: str, seen: set[str], depth: int) -> int:
    """DNS-querying terms of a record and of the records it includes or redirects to (RFC 7208 §4.6.4)."""
    count = 0
    for term in record.split()[1:]:
        body = term.lstrip("+-~?").lower()
        if body.startswith("redirect="):
            mechanism, target = "redirect", body[len("redirect=") :]
        else:
            mechanism, _, target = body.partition(":")
            mechanism = mechanism.split("/")[0]
        if mechanism in ("a", "mx", "ptr", "exists"):
            count += 1
        elif mechanism in ("include", "redirect"):
            count += 1
            target = target.rstrip(".")
            if target and target not in seen and depth < 10 and "%" not in target:
                seen.add(target)
                nested = spf_records(lookup.txt(target))
                if nested:
                    count += _count_spf(lookup, nested[0], seen, depth + 1)
    return count


def _check_dmarc(lookup: Lookup, report: DomainReport) -> None:
    names = [f"_dmarc.{report.domain}"]
    labels = report.domain.split(".")
    if len(labels) > 2:  # the organisational domain, approximated by its last two labels (no public suffix list)
        names.append("_dmarc." + ".".join(labels[-2:]))
    for name in names:
        records = [t for t in lookup.txt(name) if re.match(r"^v=DMARC1\s*(;|$)", t.strip(), re.IGNORECASE)]
        if records:
            tags = {k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in records[0].split(";")) if k.strip()}
            report.records["dmarc"] = {"name": name, "record": records[0], "tags": tags}
            policy = tags.get("p", "").lower()
            if policy in ("none", "quarantine", "reject"):
                report.add("dmarc_policy", policy, name, records[0])
            else:
                report.warnings.append(f"{name}: the DMARC record has no valid p= tag")
            if not tags.get("rua"):
                report.warnings.append("the DMARC record asks for no aggregate reports (rua=)")
            return
    report.records["dmarc"] = None
    report.add("dmarc_policy", "missing", names[0], "no DMARC record")


def dkim_key_bits(tags: dict[str, str]) -> int | None:
    """The size of the public key in a DKIM key record's tags (k= rsa or ed25519, p= base64), or None."""
    key = re.sub(r"\s+", "", tags.get("p", ""))
    if not key:
        return None
    if tags.get("k", "rsa").lower() == "ed25519":
        return 256
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        public = load_der_public_key(base64.b64decode(key, validate=True))
    except (ValueError, TypeError, binascii.Error):
        return None
    return getattr(public, "key_size", None)


def _check_dkim(lookup: Lookup, report: DomainReport, selector: str) -> None:
    name = f"{selector}._domainkey.{report.domain}"
    records = lookup.txt(name)
    report.records["dkim"] = {"name": name, "record": records[0] if records else None}
    if not records:
        report.warnings.append(f"{name} has no DKIM key record")
        return
    tags = {k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in records[0].split(";")) if k.strip()}
    bits = dkim_key_bits(tags)
    if bits is None:
        report.warnings.append(f"{name}: the key (p=) is empty, revoked or unreadable")
        return
    report.add("dkim_key_bits", bits, name, records[0][:120])
