"""The consultation text: the source article's template (guide `consultation_template`) filled from a diagnosis.

Each field of the template lists the answers to the observations it refers to, "分からない" for those the
person could not answer, and a blank to fill for the rest; the steps already tried, the other answers and
the leading causes follow. Nothing that looks like a password, an app-specific password or a verification
code is ever written: free text passes through `scrub()` first. The wizard's copy button writes the same text
(site/static/rulelang.js, `consultation`).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .diagnosis import Diagnosis
from .kb import KnowledgeBase
from .planning import round4
from .report import title, value_label

TEMPLATE = "consultation_template"
TRIED_FIELD = "actions_taken"  # the template's field for what was already tried
MAX_QUOTE = 300  # characters of a pasted message kept in the text
BLANK = "＿＿＿＿"
CAUSES = 3

WORDS = {
    "ja": {
        "head": "【相談用メモ】iCloud メール",
        "note": "※パスワード、アプリ用パスワード、確認コードは書かないでください（相談先に伝える必要はありません）。",
        "unknown": "分からない",
        "yes": "はい",
        "no": "いいえ",
        "message": "表示されたメッセージ",
        "tried_none": "（まだ試していません）",
        "tried_result": "直らなかった",
        "other": "そのほかの確認結果",
        "causes": "診断の見立て（参考。確定ではありません）",
        "no_causes": "（原因はまだ絞り込めていません）",
        "confidence": "確からしさ",
        "fill": "記入",
        "sep": "、",
        "quote": "「{}」",
        "removed": "[伏せ字]",
        "units": {"percent": " %", "mb": " MB", "count": " 件", "minutes": " 分", "bits": " ビット"},
    },
    "en": {
        "head": "[Notes for support] iCloud Mail",
        "note": "Never write a password, an app-specific password or a verification code here (support does not need them).",
        "unknown": "don't know",
        "yes": "yes",
        "no": "no",
        "message": "Message shown",
        "tried_none": "(nothing tried yet)",
        "tried_result": "did not help",
        "other": "Other answers",
        "causes": "What the diagnosis suggests (for reference, not certain)",
        "no_causes": "(no likely cause yet)",
        "confidence": "confidence",
        "fill": "fill in",
        "sep": ", ",
        "quote": "“{}”",
        "removed": "[removed]",
        "units": {"percent": " %", "mb": " MB", "count": "", "minutes": " min", "bits": " bits"},
    },
}

_SECRET_WORD = (
    "(?:パスワード|パスコード|暗証番号|確認コード|認証コード"
    "|(?<![A-Za-z])(?:password|passcode|passwd|pw|pin|verification code|security code)(?![A-Za-z]))"
)
_GAP = "[ \t\u3000]*"
# (what to keep, the secret): the JavaScript port uses the same four patterns, applied in this order
_SECRETS = (
    # an app-specific password: four groups of four letters
    re.compile("()[A-Za-z]{4}-[A-Za-z]{4}-[A-Za-z]{4}-[A-Za-z]{4}"),
    # a six-digit verification code, also written "123 456" or "123-456"
    re.compile("()(?<![0-9０-９])[0-9０-９]{3}[ -]?[0-9０-９]{3}(?![0-9０-９])"),
    # whatever follows a secret's name and a colon or an equals sign
    re.compile("(" + _SECRET_WORD + _GAP + "[:：=＝]" + _GAP + ")[^ \t\n\r\f\v\u3000「」『』\"'、。,]+", re.IGNORECASE | re.ASCII),
    # a password-like word (printable ASCII with a digit or a symbol) after 'パスワードは' / 'password is'
    re.compile("(" + _SECRET_WORD + _GAP + "(?:は|is|was)" + _GAP + ")[!-~]*[0-9!#$%&*+/?@^_~][!-~]*", re.IGNORECASE | re.ASCII),
)


def scrub(text: str, lang: str = "ja") -> str:
    """The text with anything that looks like a password, an app-specific password or a verification code removed."""
    removed = WORDS[lang]["removed"]
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: m.group(1) + removed, text)
    return text


def value_text(kb: KnowledgeBase, ident: str, value: Any, lang: str) -> str:
    """An answer in words: yes/no, an enum value's label, symptom titles, a number with its unit, or scrubbed text."""
    w = WORDS[lang]
    observation = kb.observations.get(ident, {})
    if isinstance(value, bool):
        return w["yes"] if value else w["no"]
    if isinstance(value, list):
        return w["sep"].join(title(kb, "symptom", s, lang) for s in value)
    if isinstance(value, (int, float)):
        return number_text(value) + w["units"].get(observation.get("unit"), "")
    label = value_label(kb, ident, value, lang)
    return w["quote"].format(_cut(scrub(str(value), lang))) if label is None else label


