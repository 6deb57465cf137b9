"""Rule conditions in words ("Mail works at iCloud.com: no"), for people reading the site."""

from __future__ import annotations

from typing import Any

from ..kb import KnowledgeBase
from ..rulelang import operator_of
from .i18n import UNITS, text

_JOIN = {"all": {"ja": " かつ ", "en": " and "}, "any": {"ja": " または ", "en": " or "}}
COLON = {"ja": "：", "en": ": "}  # Japanese text takes the full-width colon
_OPS = {
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
}


def fact_title(kb: KnowledgeBase, fact: str, lang: str) -> str:
    """The observation's title, or the fact id for a fact nothing describes."""
    obs = kb.observations.get(fact)
    return text(obs.get("title"), lang) if obs else fact


def value_words(kb: KnowledgeBase, fact: str, value: Any, lang: str) -> str:
    """A value as words: yes/no, an enum label, a symptom title, a number with its unit."""
    if isinstance(value, bool):
        return {"ja": "はい", "en": "yes"}[lang] if value else {"ja": "いいえ", "en": "no"}[lang]
    obs = kb.observations.get(fact) or {}
    for option in obs.get("values") or ():
        if isinstance(option, dict) and option.get("value") == value:
            return text(option.get("label"), lang)
    if obs.get("type") == "symptom_list" and isinstance(value, str) and value in kb.symptoms:
        return text(kb.symptoms[value].get("title"), lang)
    if isinstance(value, (int, float)) and obs.get("unit"):
        unit = (UNITS.get(obs["unit"]) or {}).get(lang, "")  # no fallback: a unit English leaves out ("10", not "10 件")
        return f"{value:g} {unit}" if unit else f"{value:g}"
    return str(value)


def condition_words(kb: KnowledgeBase, cond: dict, lang: str) -> str:
    """One condition as a short phrase."""
    fact = cond.get("fact", "")
    title = fact_title(kb, fact, lang)
    try:
        op = operator_of(cond)
    except ValueError:
        return title
    target = cond.get(op)
    colon = COLON[lang]
    if op == "answered":
        return title + colon + {"ja": "未回答", "en": "not answered"}[lang]
    if op == "has":
        return title + colon + value_words(kb, fact, target, lang)
    if op in ("in", "not_in"):
        options = " / ".join(value_words(kb, fact, v, lang) for v in target or ())
        if op == "in":
            return title + colon + ({"ja": f"{options} のいずれか", "en": f"one of {options}"}[lang] if len(target or ()) > 1 else options)
        return title + colon + {"ja": f"{options} 以外", "en": f"not {options}"}[lang]
    if op in _OPS:
        return f"{title} {_OPS[op]} {value_words(kb, fact, target, lang)}"
    words = value_words(kb, fact, target, lang)
    if op == "is_not":
        return title + colon + {"ja": f"{words} 以外", "en": f"not {words}"}[lang]
    return title + colon + words


def when_words(kb: KnowledgeBase, node: Any, lang: str, top: bool = True) -> str:
    """A when-tree as words; nested groups are parenthesised."""
    if not isinstance(node, dict):
        return ""
    if "fact" in node:
        return condition_words(kb, node, lang)
    if "any" in node:  # "symptom: A or symptom: B or code: 535" -> "symptom: one of A / B or code: 535"
        merged: dict[tuple, list] = {}
        parts: list = []
        for child in node.get("any") or ():
            if isinstance(child, dict) and "fact" in child and operator_of(child) in ("has", "is"):
                key = (child["fact"], operator_of(child))
                if key not in merged:
                    merged[key] = []
                    parts.append(key)
                merged[key].append(child[key[1]])
            else:
                parts.append(when_words(kb, child, lang, top=False))
        phrases = []
        for part in parts:
            if isinstance(part, tuple):
                fact, op = part
                values = merged[part]
                if len(values) == 1:
                    phrases.append(condition_words(kb, {"fact": fact, op: values[0]}, lang))
                else:
                    options = " / ".join(value_words(kb, fact, v, lang) for v in values)
                    title = fact_title(kb, fact, lang)
                    phrases.append({"ja": f"{title}：{options} のいずれか", "en": f"{title}: one of {options}"}[lang])
            elif part:
                phrases.append(part)
        joined = text(_JOIN["any"], lang).join(phrases)
        return joined if top or len(phrases) < 2 else f"({joined})"
    for group in ("all", "any"):
        if group in node:
            parts = [when_words(kb, child, lang, top=False) for child in node.get(group) or ()]
            joined = text(_JOIN[group], lang).join(p for p in parts if p)
            return joined if top or len(parts) < 2 else f"({joined})"
    return ""


def when_conditions(kb: KnowledgeBase, node: Any, lang: str) -> list[str]:
    """The top-level conjuncts of a when-tree, one phrase each (for lists)."""
    if isinstance(node, dict) and "all" in node:
        return [when_words(kb, child, lang, top=False) for child in node.get("all") or ()]
    return [when_words(kb, node, lang)]
