"""The readable diagnosis report: Japanese by default, English with lang="en"."""

from __future__ import annotations

from typing import Any

from .diagnosis import Diagnosis
from .kb import KnowledgeBase

LANGS = ("ja", "en")

WORDS = {
    "ja": {
        "title": "診断結果",
        "symptoms": "症状",
        "from_message": "エラーメッセージから判定",
        "causes": "考えられる原因",
        "no_causes": "原因はまだ絞り込めていません。下の一般的な確認を上から試してください。",
        "tried": "試したが直らなかった対処",
        "confidence": "確からしさ",
        "why": "理由",
        "ruled_out": "除外した原因",
        "by_rule": "規則",
        "plan": "対処の手順",
        "minutes": "約{m}分",
        "for": "対象",
        "side_effects": "影響",
        "next": "次に確かめると良いこと",
        "general": "一般的な確認",
        "stages": {"auth": "認証", "receive": "受信", "network": "回線", "send": "送信", "device_os": "端末・OS", "support": "サポート"},
        "sep": "、",
        "more_steps": "… ほかに {n} 件（すべて見るには --json）",
        "from_evidence": "証拠から取り込んだ観察",
        "message_source": "表示されたメッセージ",
        "no_evidence": "（証拠から新しく取り込んだ観察はありません）",
        "conflicts": "回答と食い違った証拠（回答のほうを使いました）",
        "answered": "回答",
        "evidence": "証拠",
        "true": "はい",
        "false": "いいえ",
    },
    "en": {
        "title": "Diagnosis",
        "symptoms": "Symptoms",
        "from_message": "matched from the error message",
        "causes": "Likely causes",
        "no_causes": "No cause stands out yet. Work through the general checks below from the top.",
        "tried": "tried without success",
        "confidence": "confidence",
        "why": "why",
        "ruled_out": "Ruled out",
        "by_rule": "rule",
        "plan": "What to do, in order",
        "minutes": "about {m} min",
        "for": "for",
        "side_effects": "side effects",
        "next": "Worth checking next",
        "general": "General checks",
        "stages": {
            "auth": "sign-in",
            "receive": "receiving",
            "network": "network",
            "send": "sending",
            "device_os": "device/OS",
            "support": "support",
        },
        "sep": ", ",
        "more_steps": "… {n} more (all of them with --json)",
        "from_evidence": "Observations taken from evidence",
        "message_source": "the message shown",
        "no_evidence": "(no new observation came from the evidence)",
        "conflicts": "Evidence that disagreed with your answers (your answers were used)",
        "answered": "answered",
        "evidence": "evidence",
        "true": "yes",
        "false": "no",
    },
}


def title(kb: KnowledgeBase, kind: str, ident: str, lang: str) -> str:
    """The localized title of an entity, or its id."""
    entity = kb.entities.get(kind, {}).get(ident) or {}
    return (entity.get("title") or {}).get(lang) or ident


def value_label(kb: KnowledgeBase, ident: str, value: Any, lang: str) -> str | None:
    """The localized label of an enum observation's value, or None (not an enum value)."""
    for option in kb.observations.get(ident, {}).get("values") or ():
        if option.get("value") == value:
            return option["label"][lang]
    return None


def first_paragraph(markdown: str) -> str:
    """The first paragraph of a Markdown text, on one line, without emphasis marks or list bullets."""
    paragraph = markdown.strip().split("\n\n", 1)[0]
    lines = (line.strip().removeprefix("- ").removeprefix("* ") for line in paragraph.splitlines())
    return " ".join(lines).replace("**", "").replace("`", "")


