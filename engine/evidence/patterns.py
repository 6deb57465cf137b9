"""Text patterns as data: compile the knowledge base's pattern sets and apply them to lines of text.

This is the layer the site's `evidence.js` repeats exactly (docs/engine-semantics.md §11): the same
compiled regular expressions (exported in api/patterns.json), the same line splitting and
normalisation, the same resolution of findings into observations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..kb import KnowledgeBase
from ..memo import memoized

MAX_LINES = 20_000  # logical lines scanned
MAX_LINE = 1_000  # code points kept of each logical line
MAX_TEXT = 300  # code points of a line kept in a finding

RECIPIENT = "recipient"  # a yields key that is not an observation: the failed recipient's address
CARRIER_ADDRESS = "recipient_is_carrier_address"

# placeholder -> (capturing regex, boundary before it when it opens the pattern, boundary after it).
# The text is normalised first (ASCII lower case, one space per run), so classes are lower-case ASCII.
PLACEHOLDERS: dict[str, tuple[str, str, str]] = {
    "reply": ("([245][0-9][0-9])", "(?:^|[^0-9a-z.])", "(?![0-9])"),
    "status": ("([245]\\.[0-9]{1,3}\\.[0-9]{1,3})", "(?:^|[^0-9.])", "(?![0-9]|\\.[0-9])"),
    "address": ("([a-z0-9._%+=/-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)+)", "(?:^|[^a-z0-9._%+=/-])", ""),
    "domain": ("([a-z0-9-]+(?:\\.[a-z0-9-]+)+)", "(?:^|[^a-z0-9.-])", ""),
    "ip": ("([0-9]{1,3}(?:\\.[0-9]{1,3}){3})", "(?:^|[^0-9.])", "(?![0-9])"),
    "number": ("([0-9]+)", "(?:^|[^0-9])", "(?![0-9])"),
    "word": ("([^ ;]+)", "", ""),
    "result": ("([a-z]+)", "(?:^|[^a-z])", "(?![a-z])"),
    "code": ("([a-z]{2,4}[0-9]{1,3})", "(?:^|[^a-z0-9])", "(?![0-9a-z])"),
    "text": ("(.*?)", "", ""),
}
_PLACEHOLDER = re.compile(r"\{([a-z]+)\}")
_SPECIAL = set("\\^$.*+?()[]{}|/")
# Whitespace, spelled out so that Python and JavaScript agree (their \s differ at the edges).
WHITESPACE = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACES = re.compile("[" + re.escape(WHITESPACE) + "]+")
_BREAK = re.compile(r"\r\n|\r|\n")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class PatternError(ValueError):
    """A `match` that cannot be compiled (unknown placeholder, one used twice, a stray brace, no literal text)."""


def normalize(text: str) -> str:
    """NFKC, every run of whitespace as one space, trimmed, ASCII letters in lower case."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip(" ").translate(_ASCII_LOWER)


def _escape(literal: str) -> str:
    # only the characters both regex dialects treat as syntax (JavaScript's u flag rejects other escapes)
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in literal)


@dataclass(frozen=True)
class CompiledPattern:
    """One pattern ready to run: its regex source, the literal every match contains, what it yields."""

    id: str  # "set_id.pattern_id"
    source: str
    key: str
    groups: tuple[str, ...]
    yields: dict[str, Any]
    priority: int
    regex: re.Pattern = field(compare=False, repr=False)


