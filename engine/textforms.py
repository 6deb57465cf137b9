"""The normal forms of a message or pattern that symptom matching compares (docs/engine-semantics.md §2).

Four forms, each computed in time linear in the text's length (C-level regular expressions with no nested
repetition, and one call per run of address-like characters):

- plain: every quote, punctuation mark, symbol and space dropped;
- quoted: a quoted span (an account name such as “iCloud”) becomes one marker;
- typed: as quoted, and every e-mail address, IPv4 address and domain name becomes its marker;
- numbered: as typed, and every run of digits becomes a marker.

A pattern writes the markers as placeholders: ``{account}``, ``{address}``, ``{domain}`` (= ``{host}``), ``{ip}``,
``{number}``. site/static/rulelang.js implements the same forms; tests/site/test_wizard_equivalence.py compares them.
"""

from __future__ import annotations

import re
import unicodedata

import regex

ACCOUNT = "\ue000"
ADDRESS = "\ue001"
DOMAIN = "\ue002"
IP = "\ue003"
NUMBER = "\ue004"
MARKERS = (ACCOUNT, ADDRESS, DOMAIN, IP, NUMBER)
PLACEHOLDERS = {"account": ACCOUNT, "address": ADDRESS, "domain": DOMAIN, "host": DOMAIN, "ip": IP, "number": NUMBER}

PLAIN, QUOTED, TYPED, NUMBERED = "plain", "quoted", "typed", "numbered"
FORMS = (PLAIN, QUOTED, TYPED, NUMBERED)

_LONG_VOWEL = "\u30fc"
_PRIVATE = re.compile("[\ue000-\ue0ff]")  # a pasted text cannot bring its own markers
_PLACEHOLDER = re.compile(r"\{(account|address|domain|host|ip|number)\}")
_QUOTED_SPAN = re.compile(r"“[^”]{1,64}”|‘[^’]{1,64}’|「[^」]{1,64}」|『[^』]{1,64}』|\"[^\"]{1,64}\"")
# a maximal run of address-like characters that holds a "." or "@" (the others cannot be addresses, IPs or
# domains); the look-behind lets a match start only where a run starts, so no position is scanned twice
_RUN = re.compile(r"(?<![a-z0-9._%+@-])[a-z0-9_%+-]*[.@][a-z0-9._%+@-]*")
_DIGITS = re.compile(r"[0-9]+")
# every ASCII character other than a letter or digit is punctuation, a symbol, a space or a control: the cheap
# stdlib pass removes those, the Unicode-aware pass the rest (markers excepted)
_ASCII_DROPPED = bytes(c for c in range(128) if not chr(c).isalnum())
_DROP_ASCII = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_DROP = regex.compile(r"[[\p{P}\p{S}\p{Z}\p{C}]--[\x00-\x7f\ue000-\ue0ff]]+", regex.V1)
# labels end at a dot, so these anchored patterns cannot backtrack more than once per label
_DOMAIN = r"(?:[a-z0-9_-]+\.)+[a-z]{2,}"
_DOMAIN_FORM = re.compile(_DOMAIN)
_ADDRESS_FORM = re.compile(r"[a-z0-9._%+-]+@" + _DOMAIN)
_IPV4_FORM = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def placeholder_kinds(text: str) -> frozenset[str]:
    """The placeholder names a pattern uses (``{host}`` counts as ``domain``)."""
    return frozenset("domain" if name == "host" else name for name in _PLACEHOLDER.findall(text))


def form_names(kinds: frozenset[str]) -> tuple[str, ...]:
    """The forms a pattern with these placeholders is looked for in."""
    if not kinds:
        return (PLAIN, QUOTED)
    if kinds == {"account"}:
        return (QUOTED,)
    return (NUMBERED,) if "number" in kinds else (TYPED,)


def base(text: str, *, pattern: bool = False) -> str:
    """NFKC, lower case, no long-vowel mark, no marker characters; a pattern's placeholders become markers."""
    text = _PRIVATE.sub("", unicodedata.normalize("NFKC", text).lower().replace(_LONG_VOWEL, ""))
    return _PLACEHOLDER.sub(lambda m: PLACEHOLDERS[m.group(1)], text) if pattern else text


def strip(text: str) -> str:
    """Drop punctuation, symbols, separators, controls and ASCII spaces (markers stay); Apple ID = Apple Account."""
    if text.isascii():
        kept = text.encode("ascii").translate(None, _ASCII_DROPPED).decode("ascii")
    else:
        kept = _DROP.sub("", _DROP_ASCII.sub("", text))
    return kept.replace("appleid", "appleaccount")


def forms(text: str, wanted: tuple[str, ...] = FORMS, *, pattern: bool = False) -> dict[str, str]:
    """The wanted normal forms of a text."""
    start = base(text, pattern=pattern)
    out: dict[str, str] = {}
    plain = strip(start) if PLAIN in wanted else None
    if plain is not None:
        out[PLAIN] = plain
    if wanted == (PLAIN,):
        return out
    # each form differs from the one before only where a span was replaced: reuse the stripped text when none was
    quoted = _QUOTED_SPAN.sub(ACCOUNT, start)
    quoted_form = plain if plain is not None and quoted == start else strip(quoted)
    if QUOTED in wanted:
        out[QUOTED] = quoted_form
    if TYPED in wanted or NUMBERED in wanted:
        seen: dict[str, str] = {}  # a paste repeats its addresses and hosts: classify each distinct run once

        def typed_run(match: re.Match) -> str:
            run = match.group(0)
            if run not in seen:
                seen[run] = _typed_run(run)
            return seen[run]

        typed_text = _RUN.sub(typed_run, quoted)
        typed = quoted_form if typed_text == quoted else strip(typed_text)
        if TYPED in wanted:
            out[TYPED] = typed
        if NUMBERED in wanted:
            out[NUMBERED] = _DIGITS.sub(NUMBER, typed)
    return out


def _typed_run(run: str) -> str:
    core = run.strip(".-")
    if not core:
        return run
    head = run[: len(run) - len(run.lstrip(".-"))]
    tail = run[len(head) + len(core) :]
    if _is_address(core):
        return head + ADDRESS + tail
    return head + "@".join(_typed_name(part) for part in core.split("@")) + tail


def _typed_name(part: str) -> str:
    if _is_ipv4(part):
        return IP
    if _is_domain(part):
        return DOMAIN
    return part


def _is_address(text: str) -> bool:
    return _ADDRESS_FORM.fullmatch(text) is not None


def _is_ipv4(text: str) -> bool:
    return _IPV4_FORM.fullmatch(text) is not None


def _is_domain(text: str) -> bool:
    return _DOMAIN_FORM.fullmatch(text) is not None
