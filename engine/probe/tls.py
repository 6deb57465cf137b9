"""The TLS step: the handshake, the certificate checked against the trust store, and when it fails, why.

A failed verification is told apart three ways (DESIGN: interception, wrong clock, captive portal):

- the certificate is not yet valid or has expired by this device's clock → the device's date and time are wrong;
- it chains to no trusted authority → something on the path presents its own certificate (security software,
  a corporate proxy: TLS interception);
- it is trusted but made out to another name → another server answered in the real one's place (a Wi-Fi sign-in
  page, a captive portal).

OpenSSL's verification code says which; where the system's verifier gives none (macOS, Windows through
truststore), the certificate itself, read over a second connection without verification, decides.
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.x509.oid import NameOID

from ..errors import UsageError
from .step import BLOCKED, CAPTIVE, CLOCK, INTERCEPTED, Outcome, failed, passed

if TYPE_CHECKING:
    import socket

    from .session import Session

# OpenSSL's X509_V_ERR_* codes (x509_vfy.h).
_NOT_YET_VALID, _EXPIRED = 9, 10
_UNTRUSTED = {2, 18, 19, 20, 21, 27}  # issuer unknown, self-signed, chain not anchored in the trust store
_WRONG_NAME = {62, 64}  # host name or IP address mismatch
_NOT_TLS = {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "UNKNOWN_PROTOCOL"}


@dataclass(frozen=True)
class Trust:
    """Which certificate authorities to trust: the system's trust store, or only those in a PEM file (--cafile)."""

    cafile: str | None = None

    def context(self) -> ssl.SSLContext:
        """A client context that verifies the chain and the host name."""
        if self.cafile:
            context = ssl.create_default_context(cafile=self.cafile)
        else:
            import truststore  # the operating system's own verifier and trust store (Keychain, Windows, OpenSSL's paths)

            context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


def load_trust(cafile: str | None) -> Trust:
    """A Trust for --cafile (checked now, so a bad file is a usage error before anything connects)."""
    if cafile is None:
        return Trust()
    path = Path(cafile)
    if not path.is_file():
        raise UsageError(f"--cafile: no such file: {cafile}")
    try:
        ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError, ValueError) as err:
        raise UsageError(f"--cafile: {cafile} holds no usable PEM certificate ({err})") from None
    return Trust(str(path))


@dataclass(frozen=True)
class Certificate:
    """What a person needs to see of the server's certificate."""

    subject: str
    issuer: str
    issuer_name: str
    names: tuple[str, ...]
    not_before: datetime
    not_after: datetime

    def matches(self, host: str) -> bool:
        """True if the certificate names `host` (RFC 6125: exact, or a wildcard for the left-most label)."""
        host = host.lower().rstrip(".")
        for name in self.names:
            name = name.lower().rstrip(".")
            if name == host or (name.startswith("*.") and host.partition(".")[2] == name[2:] and "." in name[2:]):
                return True
        return False

    def values(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer_name,
            "names": ", ".join(self.names) or self.subject,
            "not_before": _when(self.not_before),
            "not_after": _when(self.not_after),
        }

    def summary(self) -> str:
        return (
            f"subject: {self.subject}; issuer: {self.issuer}; names: {', '.join(self.names) or '-'}; "
            f"valid: {_when(self.not_before)} – {_when(self.not_after)}"
        )


