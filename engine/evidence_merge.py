"""Evidence into a query: observations found by a tool merged with the answers.

An evidence file is either a JSON document with an `"observations"` object of the query vocabulary (what
`mailkb probe --json` and `mailkb evidence --json` print; anything else in it is ignored here), or the raw evidence
itself — a bounce, an .eml, a block of headers, a pasted alert — read by `mailkb.evidence.read_evidence`.
The merge (docs/engine-semantics.md §12):

- each document's observations are checked like a query (a bad one is a QueryError naming the document);
- an explicit answer wins over evidence; where they differ, the disagreement is reported in `evidence_conflicts`;
- symptom lists are added together (evidence adds the symptoms the answers lack);
- two documents that disagree on an observation nobody answered are an error: the person decides with `-o`;
- every observation taken from evidence is listed in `from_evidence` with its source;
- an observation the person marked `unknown` is taken from evidence when it has one (and leaves `unknown`).

The query's own `error_message` is evidence too: what the evidence patterns (§11) read in it — a bounce line's
codes, a DMARC rejection, a raw TLS error — is the first document, whose source is `error_message`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import QueryError, UsageError
from .kb import KnowledgeBase
from .query import validate

MESSAGE = "error_message"  # the source of what the evidence patterns read in the query's own message
# code points of the message the patterns read: a pasted alert or bounce line is far shorter; a whole bounce or mailbox
# goes to --evidence, which reads all of it. Keeps a 1 MiB message answered in a small fraction of a second.
MESSAGE_READ = 65_536


@dataclass(frozen=True)
class Evidence:
    """Observations from one source: a file's path, or the name of the tool that produced them (e.g. `probe`)."""

    source: str
    observations: dict[str, Any]


@dataclass(frozen=True)
class Merged:
    """The query to diagnose, and what the output says about evidence."""

    query: dict[str, Any]
    from_evidence: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]


def read_evidence(path: str, kb: KnowledgeBase | None = None) -> Evidence:
    """The observations of an evidence file: a JSON evidence document, or raw evidence read by `mailkb evidence`.

    Raises UsageError for an unreadable file, JSON that is not an evidence document, or raw evidence that cannot be read.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise UsageError(f"--evidence: cannot read {path}: {err}") from None
    if raw.lstrip()[:1] in (b"{", b"["):  # JSON: an evidence document (a bounce or header block never starts so)
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise UsageError(f"--evidence: {path} looks like JSON but is not ({err})") from None
        except RecursionError:
            raise UsageError(f"--evidence: {path} is nested too deeply") from None
        if not isinstance(data, dict) or not isinstance(data.get("observations"), dict):
            raise UsageError(f'--evidence: {path} is not an evidence document (a JSON object with an "observations" object)')
        return Evidence(path, data["observations"])
    from .evidence import read_evidence as read_raw

    return Evidence(path, read_raw(raw, name=path, kb=kb).observations)


def message_evidence(kb: KnowledgeBase, query: dict[str, Any]) -> list[Evidence]:
    """The observations the evidence patterns (§11) read in the query's `error_message`, as one document; none when
    there is no message or the patterns find nothing in it (a query without a message never loads the patterns)."""
    message = query.get(MESSAGE)
    if not isinstance(message, str) or not message:
        return []
    from .evidence.patterns import book_for, scan_text

    observations, _findings = scan_text(book_for(kb), message[:MESSAGE_READ])
    return [Evidence(MESSAGE, observations)] if observations else []


def merge(kb: KnowledgeBase, answers: dict[str, Any], evidence: list[Evidence]) -> Merged:
    """The answers with the evidence merged in (rules in the module docstring)."""
    query = dict(answers)
    from_evidence: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    first: dict[str, tuple[Any, str]] = {}
    for document in evidence:
        for key, value in _checked(kb, document).items():
            if key == "symptoms":
                added = [ident for ident in value if ident not in query.get("symptoms", [])]
                if added:
                    query["symptoms"] = [*query.get("symptoms", []), *added]
                    from_evidence.append({"observation": key, "value": added, "source": document.source})
            elif key in answers:
                if answers[key] != value:
                    conflicts.append({"observation": key, "answered": answers[key], "evidence": value, "source": document.source})
            elif key in first:
                earlier, source = first[key]
                if earlier != value:
                    raise QueryError(
                        f"{key}: {source} says {json.dumps(earlier)} but {document.source} says {json.dumps(value)};"
                        f" give the value yourself with -o {key}=…",
                        field=key,
                    )
            else:
                first[key] = (value, document.source)
                query[key] = value
                from_evidence.append({"observation": key, "value": value, "source": document.source})
    if query.get("unknown"):  # what the person could not tell, the evidence can
        query["unknown"] = [ident for ident in query["unknown"] if ident not in first]
    return Merged(query, from_evidence, conflicts)


def _checked(kb: KnowledgeBase, document: Evidence) -> dict[str, Any]:
    try:
        checked = validate(kb, document.observations)
    except QueryError as err:
        raise QueryError(f"{document.source}: {err}", field=err.field, allowed=err.allowed) from None
    return {key: checked[key] for key in document.observations}  # the document's own order


def merge_all(kb: KnowledgeBase, answers: dict[str, Any], evidence: list[Evidence]) -> Merged | None:
    """The checked answers with the message's evidence, then the given documents, merged in; None when there is none."""
    documents = [*message_evidence(kb, answers), *evidence]
    return merge(kb, answers, documents) if documents else None
