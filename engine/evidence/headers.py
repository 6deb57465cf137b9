"""A received message's header block: who signed and sent it, and whether an @icloud.com From came through Apple.

The receiving server's verdicts (spf=, dkim=, dmarc=) are read by the pattern layer; this module parses
`Authentication-Results` with authres (for the domains each verdict is about, with a tolerant fallback
for the forms authres refuses), `DKIM-Signature` tags and the From and envelope domains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses

from .mime import header_text
from .patterns import MAX_TEXT, Finding

ICLOUD_DOMAINS = ("icloud.com", "me.com", "mac.com")
_ARC_INSTANCE = re.compile(r"^\s*i\s*=\s*\d+\s*;\s*", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(smtp\.mailfrom|header\.from|header\.d|header\.i)\s*=\s*([^\s;()]+)", re.IGNORECASE)
_TAG = re.compile(r"(?:^|;)\s*([a-z]+)\s*=\s*([^;]*)", re.IGNORECASE)


@dataclass
class HeaderFacts:
    """What the header block says about the sender, domains lower-cased."""

    from_domain: str = ""
    to_domains: list[str] = field(default_factory=list)
    envelope_domain: str = ""  # Return-Path, else smtp.mailfrom in Authentication-Results
    dkim_domains: list[str] = field(default_factory=list)  # d= of DKIM-Signature fields and header.d of results
    parsed_with: str = ""  # "authres", "fallback" or ""


def domain_of(address: str) -> str:
    """The domain of an address (or of a bare domain), lower-cased, without brackets or a trailing dot."""
    address = address.strip().strip("<>").rstrip(".").lower()
    return address.rsplit("@", 1)[-1] if address else ""


def aligned(a: str, b: str) -> bool:
    """Relaxed alignment as far as it can be told without the public suffix list: equal, or one inside the other."""
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def is_icloud(domain: str) -> bool:
    return any(aligned(domain, d) for d in ICLOUD_DOMAINS)


def authentication_properties(value: str) -> tuple[dict[str, str], str]:
    """{property: value} of one Authentication-Results field (first of each), and which parser read it."""
    import authres

    text = _ARC_INSTANCE.sub("", value.strip())
    props: dict[str, str] = {}
    for attempt in (text, "unknown; " + text):
        try:
            header = authres.AuthenticationResultsHeader.parse_value(attempt)
        except Exception:  # authres raises SyntaxError and others on the forms it refuses
            continue
        for result in header.results:
            for prop in result.properties:
                name = f"{prop.type}.{prop.name}".lower()
                props.setdefault(name, str(prop.value))
        return props, "authres"
    for name, found in _PROPERTY.findall(text):
        props.setdefault(name.lower(), found)
    return props, "fallback"


def read_header_facts(message: Message) -> HeaderFacts:
    """Domains from From, To, Return-Path, DKIM-Signature and the topmost Authentication-Results."""
    facts = HeaderFacts()
    senders = getaddresses([header_text(message, "from")])
    facts.from_domain = domain_of(senders[0][1]) if senders and senders[0][1] else ""
    facts.to_domains = [domain_of(a) for _, a in getaddresses([header_text(message, "to"), header_text(message, "delivered-to")]) if a]
    facts.envelope_domain = domain_of(header_text(message, "return-path"))
    for signature in message.get_all("dkim-signature") or ():
        tags = {k.lower(): v.strip() for k, v in _TAG.findall(re.sub(r"\s+", " ", str(signature)))}
        if tags.get("d"):
            facts.dkim_domains.append(domain_of(tags["d"]))
    results = message.get_all("authentication-results") or ()
    if results:
        props, facts.parsed_with = authentication_properties(str(results[0]))
        if not facts.envelope_domain and props.get("smtp.mailfrom"):
            facts.envelope_domain = domain_of(props["smtp.mailfrom"])
        for key in ("header.d", "header.i"):
            if props.get(key) and props[key].lower() != "none":
                facts.dkim_domains.append(domain_of(props[key]))
    facts.dkim_domains = list(dict.fromkeys(d for d in facts.dkim_domains if d))
    return facts


def header_findings(message: Message, first_line: int) -> list[Finding]:
    """Observations the header block gives beyond the receiver's verdicts: direction, and an iCloud From sent elsewhere."""
    facts = read_header_facts(message)
    findings: list[Finding] = []
    text = f"From: …@{facts.from_domain}" if facts.from_domain else ""
    if facts.from_domain and is_icloud(facts.from_domain):
        apple_signed = any(is_icloud(d) for d in facts.dkim_domains)
        apple_envelope = is_icloud(facts.envelope_domain)
        if facts.dkim_domains or facts.envelope_domain:
            value = not (apple_signed or apple_envelope)
            detail = f"{text}; DKIM d={','.join(facts.dkim_domains) or '-'}; envelope {facts.envelope_domain or '-'}"
            findings.append(Finding("sent_via_non_apple_smtp", value, first_line, detail[:MAX_TEXT], "headers.icloud_from"))
        if facts.to_domains and not any(is_icloud(d) for d in facts.to_domains):
            findings.append(Finding("direction", "send", first_line, text, "headers.direction"))
    elif facts.from_domain and any(is_icloud(d) for d in facts.to_domains):
        findings.append(Finding("direction", "receive", first_line, text, "headers.direction"))
    return findings
