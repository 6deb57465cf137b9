"""From bytes to text: charsets, MIME structure, and which parts of a message are evidence.

A bounce's evidence is its notification text and its delivery-status part; the returned original
message is read only for its headers (never its body). A message that is not a bounce is read for
its header block only. Text that is not a message at all (a paste) is read whole.
"""

from __future__ import annotations

import email
import email.errors
import email.header
import re
from dataclasses import dataclass, field
from email.message import Message

JAPANESE = ("iso-2022-jp", "cp932", "euc-jp")  # tried in this order when text is not UTF-8
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]")
_BREAK = re.compile(rb"\r\n|\r|\n")
_KANA = re.compile("[\u3040-\u30ff]")
MESSAGE_FIELDS = {
    "received", "from", "to", "subject", "date", "message-id", "return-path", "authentication-results",
    "arc-authentication-results", "dkim-signature", "mime-version", "content-type", "delivered-to", "received-spf",
}  # fmt: skip
DSN_FIELDS = {"reporting-mta", "final-recipient", "original-recipient", "action", "status", "diagnostic-code", "remote-mta", "arrival-date"}
BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail delivery", "no-reply@app.auone-net.jp")
BOUNCE_SUBJECTS = (
    "undeliver", "returned mail", "delivery status notification", "delivery failure", "mail delivery failed",
    "failure notice", "mail system error", "メールエラー通知", "配信不能", "delivery has failed", "non remis", "could not be delivered",
)  # fmt: skip


@dataclass
class Segment:
    """A stretch of evidence text and the input line it starts on (for encoded parts, every line maps to that one)."""

    text: str
    first_line: int
    exact_lines: bool = True  # False for base64/quoted-printable parts: lines count from first_line only roughly


@dataclass
class Document:
    """What the reader takes from the input: where the evidence text is, and the message structure it saw."""

    segments: list[Segment] = field(default_factory=list)
    headers: Message | None = None  # the header block to analyse (a received message's), if any
    original: Message | None = None  # a bounce's returned message (headers only), if any
    is_message: bool = False
    is_report: bool = False  # multipart/report with a delivery-status part
    looks_bounced: bool = False  # a bounce by its sender or subject
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, charset used): the declared charset if it decodes cleanly, else UTF-8, else the Japanese charsets."""
    candidates = [declared.lower()] if declared else []
    if b"\x1b$" in data or b"\x1b(" in data:
        candidates.append("iso-2022-jp")
    candidates.append("utf-8")
    scored = []
    for charset in dict.fromkeys(candidates + list(JAPANESE)):
        try:
            text = data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
        if charset in candidates[:-1] or charset == "utf-8":
            return text, charset
        scored.append((len(_KANA.findall(text)), -len(scored), text, charset))
    if scored:  # both cp932 and euc-jp decode: take the one that reads as more kana
        best = max(scored)
        return best[2], best[3]
    return data.decode("utf-8", errors="replace"), "utf-8 (with replacements)"


def header_text(message: Message, name: str) -> str:
    """A header's value with RFC 2047 words and raw 8-bit bytes decoded; '' when absent."""
    value = message.get(name)
    if value is None:
        return ""
    try:
        pieces = email.header.decode_header(value)
    except (UnicodeError, LookupError, ValueError, email.errors.HeaderParseError):
        return str(value)
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, None if charset in (None, "unknown-8bit") else charset)[0])
        else:
            out.append(chunk)
    return "".join(out).strip()


def _field_names(message: Message) -> set[str]:
    return {name.lower() for name in message}


def read_document(data: bytes) -> Document:
    """Split the input into evidence segments (see the module docstring)."""
    doc = Document()
    raw_lines = _BREAK.split(data)
    first = next((line for line in raw_lines if line.strip()), b"")
    if first.startswith(b"From ") or _HEADER_LINE.match(first):
        message = email.message_from_bytes(data.lstrip(b"\r\n"))
        names = _field_names(message)
        if names & MESSAGE_FIELDS and not names & DSN_FIELDS:
            offset = next(i for i, line in enumerate(raw_lines) if line.strip())
            _read_message(doc, message, raw_lines, offset)
            return doc
    text, charset = decode_bytes(data)
    if "replacements" in charset:
        doc.warnings.append("the text is not valid UTF-8, ISO-2022-JP, Shift_JIS or EUC-JP; unreadable characters were replaced")
    doc.segments.append(Segment(text, 1))
    return doc


