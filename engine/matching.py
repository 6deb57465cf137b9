"""Match a pasted error message to symptoms (docs/engine-semantics.md §2)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .kb import KnowledgeBase
from .memo import memoized

PLACEHOLDER = "\ue000"
MIN_PATTERN = 2
MIN_PARTIAL = 8
PARTIAL_SHARE = 0.6
_QUOTED = re.compile(r"“[^”]{1,64}”|‘[^’]{1,64}’|「[^」]{1,64}」|『[^』]{1,64}』|\"[^\"]{1,64}\"")
_LONG_VOWEL = "\u30fc"


def _strip(text: str) -> str:
    kept = [ch for ch in text if ch == PLACEHOLDER or (unicodedata.category(ch)[0] not in "PSZC" and ch not in " \t\r\n\f\v")]
    return "".join(kept).replace("appleid", "appleaccount")


@lru_cache(maxsize=4096)
def normalize(text: str) -> tuple[str, str]:
    """(form A, form B) of a text: NFKC, lower case, no long-vowel marks, no punctuation or spaces; B replaces quoted spans."""
    base = unicodedata.normalize("NFKC", text).lower().replace(_LONG_VOWEL, "")
    return _strip(base), _strip(_QUOTED.sub(PLACEHOLDER, base))


class SymptomMatcher:
    """Every symptom's patterns (UI messages and search phrases), normalized once."""

    def __init__(self, kb: KnowledgeBase):
        self.patterns: list[tuple[str, str, str]] = []  # (symptom id, form A, form B)
        for ident in sorted(kb.symptoms):
            symptom = kb.symptoms[ident]
            texts = [m.get("text") or {} for m in symptom.get("messages") or ()] + list(symptom.get("search_phrases") or ())
            for text in texts:
                for lang in ("ja", "en"):
                    value = text.get(lang)
                    if isinstance(value, str):
                        form_a, form_b = normalize(value)
                        if len(form_a) >= MIN_PATTERN:
                            self.patterns.append((ident, form_a, form_b))

    def match(self, message: str) -> list[str]:
        """Symptom ids whose patterns occur in the message (else those a long partial paste covers mostly), sorted by id."""
        form_a, form_b = normalize(message)
        if not form_a:
            return []
        found = {ident for ident, pat_a, pat_b in self.patterns if pat_a in form_a or pat_b in form_b}
        if not found and len(form_a) >= MIN_PARTIAL:
            # only when no pattern occurs whole: a long paste cut short still finds its message
            found = {ident for ident, pat_a, _ in self.patterns if form_a in pat_a and len(form_a) >= PARTIAL_SHARE * len(pat_a)}
        return sorted(found)


def matcher_for(kb: KnowledgeBase) -> SymptomMatcher:
    """The matcher of a knowledge base, built once."""
    return memoized(kb, "matcher", lambda: SymptomMatcher(kb))
