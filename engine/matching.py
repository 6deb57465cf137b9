"""Match a pasted error message to symptoms (docs/engine-semantics.md §2).

Every pattern (a UI message or a search phrase, in ja and en) is normalized once into the form(s) its
placeholders call for (engine/textforms.py); one Aho–Corasick automaton per form finds all of them in one pass
over the message's form. The work therefore grows with the message's length times a constant of the knowledge
base (how many patterns can end at one position), never with the number of patterns times the message's length.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field

import ahocorasick

from .kb import KnowledgeBase
from .memo import memoized, persisted
from .textforms import FORMS, MARKERS, PLAIN, form_names, forms, placeholder_kinds

MIN_PATTERN = 2
MIN_PARTIAL = 8
PARTIAL_SHARE = 0.6


def pattern_texts(symptom: dict) -> Iterator[str]:
    """The ja and en texts of a symptom's messages and search phrases, in file order."""
    texts = [m.get("text") or {} for m in symptom.get("messages") or ()] + list(symptom.get("search_phrases") or ())
    for text in texts:
        for lang in ("ja", "en"):
            value = text.get(lang) if isinstance(text, dict) else None
            if isinstance(value, str):
                yield value


def literal_length(form: str) -> int:
    """Characters of a normalized form that are not markers."""
    return sum(1 for ch in form if ch not in MARKERS)


@dataclass
class MatchWork:
    """What one match cost: characters the automata read and occurrences they reported."""

    characters: int = 0
    occurrences: int = 0


@dataclass
class SymptomMatcher:
    """Every symptom's patterns, normalized once, in one automaton per form."""

    keys: dict[str, dict[str, set[str]]] = field(default_factory=lambda: {name: {} for name in FORMS})
    partial: list[tuple[str, str]] = field(default_factory=list)  # (symptom id, plain form) of placeholder-free patterns
    automata: dict[str, ahocorasick.Automaton] = field(default_factory=dict)

    @classmethod
    def from_kb(cls, kb: KnowledgeBase) -> SymptomMatcher:
        matcher = cls()
        for ident in sorted(kb.symptoms):
            for text in pattern_texts(kb.symptoms[ident]):
                matcher.add(ident, text)
        matcher.build()
        return matcher

    def add(self, ident: str, text: str) -> None:
        """Add one pattern of symptom `ident` (patterns with fewer than 2 literal characters are ignored)."""
        kinds = placeholder_kinds(text)
        wanted = form_names(kinds)
        normal = forms(text, wanted, pattern=True)
        if not kinds and len(normal[PLAIN]) >= MIN_PATTERN:
            self.partial.append((ident, normal[PLAIN]))
        for name in wanted:
            if literal_length(normal[name]) >= MIN_PATTERN:
                self.keys[name].setdefault(normal[name], set()).add(ident)

    def build(self) -> None:
        """Make one automaton per form that has patterns."""
        self.automata = {}
        for name, keys in self.keys.items():
            if keys:
                automaton = ahocorasick.Automaton()
                for key, idents in keys.items():
                    automaton.add_word(key, frozenset(idents))
                automaton.make_automaton()
                self.automata[name] = automaton

    def match(self, message: str, work: MatchWork | None = None) -> list[str]:
        """Symptom ids whose patterns occur in the message (else those a long partial paste covers mostly), sorted by id."""
        normal = forms(message, tuple(name for name in FORMS if name == PLAIN or name in self.automata))
        plain = normal[PLAIN]
        if not plain:
            return []
        found: set[str] = set()
        for name, automaton in self.automata.items():
            text = normal[name]
            if work is not None:
                work.characters += len(text)
            for _end, idents in automaton.iter(text):
                found |= idents
                if work is not None:
                    work.occurrences += 1
        if not found and len(plain) >= MIN_PARTIAL:
            # only when no pattern occurs whole: a long paste cut short still finds its message
            found = {ident for ident, pat in self.partial if len(plain) >= PARTIAL_SHARE * len(pat) and plain in pat}
        return sorted(found)


def matcher_for(kb: KnowledgeBase) -> SymptomMatcher:
    """The matcher of a knowledge base, built once. The knowledge-base cache keeps it pickled on its own, so that
    loading the cache imports none of the matching code (nor `regex`) unless a query has an error message."""
    blob = persisted(kb, "matcher:pickle", lambda: pickle.dumps(SymptomMatcher.from_kb(kb), protocol=pickle.HIGHEST_PROTOCOL))
    return memoized(kb, "matcher", lambda: pickle.loads(blob))