def read_certificate(der: bytes) -> Certificate | None:
    """The certificate's subject, issuer, names and validity, or None if it cannot be parsed."""
    try:
        cert = x509.load_der_x509_certificate(der)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = [*san.get_values_for_type(x509.DNSName), *(str(ip) for ip in san.get_values_for_type(x509.IPAddress))]
        except x509.ExtensionNotFound:
            names = []
        issuer_cn = _attribute(cert.issuer, NameOID.COMMON_NAME)
        issuer_org = _attribute(cert.issuer, NameOID.ORGANIZATION_NAME)
        issuer_name = f"{issuer_cn} ({issuer_org})" if issuer_cn and issuer_org and issuer_org not in issuer_cn else issuer_cn or issuer_org
        return Certificate(
            subject=_attribute(cert.subject, NameOID.COMMON_NAME) or (names[0] if names else cert.subject.rfc4514_string()),
            issuer=cert.issuer.rfc4514_string(),
            issuer_name=issuer_name or cert.issuer.rfc4514_string(),
            names=tuple(names),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )
    except ValueError:
        return None


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def tls_step(session: Session, reopen: Callable[[Session], socket.socket]) -> Outcome:
    """Handshake over the session's socket with the trust store; on success the session's socket is the TLS one."""
    plain, session.sock = session.sock, None
    assert plain is not None
    plain.settimeout(session.limit())
    try:
        tls, der = _handshake(session, plain)
    except ssl.SSLCertVerificationError as err:
        raise _unverified(session, err, reopen) from None
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as err:
        raise failed("tls.closed", None, BLOCKED, error=_reason(err)) from None
    except ssl.SSLError as err:
        if err.reason in _NOT_TLS:
            raise failed("tls.not_tls", None, error=_reason(err)) from None
        raise failed("tls.handshake", None, error=_reason(err)) from None
    except TimeoutError:
        raise failed("tls.timeout", None, BLOCKED, seconds=f"{session.timeout:g}") from None
    except OSError as err:
        if isinstance(err, ConnectionResetError) or err.errno in (errno.ENOTCONN, errno.EPIPE):
            raise failed("tls.reset", None, BLOCKED) from None
        raise failed("tls.closed", None, BLOCKED, error=err.strerror or str(err)) from None
    session.sock = tls
    cert = read_certificate(der)
    cipher = (tls.cipher() or ("?",))[0]
    values = {"version": tls.version() or "?", "cipher": cipher, "cafile": session.trust.cafile or ""}
    if cert is None:
        return passed("tls.ok_unread", None, **values)
    key = "tls.ok_cafile" if session.trust.cafile else "tls.ok"
    return passed(key, cert.summary(), **values, **cert.values())


def _handshake(session: Session, plain: socket.socket) -> tuple[ssl.SSLSocket, bytes]:
    """The TLS socket and the server's certificate (DER); on any failure every socket is closed."""
    tls: ssl.SSLSocket | None = None
    try:
        # ssl skips the handshake on a connection the peer has already reset; getpeercert then says so (ENOTCONN).
        tls = session.trust.context().wrap_socket(plain, server_hostname=session.target.host)
        return tls, tls.getpeercert(binary_form=True) or b""
    except BaseException:
        if tls is not None:
            tls.close()
        raise
    finally:
        plain.close()  # after a wrap this object is detached and closing it does nothing; otherwise it ends here


def _reason(err: BaseException) -> str:
    return getattr(err, "verify_message", None) or getattr(err, "reason", None) or str(err)


def _unverified(session: Session, err: ssl.SSLCertVerificationError, reopen: Callable[[Session], socket.socket]) -> Outcome:
    """Why verification failed, from OpenSSL's code and the certificate the server presented."""
    cert = _presented(session, reopen)
    now = datetime.now(UTC)
    verdict = classify(err.verify_code, cert, session.target.host, now)
    values = {"host": session.target.host, "now": _when(now), "error": _reason(err), **(cert.values() if cert else {})}
    reply = cert.summary() if cert else None
    if verdict in ("not_yet_valid", "expired") and cert is not None:
        return failed(f"tls.{verdict}", reply, CLOCK, **values)
    if verdict == "wrong_name" and cert is not None:
        return failed("tls.wrong_name", reply, CAPTIVE, **values)
    if verdict == "untrusted":
        return failed("tls.untrusted" if cert else "tls.untrusted_unread", reply, INTERCEPTED, **values)
    return failed("tls.unverified", reply, **values)


def classify(code: int | None, cert: Certificate | None, host: str, now: datetime) -> str:
    """not_yet_valid, expired, wrong_name, untrusted, or unknown."""
    if code == _NOT_YET_VALID:
        return "not_yet_valid"
    if code == _EXPIRED:
        return "expired"
    if code in _WRONG_NAME:
        return "wrong_name"
    if code in _UNTRUSTED:
        return "untrusted"
    if cert is None:
        return "unknown"
    # A verifier without OpenSSL's codes (the system's own, through truststore): judge from the certificate itself.
    if now < cert.not_before:
        return "not_yet_valid"
    if now > cert.not_after:
        return "expired"
    if not cert.matches(host):
        return "wrong_name"
    return "untrusted"


def _presented(session: Session, reopen: Callable[[Session], socket.socket]) -> Certificate | None:
    """Connect again, this time without verification, only to read the certificate the server presents."""
    if session.budget_left() <= 0:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        sock = reopen(session)
        sock.settimeout(session.limit())
        with context.wrap_socket(sock, server_hostname=session.target.host) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError, EOFError, ValueError):
        return None
    return read_certificate(der) if der else None