def _read_message(doc: Document, message: Message, raw_lines: list[bytes], offset: int) -> None:
    doc.is_message = True
    sender = header_text(message, "from").lower()
    subject = header_text(message, "subject").lower()
    doc.is_report = message.get_content_type() == "multipart/report" and any(
        part.get_content_type() in ("message/delivery-status", "message/global-delivery-status") for part in message.walk()
    )
    doc.looks_bounced = any(s in sender for s in BOUNCE_SENDERS) or any(s in subject for s in BOUNCE_SUBJECTS)
    header_end = _header_end(raw_lines, offset)
    header_block = b"\n".join(raw_lines[offset:header_end]).decode("utf-8", errors="replace")
    if not (doc.is_report or doc.looks_bounced):
        doc.headers = message
        doc.segments.append(Segment(header_block, offset + 1))
        return
    # a bounce: its subject line, then every text and delivery-status part outside the returned message
    subject_line = f"Subject: {header_text(message, 'subject')}"
    doc.segments.append(Segment(subject_line, offset + 1 + _line_of(raw_lines[offset:header_end], b"subject:"), exact_lines=False))
    for name in ("x-spasign",):
        if message.get(name):
            doc.segments.append(Segment(f"X-SPASIGN: {message.get(name)}", offset + 1, exact_lines=False))
    starts = _body_starts(message, raw_lines, offset)
    for part in _evidence_parts(message, doc):
        text = _part_text(part, doc)
        if text:
            start = starts.get(id(part), (offset + 1, False))
            doc.segments.append(Segment(text, start[0], exact_lines=start[1]))


def _line_of(lines: list[bytes], prefix: bytes) -> int:
    return next((i for i, line in enumerate(lines) if line.lower().startswith(prefix)), 0)


def _header_end(raw_lines: list[bytes], start: int) -> int:
    index = start
    while index < len(raw_lines) and raw_lines[index].strip():
        index += 1
    return index


def _evidence_parts(message: Message, doc: Document) -> list[Message]:
    """Text and delivery-status parts, not descending into a returned message (whose headers are kept aside)."""
    found: list[Message] = []

    def visit(part: Message) -> None:
        kind = part.get_content_type()
        if kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global"):
            if doc.original is None:
                inner = part.get_payload()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                    doc.original = inner[0]
                elif isinstance(inner, str):
                    doc.original = email.message_from_string(inner)
            return
        if kind.endswith("delivery-status"):  # compat32 holds its header blocks as sub-messages
            found.append(part)
            return
        if part.is_multipart():
            for sub in part.get_payload() or ():
                if isinstance(sub, Message):
                    visit(sub)
            return
        if kind.startswith("text/"):
            found.append(part)

    visit(message)
    return found


def _part_text(part: Message, doc: Document) -> str:
    kind = part.get_content_type()
    if kind.endswith("delivery-status"):
        payload = part.get_payload()
        if isinstance(payload, list):  # header blocks, one per recipient
            return "\n\n".join(block.as_string().strip() for block in payload if isinstance(block, Message))
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError):  # broken base64 and the like
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        data = raw.encode("utf-8", errors="replace") if isinstance(raw, str) else b""
    text, charset = decode_bytes(data, part.get_content_charset())
    if "replacements" in charset:
        doc.warnings.append(f"a {kind} part is not in its declared charset; unreadable characters were replaced")
    if kind == "text/html":
        text = re.sub(r"<[^>]{0,2000}>", " ", text)
    return text


def _body_starts(message: Message, raw_lines: list[bytes], offset: int) -> dict[int, tuple[int, bool]]:
    """id(part) -> (1-based input line of its body, whether its lines map one to one): found by following boundaries."""
    starts: dict[int, tuple[int, bool]] = {}

    def locate(part: Message, header_line: int, stop: int) -> None:
        body = _header_end(raw_lines, header_line) + 1
        encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
        starts[id(part)] = (body + 1, encoding in ("", "7bit", "8bit", "binary"))
        if not part.is_multipart():
            return
        boundary = part.get_boundary()
        if not boundary:
            return
        marker = b"--" + boundary.encode("ascii", errors="replace")
        subparts = [p for p in part.get_payload() or () if isinstance(p, Message)]
        index = body
        for sub in subparts:
            while index < stop and raw_lines[index].rstrip() != marker:
                index += 1
            if index >= stop:
                return
            end = index + 1
            while end < stop and not raw_lines[end].startswith(marker):
                end += 1
            locate(sub, index + 1, end)
            index = end

    locate(message, offset, len(raw_lines))
    return starts
