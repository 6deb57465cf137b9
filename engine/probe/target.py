"""What the probe connects to: a mail server (host, port, protocol), read from `HOST:PORT` on the command line."""

from __future__ import annotations

import ipaddress
from typing import NamedTuple

from ..errors import UsageError
from ..icloud import DEFAULT_IMAP, DEFAULT_SMTP

IMAP, SMTP = "imap", "smtp"

# Apple's mail domains. Their servers only ever have public Internet addresses, so a private or loopback answer
# for one of these names comes from something on the network answering in iCloud's place.
ICLOUD_DOMAINS = ("me.com", "icloud.com", "mac.com")


class Target(NamedTuple):
    """One server to probe: `protocol` is imap (implicit TLS) or smtp (STARTTLS).

    A NamedTuple rather than a dataclass: importing dataclasses is not free, and this module is kept cheap to import.
    """

    protocol: str
    host: str
    port: int

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def is_icloud(self) -> bool:
        """True for a name in Apple's mail domains (not for an address typed by hand)."""
        name = self.host.lower().rstrip(".")
        return any(name == domain or name.endswith("." + domain) for domain in ICLOUD_DOMAINS)


def parse_target(protocol: str, text: str) -> Target:
    """`HOST:PORT` (an IPv6 address in brackets: `[::1]:993`) as a Target, or UsageError."""
    example = DEFAULT_IMAP if protocol == IMAP else DEFAULT_SMTP
    raw = text.strip()
    if raw.startswith("["):
        host, sep, port_text = raw[1:].partition("]:")
        if not sep or not _is_ipv6(host):
            raise UsageError(f"--{protocol}: expected HOST:PORT with an IPv6 address in brackets, e.g. [::1]:993, not {text!r}")
    else:
        host, sep, port_text = raw.rpartition(":")
        if not sep or not host or ":" in host:
            raise UsageError(f"--{protocol}: expected HOST:PORT, e.g. {example}, not {text!r}")
    if not port_text.isascii() or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise UsageError(f"--{protocol}: the port must be a number from 1 to 65535, not {port_text!r}")
    if any(ch.isspace() for ch in host) or "/" in host:
        raise UsageError(f"--{protocol}: {host!r} is not a host name or address")
    return Target(protocol, host, int(port_text))


def _is_ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False