def number_text(value: float) -> str:
    """A number as the JavaScript port writes it too: rounded to 4 decimals, integers without a point."""
    rounded = round4(value)
    return str(int(rounded)) if float(rounded).is_integer() else repr(rounded)


def _cut(text: str) -> str:
    """On one line (runs of ASCII whitespace as one space), at most MAX_QUOTE characters."""
    text = re.sub("[\t\n\r\f\v ]+", " ", text).strip(" ")
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE] + "…"


def consultation(diagnosis: Diagnosis, kb: KnowledgeBase, query: dict[str, Any], lang: str = "ja") -> str:
    """The filled template as text. `query` is the checked query (observations, `unknown`, `tried`)."""
    w = WORDS[lang]
    unknown = set(query.get("unknown") or ())
    tried = list(query.get("tried") or ())
    answered = {k: v for k, v in query.items() if k not in ("unknown", "tried")}
    for found in diagnosis.from_evidence or ():  # what evidence told (the message's too) fills what nobody answered
        key, value = found["observation"], found["value"]
        answered[key] = [*answered.get(key, []), *value] if key == "symptoms" else answered.get(key, value)
        unknown.discard(key)
    matched = [s["id"] for s in diagnosis.symptoms if s["from"] == "error_message"]
    lines = [w["head"], w["note"], ""]
    shown: set[str] = set()
    guide = kb.entities.get("guide", {}).get(TEMPLATE) or {}
    for section in guide.get("sections") or ():
        for item in section.get("items") or ():
            lines.append(f"■ {item['label'][lang]}")
            if item.get("detail"):
                lines.append(f"  ({item['detail'][lang].strip(' ')})")
            refs = [r.partition(":")[2] for r in item.get("refs") or () if r.startswith("observation:")]
            for ident in refs:
                if ident not in kb.observations:
                    continue
                shown.add(ident)
                lines.append(f"  - {_field_line(kb, ident, answered, unknown, matched, lang)}")
            if item.get("id") == TRIED_FIELD:
                for remedy in tried:
                    lines.append(f"  - {title(kb, 'remedy', remedy, lang)} → {w['tried_result']}")
                if not tried:
                    lines.append(f"  - {w['tried_none']}")
            lines.append(f"  - {w['fill']}: {BLANK}")
            lines.append("")
    others = [k for k in sorted(answered) if k not in shown]
    if others:
        lines.append(f"■ {w['other']}")
        for ident in others:
            lines.append(f"  - {_field_line(kb, ident, answered, unknown, matched, lang)}")
        lines.append("")
    lines.append(f"■ {w['causes']}")
    for number, cause in enumerate(diagnosis.causes[:CAUSES], 1):
        percent = math.floor(cause["confidence"] * 100 + 0.5)  # half up, as JavaScript's Math.round
        lines.append(f"  {number}. {title(kb, 'cause', cause['id'], lang)} ({w['confidence']} {percent}%)")
    if not diagnosis.causes:
        lines.append(f"  {w['no_causes']}")
    return "\n".join(lines)


def _field_line(kb: KnowledgeBase, ident: str, answered: dict, unknown: set, matched: list[str], lang: str) -> str:
    w = WORDS[lang]
    name = w["message"] if ident == "error_message" else title(kb, "observation", ident, lang)
    if ident in answered:
        value = value_text(kb, ident, answered[ident], lang)
        if ident == "symptoms" and matched:
            value = w["sep"].join(title(kb, "symptom", s, lang) for s in [*answered[ident], *matched])
        return f"{name}: {value}"
    if ident == "symptoms" and matched:
        return f"{name}: {w['sep'].join(title(kb, 'symptom', s, lang) for s in matched)}"
    return f"{name}: {w['unknown'] if ident in unknown else BLANK}"
