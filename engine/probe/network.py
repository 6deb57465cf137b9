"""The DNS and TCP steps: does the name resolve (and to what kind of address), does the port accept a connection."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .step import BLOCKED, CAPTIVE, DNS_FAILED, Outcome, failed, passed
from .target import Target

if TYPE_CHECKING:
    from .session import Session

Resolver = Callable[[str, int], list[str]]
"""(host, port) → addresses, raising socket.gaierror (or OSError) when the name does not resolve."""


def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's resolver (what mail apps use): A and AAAA, in the system's preferred order."""
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0])
    return seen


def resolve_step(session: Session) -> list[str]:
    """The target's addresses, resolved within the session's limit; raises a failure Outcome otherwise."""
    target = session.target
    result: dict[str, object] = {}
    done = threading.Event()

    def lookup() -> None:
        try:
            result["addresses"] = session.resolver(target.host, target.port)
        except Exception as err:  # reported as the step's failure, whatever the resolver raised
            result["error"] = err
        finally:
            done.set()

    # getaddrinfo has no timeout of its own: run it aside and stop waiting at the limit (the thread ends by itself).
    limit = session.limit()
    threading.Thread(target=lookup, name=f"mailkb-probe-dns-{target.protocol}", daemon=True).start()
    if not done.wait(limit):
        raise failed("dns.timeout", None, DNS_FAILED, host=target.host, seconds=_seconds(limit))
    error = result.get("error")
    if error is not None:
        raise _resolution_failure(target, error)
    addresses = list(result.get("addresses") or [])  # type: ignore[call-overload]
    if not addresses:
        raise failed("dns.empty", None, DNS_FAILED, host=target.host)
    if target.is_icloud:
        _check_public(target, addresses)
    return addresses


def _resolution_failure(target: Target, error: object) -> Outcome:
    code = getattr(error, "errno", None)
    if code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
        return failed("dns.nxdomain", None, DNS_FAILED, host=target.host)
    if code in (socket.EAI_AGAIN, socket.EAI_FAIL):
        return failed("dns.temporary", None, DNS_FAILED, host=target.host, error=str(error))
    return failed("dns.error", None, DNS_FAILED, host=target.host, error=str(error))


def _check_public(target: Target, addresses: list[str]) -> None:
    """iCloud's servers have public addresses only; anything else is a stand-in answering for them."""
    parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
    if all(ip.is_global for ip in parsed):
        return
    listed = ", ".join(addresses)
    if any(ip.is_unspecified or ip.is_loopback for ip in parsed):
        raise failed("dns.blocked", listed, DNS_FAILED, host=target.host, addresses=listed)
    raise failed("dns.private", listed, CAPTIVE, host=target.host, addresses=listed)


def dns_passed(target: Target, addresses: list[str]) -> Outcome:
    families = sorted({"IPv6" if ":" in a else "IPv4" for a in addresses})
    return passed("dns.ok", ", ".join(addresses), host=target.host, addresses=", ".join(addresses), families="/".join(families))


def connect_step(session: Session) -> Outcome:
    """Connect to the first address that accepts; the socket becomes the session's."""
    failures: list[tuple[str, OSError]] = []
    addresses = session.addresses
    start = time.monotonic()
    for index, address in enumerate(addresses):
        share = session.limit() / (len(addresses) - index)  # later addresses keep their share of the time
        try:
            session.sock = _connect(address, session.target.port, share)
        except OSError as err:
            failures.append((address, err))
            continue
        session.address = address
        return passed("tcp.ok", None, address=address, port=session.target.port)
    raise _connect_failure(session, failures, time.monotonic() - start)


def open_connection(session: Session) -> socket.socket:
    """A second connection to the address that answered (to read a certificate the first could not verify)."""
    assert session.address is not None
    return _connect(session.address, session.target.port, session.limit())


def _connect(address: str, port: int, seconds: float) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(seconds)
    try:
        sock.connect((address, port))
    except OSError:
        sock.close()
        raise
    return sock


def _connect_failure(session: Session, failures: list[tuple[str, OSError]], waited: float) -> Outcome:
    address, err = failures[-1]
    values = {"address": address, "port": session.target.port, "tried": ", ".join(a for a, _ in failures)}
    if isinstance(err, ConnectionRefusedError):
        return failed("tcp.refused", None, BLOCKED, **values)
    if isinstance(err, TimeoutError):
        return failed("tcp.timeout", None, BLOCKED, seconds=_seconds(round(waited, 1)), **values)
    if isinstance(err, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return failed("tcp.reset", None, BLOCKED, **values)
    if err.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
        return failed("tcp.unreachable", None, BLOCKED, error=err.strerror or str(err), **values)
    return failed("tcp.error", None, BLOCKED, error=err.strerror or str(err), **values)


def _seconds(value: float) -> str:
    return f"{value:g}"