def _minutes(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render(diagnosis: Diagnosis, kb: KnowledgeBase, lang: str = "ja", *, max_causes: int = 5, max_steps: int = 8) -> str:
    """The report as text."""
    w = WORDS[lang]
    lines = [f"== {w['title']} =="]
    if diagnosis.symptoms:
        names = [
            title(kb, "symptom", s["id"], lang) + (f" ({w['from_message']})" if s["from"] == "error_message" else "")
            for s in diagnosis.symptoms
        ]
        lines.append(f"{w['symptoms']}: {w['sep'].join(names)}")
    if diagnosis.from_evidence is not None:
        lines += _evidence_lines(diagnosis, kb, lang)
    lines.append("")
    if diagnosis.causes:
        lines.append(f"{w['causes']}:")
        for number, cause in enumerate(diagnosis.causes[:max_causes], 1):
            lines.append(f"  {number}. {title(kb, 'cause', cause['id'], lang)} — {w['confidence']} {round(cause['confidence'] * 100)}%")
            for item in cause["evidence"]:
                lines.append(f"     {w['why']}: {item['because'][lang].strip()}")
            if cause.get("tried"):
                done = w["sep"].join(title(kb, "remedy", r, lang) for r in cause["tried"])
                lines.append(f"     {w['tried']}: {done}")
        if len(diagnosis.causes) > max_causes:
            rest = [title(kb, "cause", c["id"], lang) for c in diagnosis.causes[max_causes:]]
            lines.append(f"  … {w['sep'].join(rest)}")
    else:
        lines.append(w["no_causes"])
    if diagnosis.ruled_out:
        because = {rule["id"]: rule["because"] for rule in kb.rules}
        lines.append(f"{w['ruled_out']}:")
        for entry in diagnosis.ruled_out[:max_causes]:
            reason = because.get(entry["rule"], {}).get(lang, "").strip()
            lines.append(f"  - {title(kb, 'cause', entry['id'], lang)}: {reason} ({w['by_rule']} {entry['rule']})")
        if len(diagnosis.ruled_out) > max_causes:
            rest = [title(kb, "cause", r["id"], lang) for r in diagnosis.ruled_out[max_causes:]]
            lines.append(f"  … {w['sep'].join(rest)}")
    if diagnosis.plan:
        general = "general" in diagnosis.plan[0]
        lines += ["", f"{w['general'] if general else w['plan']}:"]
        sections = _general_sections(kb, lang) if general else {}
        section = None
        for number, step in enumerate(diagnosis.plan[:max_steps] if not general else diagnosis.plan, 1):
            if general and step.get("general") != section:
                section = step.get("general")
                lines.append(f" [{sections.get(section, section)}]")
            remedy = kb.remedies.get(step["remedy"], {})
            stage = w["stages"].get(step["stage"], step["stage"])
            minutes = w["minutes"].format(m=_minutes(step["minutes"]))
            target = f" ({w['for']}: {w['sep'].join(title(kb, 'cause', c, lang) for c in step['for'])})" if step["for"] else ""
            lines.append(f"  {number}. [{stage}] {title(kb, 'remedy', step['remedy'], lang)} — {minutes}{target}")
            effects = (remedy.get("side_effects") or {}).get(lang)
            if effects:
                lines.append(f"     {w['side_effects']}: {first_paragraph(effects)}")
        if not general and len(diagnosis.plan) > max_steps:
            lines.append("  " + w["more_steps"].format(n=len(diagnosis.plan) - max_steps))
    if diagnosis.next_questions:
        lines += ["", f"{w['next']}:"]
        for question in diagnosis.next_questions:
            observation = kb.observations.get(question["observation"], {})
            text = (observation.get("question") or observation.get("title") or {}).get(lang) or question["observation"]
            minutes = w["minutes"].format(m=_minutes(question["cost_minutes"]))
            lines.append(f"  - {text} ({minutes})")
            lines.append(f"    {w['why']}: {question['why'][lang].strip()}")
    return "\n".join(lines)


def _evidence_lines(diagnosis: Diagnosis, kb: KnowledgeBase, lang: str) -> list[str]:
    """Which observations came from evidence (--evidence, --probe), and where evidence lost to an answer."""
    w = WORDS[lang]

    def shown(ident: str, value: object) -> str:
        if isinstance(value, bool):
            return w["true" if value else "false"]
        if isinstance(value, list):
            return w["sep"].join(title(kb, "symptom", item, lang) for item in value)
        label = value_label(kb, ident, value, lang)
        return str(value) if label is None else label

    def name(ident: str) -> str:
        return title(kb, "observation", ident, lang)

    def source(name: str) -> str:  # the query's own error message is the source named after it (§12)
        return w["message_source"] if name == "error_message" else name

    lines = [f"{w['from_evidence']}:"]
    lines += [
        f"  - {name(e['observation'])}: {shown(e['observation'], e['value'])} ({source(e['source'])})"
        for e in diagnosis.from_evidence or ()
    ]
    if not diagnosis.from_evidence:
        lines.append(f"  {w['no_evidence']}")
    if diagnosis.evidence_conflicts:
        lines.append(f"{w['conflicts']}:")
        for c in diagnosis.evidence_conflicts:
            answered, evidence = shown(c["observation"], c["answered"]), shown(c["observation"], c["evidence"])
            lines.append(f"  - {name(c['observation'])}: {w['answered']} {answered} / {w['evidence']} {evidence} ({source(c['source'])})")
    return lines


def _general_sections(kb: KnowledgeBase, lang: str) -> dict[str, str]:
    """Section id -> title of the general checks guide."""
    guide = kb.entities.get("guide", {}).get("general_checks") or {}
    return {s["id"]: (s.get("title") or {}).get(lang, s["id"]) for s in guide.get("sections") or ()}
