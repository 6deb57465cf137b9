"""`read_evidence`: a bounce, a header block, a message or a pasted alert in; observations with their lines out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import UsageError
from ..kb import KnowledgeBase
from .headers import header_findings
from .mime import Document, read_document
from .patterns import MAX_TEXT, Finding, PatternBook, book_for, dedupe, logical_lines, recipient_findings, resolve, scan

MAX_BYTES = 2 * 1024 * 1024  # read at most this much; the rest of a long input is left unread (and said so)
ALERT_MAX_CHARS = 1_000  # a pasted alert is short
KINDS = ("dsn", "bounce", "headers", "alert", "text")


@dataclass
class EvidenceResult:
    """What was read: the kind of evidence, observations for the engine, each finding with its line, and warnings."""

    kind: str
    observations: dict[str, Any]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)  # what a pasted alert matched (for the report)

    def to_dict(self) -> dict:
        """The `mailkb evidence --json` document; its "observations" object is a query `mailkb diagnose` accepts."""
        return {
            "kind": self.kind,
            "observations": dict(self.observations),
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
        }


class EvidenceError(UsageError):
    """Input that is not evidence at all (binary data, an empty file)."""


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8", errors="surrogatepass")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise EvidenceError(f"evidence must be bytes or text, not {type(data).__name__}")


def _refuse_binary(data: bytes, name: str) -> None:
    if not data.strip():
        raise EvidenceError(f"{name}: nothing to read (the input is empty)")
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls > len(sample) // 20:  # a stray NUL in a mail is text; an image or a PDF is not
        raise EvidenceError(f"{name}: not text (binary data); give the bounce, the headers or the alert as text or .eml")


def read_evidence(data: bytes | str, *, name: str | None = None, kb: KnowledgeBase | None = None) -> EvidenceResult:
    """Read evidence locally (nothing is sent anywhere). Raises EvidenceError (exit 2) for input that is not text."""
    label = name or "input"
    raw = _as_bytes(data)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte order mark (Windows Notepad's "Unicode")
        raw = raw.decode("utf-16", errors="replace").encode("utf-8")
    warnings: list[str] = []
    if len(raw) > MAX_BYTES:
        raw = raw[:MAX_BYTES]
        warnings.append(f"only the first {MAX_BYTES // (1024 * 1024)} MiB were read")
    _refuse_binary(raw, label)
    if kb is None:
        from ..loader import load_kb

        kb = load_kb()
    book = book_for(kb)
    doc = read_document(raw)
    warnings += doc.warnings
    findings = _scan_document(book, doc)
    if doc.headers is not None and doc.segments:
        findings += header_findings(doc.headers, _from_line(doc.segments[0]))
    findings += recipient_findings(book, findings)
    observations = resolve(findings)
    kind = _kind(doc, findings)
    result = EvidenceResult(kind, observations, dedupe(findings), warnings)
    if kind == "text":
        _read_alert(kb, doc, result)
    if not result.observations:
        result.warnings.append("nothing recognisable was found: no reply code, status, authentication result or known message")
    return result


def _scan_document(book: PatternBook, doc: Document) -> list[Finding]:
    findings: list[Finding] = []
    for segment in doc.segments:
        lines = logical_lines(segment.text, segment.first_line)
        found = scan(book, lines)
        if not segment.exact_lines:
            found = [Finding(f.observation, f.value, segment.first_line, f.text, f.source, f.priority) for f in found]
        findings += found
    return findings


def _from_line(segment) -> int:
    """The input line of the From field in a header block (its first line if there is none)."""
    for index, line in enumerate(segment.text.splitlines()):
        if line[:5].lower() == "from:":
            return segment.first_line + index
    return segment.first_line


def _kind(doc: Document, findings: list[Finding]) -> str:
    sources = {f.source.split(".", 1)[0] for f in findings}
    if doc.is_report or "delivery_status" in sources:
        return "dsn"
    bounce_facts = {"smtp_reply_code", "enhanced_status_code", "bounce_reason"}
    bounced = doc.looks_bounced or any(f.observation in bounce_facts or f.value == "send" for f in findings)
    if bounced and not (doc.headers is not None and "authentication_results" in sources):
        return "bounce"
    if doc.headers is not None or "authentication_results" in sources:
        return "headers"
    return "text"


def _read_alert(kb: KnowledgeBase, doc: Document, result: EvidenceResult) -> None:
    """A short paste that matches a known iOS or macOS message becomes `error_message`."""
    from ..matching import matcher_for

    text = "\n".join(s.text for s in doc.segments).strip()
    if not text or len(text) > ALERT_MAX_CHARS:
        return
    symptoms = matcher_for(kb).match(text)
    if not symptoms:
        return
    lines = [line for line in logical_lines(text) if line.raw]
    message = " ".join(line.raw for line in lines)
    result.kind = "alert"
    result.symptoms = symptoms
    result.observations["error_message"] = message
    result.findings.append(Finding("error_message", message, lines[0].number if lines else 1, message[:MAX_TEXT], "alert"))
