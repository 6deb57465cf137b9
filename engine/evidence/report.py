"""The text report of `mailkb evidence`: what was found, on which line, and what it means, in plain Japanese or English."""

from __future__ import annotations

from typing import Any

from ..kb import KnowledgeBase
from .patterns import book_for
from .reader import EvidenceResult

KIND_LABELS = {
    "dsn": {"ja": "配信状態通知（標準形式のエラー通知）", "en": "delivery status notification (standard bounce)"},
    "bounce": {"ja": "エラー通知（戻ってきたメール）", "en": "bounce (returned message)"},
    "headers": {"ja": "受け取ったメールのヘッダ", "en": "headers of a received message"},
    "alert": {"ja": "画面に表示されたメッセージ", "en": "an alert shown on screen"},
    "text": {"ja": "テキスト（判別できませんでした）", "en": "text (not recognised)"},
}
UI = {
    "privacy": {
        "ja": "この内容はこのコンピュータの中だけで読み取り、どこにも送信していません。本文は表示せず、コードやヘッダを含む行だけを示します。",
        "en": "This was read on this computer only and sent nowhere. Message bodies are not shown; only the lines that carry codes and headers.",
    },
    "kind": {"ja": "読み取った種類", "en": "What this is"},
    "found": {"ja": "見つかったこと", "en": "What was found"},
    "line": {"ja": "行", "en": "line"},
    "none": {"ja": "エンジンが使える情報は見つかりませんでした。", "en": "Nothing the engine can use was found."},
    "warnings": {"ja": "注意", "en": "Warnings"},
    "symptoms": {"ja": "一致した症状", "en": "Matching symptoms"},
    "next": {
        "ja": "原因の診断: mailkb diagnose に、この結果（--json の observations）を渡してください。",
        "en": "To diagnose: pass this result (the observations of --json) to mailkb diagnose.",
    },
    "from_headers": {
        "ja": "ヘッダの差出人・署名・送信元のドメインから判断しました。",
        "en": "Judged from the From, signing and envelope domains in the headers.",
    },
    "from_domain": {
        "ja": "宛先のドメインから判断しました。",
        "en": "Judged from the recipient's domain.",
    },
    "alert": {"ja": "既知の画面表示と一致しました。", "en": "Matches a known on-screen message."},
}


def _value_label(kb: KnowledgeBase, observation: str, value: Any, lang: str) -> str:
    obs = kb.observations.get(observation) or {}
    for item in obs.get("values") or ():
        if item.get("value") == value:
            return f"{value}({item['label'][lang]})" if lang == "ja" else f"{value} ({item['label'][lang]})"
    if isinstance(value, bool):
        return {"ja": {True: "はい", False: "いいえ"}, "en": {True: "yes", False: "no"}}[lang][value]
    return str(value)


def _meaning(kb: KnowledgeBase, source: str, lang: str) -> str:
    meaning = book_for(kb).meanings.get(source)
    if meaning:
        return meaning.get(lang, "")
    if source.endswith(".domain") or source == "domains.other":
        return UI["from_domain"][lang]
    if source.startswith("headers."):
        return UI["from_headers"][lang]
    if source == "alert":
        return UI["alert"][lang]
    return ""


def render(result: EvidenceResult, kb: KnowledgeBase, lang: str = "ja") -> str:
    """The report: kind, each finding with its line and meaning, the observations, warnings, the privacy note."""
    out = [f"{UI['kind'][lang]}: {KIND_LABELS[result.kind][lang]}", ""]
    if result.findings:
        out.append(f"{UI['found'][lang]}:")
        for index, finding in enumerate(result.findings):
            title = (kb.observations.get(finding.observation) or {}).get("title", {}).get(lang, finding.observation)
            out.append(f"- {title} = {_value_label(kb, finding.observation, finding.value, lang)}  ({UI['line'][lang]} {finding.line})")
            meaning = _meaning(kb, finding.source, lang)
            if meaning:
                out.append(f"  {meaning}")
            following = result.findings[index + 1] if index + 1 < len(result.findings) else None
            if following is None or (following.line, following.text) != (finding.line, finding.text):
                out.append(f"  > {finding.text}")  # the line, once after the findings it carries
    else:
        out.append(UI["none"][lang])
    if result.symptoms:
        names = [(kb.symptoms.get(s) or {}).get("title", {}).get(lang, s) for s in result.symptoms]
        out += ["", f"{UI['symptoms'][lang]}: " + (" / " if lang == "en" else "、").join(names)]
    if result.warnings:
        out += ["", f"{UI['warnings'][lang]}:"] + [f"- {w}" for w in result.warnings]
    if result.observations:
        out += ["", UI["next"][lang]]
    out += ["", UI["privacy"][lang]]
    return "\n".join(out)