def compile_match(match: str) -> tuple[str, str, tuple[str, ...]]:
    """(regex source, key literal, placeholder names in order) of a pattern's `match`, or PatternError."""
    anchored = match.startswith("^")
    body = match[1:] if anchored else match
    parts: list[str] = []
    groups: list[str] = []
    literals: list[str] = []
    position = 0
    for found in _PLACEHOLDER.finditer(body):
        literal = body[position : found.start()]
        name = found.group(1)
        if name not in PLACEHOLDERS:
            raise PatternError(f"unknown placeholder {{{name}}}; known: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
        if name in groups:
            raise PatternError(f"placeholder {{{name}}} appears twice")
        _add_literal(literal, parts, literals)
        regex, before, after = PLACEHOLDERS[name]
        if not parts and not anchored:
            parts.append(before)
        parts.append(regex + after)
        groups.append(name)
        position = found.end()
    _add_literal(body[position:], parts, literals)
    key = max(literals, key=len, default="")
    if not key:
        raise PatternError("needs some literal text besides placeholders")
    return ("^" if anchored else "") + "".join(parts), key, tuple(groups)


def _add_literal(literal: str, parts: list[str], literals: list[str]) -> None:
    if "{" in literal or "}" in literal:
        raise PatternError(f"stray brace in {literal!r}: placeholders are written {{name}}")
    # keep edge spaces (they separate a literal from a placeholder) but collapse runs, as the text is
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", literal)).translate(_ASCII_LOWER)
    if text:
        parts.append(_escape(text))
        literals.append(text)


@dataclass
class PatternBook:
    """Every pattern and recipient domain of a knowledge base, in application order."""

    patterns: list[CompiledPattern]
    domains: list[tuple[str, dict[str, Any], str]]  # (domain, yields, "set_id")
    meanings: dict[str, dict]  # pattern id -> {ja, en}
    observations: dict[str, dict]  # the observations patterns yield: type, values, bounds, pattern

    def to_dict(self) -> dict:
        """The data evidence.js needs (api/patterns.json without its header)."""
        return {
            "patterns": [
                {"id": p.id, "source": p.source, "key": p.key, "groups": list(p.groups), "yields": p.yields, "priority": p.priority}
                for p in self.patterns
            ],
            "domains": [{"domain": d, "yields": y, "set": s} for d, y, s in self.domains],
            "observations": self.observations,
        }


def build_book(kb: KnowledgeBase) -> PatternBook:
    """Compile every pattern set of `kb` (sets in id order, patterns in file order); bad patterns are skipped (lint reports them)."""
    patterns: list[CompiledPattern] = []
    domains: list[tuple[str, dict, str]] = []
    meanings: dict[str, dict] = {}
    used: set[str] = set()
    for set_id, data in sorted(kb.entities.get("pattern", {}).items()):
        for entry in data.get("patterns") or ():
            try:
                source, key, groups = compile_match(entry["match"])
            except (PatternError, KeyError, TypeError):
                continue
            ident = f"{set_id}.{entry['id']}"
            yields = dict(entry.get("yields") or {})
            patterns.append(CompiledPattern(ident, source, key, groups, yields, int(entry.get("priority", 1)), re.compile(source)))
            meanings[ident] = entry.get("meaning") or {}
            used.update(yields)
        for entry in data.get("domains") or ():
            domains.append((entry["domain"], dict(entry["yields"]), set_id))
            used.update(entry["yields"])
    fields = ("type", "values", "minimum", "maximum", "pattern")
    observations = {}
    for ident in sorted(used - {RECIPIENT}):
        obs = kb.observations.get(ident)
        if obs is not None:
            picked = {k: obs[k] for k in fields if k in obs}
            if "values" in picked:
                picked["values"] = [v["value"] for v in picked["values"]]
            observations[ident] = picked
    return PatternBook(patterns, domains, meanings, observations)


def book_for(kb: KnowledgeBase) -> PatternBook:
    """The compiled patterns of a knowledge base, built once."""
    return memoized(kb, "evidence_patterns", lambda: build_book(kb))


# --- applying them ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A logical line: physical lines joined where the next one starts with a space or tab (folding)."""

    number: int  # 1-based, of its first physical line
    raw: str
    text: str  # normalised


@dataclass(frozen=True)
class Finding:
    """An observation value read from one line of the evidence."""

    observation: str
    value: Any
    line: int
    text: str
    source: str  # the pattern id ("set.pattern"), or the reader that found it ("headers", "dsn", …)
    priority: int = 1

    def to_dict(self) -> dict:
        return {"observation": self.observation, "value": self.value, "line": self.line, "text": self.text}


def logical_lines(text: str, first_line: int = 1) -> list[Line]:
    """Logical lines of a text (docs/engine-semantics.md §11.2).

    Split on CR LF, CR or LF; remove the indentation every non-blank line shares (a quoted paste);
    a line that starts with a space or tab continues the line before it (header folding, Postfix's
    wrapped replies); blank lines end a line. At most MAX_LINES lines of MAX_LINE code points.
    """
    physical = _BREAK.split(text)
    indents = [len(p) - len(p.lstrip(" \t")) for p in physical if p.strip(WHITESPACE)]
    cut = min(indents, default=0)
    lines: list[Line] = []
    start, pieces = 0, []
    for index, piece in enumerate(physical):
        piece = piece[cut:]
        if not piece.strip(WHITESPACE):
            if pieces:
                lines.append(_line(start, pieces))
            pieces = []
        elif piece[:1] in (" ", "\t") and pieces:
            pieces.append(piece)
            continue
        else:
            if pieces:
                lines.append(_line(start, pieces))
            start, pieces = first_line + index, [piece]
        if len(lines) >= MAX_LINES:
            return lines[:MAX_LINES]
    if pieces:
        lines.append(_line(start, pieces))
    return lines[:MAX_LINES]


def _line(number: int, pieces: list[str]) -> Line:
    raw = " ".join(piece.strip(WHITESPACE) for piece in pieces)[:MAX_LINE]
    return Line(number, raw, normalize(raw))


def convert(book: PatternBook, observation: str, template: Any, captures: dict[str, str]) -> Any:
    """The value a yields entry gives for these captures, or None when the observation cannot take it."""
    if isinstance(template, str):
        value: Any = _PLACEHOLDER.sub(lambda m: captures.get(m.group(1), m.group(0)), template)
    else:
        value = template
    if observation == RECIPIENT:
        return value if isinstance(value, str) and "@" in value else None
    spec = book.observations.get(observation)
    if spec is None:
        return None
    kind = spec.get("type")
    if kind == "number":
        if isinstance(value, str):
            if not re.fullmatch("[0-9]{1,6}", value):
                return None
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if ("minimum" in spec and value < spec["minimum"]) or ("maximum" in spec and value > spec["maximum"]):
            return None
        return value
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    if kind == "enum":
        return value if isinstance(value, str) and value in spec.get("values", ()) else None
    if kind == "text":
        if not isinstance(value, str) or not value:
            return None
        return value if not spec.get("pattern") or re.search(spec["pattern"], value) else None
    return None


def scan(book: PatternBook, lines: list[Line]) -> list[Finding]:
    """Every finding of every pattern on every line: lines in order, patterns in book order, first match per pattern."""
    findings: list[Finding] = []
    for line in lines:
        for pattern in book.patterns:
            if pattern.key not in line.text:
                continue
            found = pattern.regex.search(line.text)
            if found is None:
                continue
            captures = dict(zip(pattern.groups, found.groups(), strict=True))
            for observation, template in pattern.yields.items():
                value = convert(book, observation, template, captures)
                if value is not None:
                    findings.append(Finding(observation, value, line.number, line.raw[:MAX_TEXT], pattern.id, pattern.priority))
    return findings


def recipient_findings(book: PatternBook, findings: list[Finding]) -> list[Finding]:
    """What the first recipient's domain tells (the first domain entry that matches it)."""
    first = next((f for f in findings if f.observation == RECIPIENT), None)
    if first is None:
        return []
    domain = first.value.rsplit("@", 1)[1]
    out: list[Finding] = []
    for name, yields, set_id in book.domains:
        if domain == name or domain.endswith("." + name):
            for observation, template in yields.items():
                value = convert(book, observation, template, {})
                if value is not None:
                    out.append(Finding(observation, value, first.line, first.text, f"{set_id}.domain", 1))
            break
    if not any(f.observation == CARRIER_ADDRESS for f in out):  # a domain no carrier list names is not a carrier's
        out.append(Finding(CARRIER_ADDRESS, False, first.line, first.text, "domains.other", 1))
    return out


def is_generic_status(value: Any) -> bool:
    """x.0.0 says only the class; a more specific enhanced code found elsewhere is preferred."""
    return isinstance(value, str) and value.endswith(".0.0")


def resolve(findings: list[Finding]) -> dict[str, Any]:
    """Observations from findings: per observation the lowest priority, then the earliest; a specific status over x.0.0."""
    ordered = sorted(findings, key=lambda f: f.priority)  # stable: line order kept within a priority
    observations: dict[str, Any] = {}
    for finding in ordered:
        if finding.observation == RECIPIENT:
            continue
        current = observations.get(finding.observation)
        if finding.observation not in observations or (
            finding.observation == "enhanced_status_code" and is_generic_status(current) and not is_generic_status(finding.value)
        ):
            observations[finding.observation] = finding.value
    return observations


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per (observation, value), the earliest line first; recipient addresses are left out (they are not observations)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for finding in sorted(findings, key=lambda f: f.line):
        if finding.observation == RECIPIENT:
            continue
        key = (finding.observation, repr(finding.value))
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def scan_text(book: PatternBook, text: str) -> tuple[dict[str, Any], list[Finding]]:
    """The pattern layer alone on pasted text: (observations, findings). evidence.js's scanText gives the same."""
    findings = scan(book, logical_lines(text))
    findings += recipient_findings(book, findings)
    return resolve(findings), dedupe(findings)
