"""Machine-readable exports: api/kb.json (the whole knowledge base, versioned), api/rules.json (the wizard's input),
api/patterns.json (evidence.js's input) and /schemas/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .. import __version__
from ..kb import KnowledgeBase
from ..markdown import render
from ..paths import schemas_dir
from .context import KIND_PATH
from .plaintext import first_paragraph, shorten

KB_FORMAT = 1  # bump when the shape of api/kb.json changes incompatibly
RULES_FORMAT = 1
PATTERNS_FORMAT = 1
MESSAGES_FORMAT = 1
MEANING_LENGTH = 120  # characters of a symptom's summary shown as "this message means …" on the search page


def kb_document(kb: KnowledgeBase) -> dict:
    """The whole knowledge base as one JSON document."""
    return {
        "format": KB_FORMAT,
        "mailkb": __version__,
        "digest": kb.digest,
        "kinds": {KIND_PATH[kind]: dict(sorted(items.items())) for kind, items in kb.entities.items() if kind in KIND_PATH},
        "rules": {topic: data for topic, data in sorted(kb.rule_files.items())},
    }


def _add_html(entry: dict, field: str) -> None:
    """Render a Markdown field here, with the site's safe renderer, so the wizard never parses Markdown."""
    value = entry.get(field)
    if isinstance(value, dict):
        entry[f"{field}_html"] = {lang: render(text) for lang, text in value.items() if isinstance(text, str)}


# what api/rules.json (the wizard's input) takes from each kind; incremental builds watch the same fields
OBSERVATION_FIELDS = (
    "type", "derived", "title", "question", "why", "how_to_check", "cost_minutes", "group", "values", "unit", "minimum", "maximum",
    "pattern", "prior_true",
)  # fmt: skip
CAUSE_FIELDS = ("title", "area", "remedies", "prior")
REMEDY_FIELDS = ("title", "stage", "minutes", "side_effects", "reversible", "advice")  # and the platforms of its steps
SYMPTOM_FIELDS = ("title", "area", "messages", "search_phrases", "related")
WIZARD_GUIDES = ("general_checks", "consultation_template")  # the plan with no suspected cause; the consultation text
GUIDE_FIELDS = ("title", "sections")
WIZARD_FIELDS = tuple(dict.fromkeys(OBSERVATION_FIELDS + CAUSE_FIELDS + REMEDY_FIELDS + SYMPTOM_FIELDS + GUIDE_FIELDS))


def step_platforms(remedy: dict) -> list[str]:
    """The platforms a remedy has steps for (the wizard's plan keeps to those that fit the person's platform)."""
    return sorted(remedy.get("steps") or ())


def _pick(entry: dict, fields: tuple[str, ...]) -> dict:
    return {k: entry[k] for k in fields if k in entry}


def rules_document(kb: KnowledgeBase) -> dict:
    """What the browser wizard needs to diagnose exactly like the engine: observations, rules, causes, remedies, messages."""
    observations = {ident: _pick(obs, OBSERVATION_FIELDS) for ident, obs in sorted(kb.observations.items())}
    for obs in observations.values():
        _add_html(obs, "how_to_check")
    causes = {ident: _pick(c, CAUSE_FIELDS) for ident, c in sorted(kb.causes.items())}
    remedies = {}
    for ident, r in sorted(kb.remedies.items()):
        remedy = _pick(r, REMEDY_FIELDS)
        remedy["platforms"] = step_platforms(r)
        _add_html(remedy, "side_effects")
        remedies[ident] = remedy
    symptoms = {
        ident: {
            "title": s.get("title"),
            "area": s.get("area"),
            "messages": [m.get("text") for m in s.get("messages") or ()],
            "search_phrases": list(s.get("search_phrases") or ()),
            "related": [r for r in s.get("related") or () if r.startswith(("cause:", "symptom:"))],
        }
        for ident, s in sorted(kb.symptoms.items())
    }
    rules = [{**rule, "topic": kb.rule_topic.get(rule.get("id", ""), "")} for rule in kb.rules]
    for rule in rules:
        rule.pop("sources", None)
    guides = {ident: _wizard_guide(kb.entities["guide"][ident]) for ident in WIZARD_GUIDES if ident in kb.entities.get("guide", {})}
    return {
        "format": RULES_FORMAT,
        "mailkb": __version__,
        "digest": kb.digest,
        "observations": observations,
        "causes": causes,
        "remedies": remedies,
        "symptoms": symptoms,
        "rules": rules,
        "guides": guides,
    }


def patterns_document(kb: KnowledgeBase) -> dict:
    """What site/static/evidence.js needs to read pasted evidence exactly like `mailkb evidence` (compiled patterns)."""
    from ..evidence.patterns import build_book  # not the memo: incremental builds patch the knowledge base in place

    return {"format": PATTERNS_FORMAT, "mailkb": __version__, "digest": kb.digest, **build_book(kb).to_dict()}


def _wizard_guide(guide: dict) -> dict:
    """A guide's sections and items as the wizard reads them: ids, titles, labels, details and references."""
    sections = [
        {
            "id": section.get("id"),
            "title": section.get("title"),
            "items": [{k: item[k] for k in ("id", "label", "detail", "refs") if k in item} for item in section.get("items") or ()],
        }
        for section in guide.get("sections") or ()
    ]
    return {"title": guide.get("title"), "sections": sections}


def messages_document(kb: KnowledgeBase) -> dict:
    """What the search page needs to recognise a pasted alert: each symptom's messages, search phrases, title and meaning.

    The shape of `symptoms` is the one `makeMatcher` in site/static/rulelang.js reads (as in api/rules.json), plus the
    title and the first sentences of the summary as plain text, per language.
    """
    symptoms = {}
    for ident, symptom in sorted(kb.symptoms.items()):
        summary = symptom.get("summary") if isinstance(symptom.get("summary"), dict) else {}
        symptoms[ident] = {
            "title": symptom.get("title"),
            "meaning": {lang: shorten(first_paragraph(value), MEANING_LENGTH) for lang, value in summary.items() if isinstance(value, str)},
            "messages": [m.get("text") for m in symptom.get("messages") or ()],
            "search_phrases": list(symptom.get("search_phrases") or ()),
        }
    return {"format": MESSAGES_FORMAT, "mailkb": __version__, "symptoms": symptoms}


def entry_json(entry: dict) -> str:
    """One entry as it appears inside api/kb.json."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def kb_json(kb: KnowledgeBase, fragments: dict[str, str]) -> str:
    """api/kb.json as text, from per-entry JSON fragments ("kind:id" -> JSON), filled in for entries not yet there.

    Equal to dumping kb_document(kb); the fragments let an incremental build re-encode only what changed. A kind's
    joined entries are kept too (under "#kind"): whoever drops an entry's fragment drops its kind's (`rebuild`).
    """
    head = {"format": KB_FORMAT, "mailkb": __version__, "digest": kb.digest}
    parts = []
    for kind, items in kb.entities.items():
        if kind not in KIND_PATH:
            continue
        joined = fragments.get(f"#{kind}")
        if joined is None:
            entries = []
            for ident in sorted(items):
                ref = f"{kind}:{ident}"
                if ref not in fragments:
                    fragments[ref] = entry_json(items[ident])
                entries.append(f"{json.dumps(ident, ensure_ascii=False)}:{fragments[ref]}")
            joined = fragments[f"#{kind}"] = ",".join(entries)
        parts.append(f'"{KIND_PATH[kind]}":{{{joined}}}')
    rules = json.dumps(dict(sorted(kb.rule_files.items())), ensure_ascii=False, separators=(",", ":"))
    return entry_json(head)[:-1] + f',"kinds":{{{",".join(parts)}}},"rules":{rules}}}'


def _dump(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False), encoding="utf-8")


def write_api(kb: KnowledgeBase, out: Path, fragments: dict[str, str] | None = None) -> list[str]:
    """Write the exports; returns their site paths."""
    (out / "api").mkdir(parents=True, exist_ok=True)
    (out / "api" / "kb.json").write_text(kb_json(kb, {} if fragments is None else fragments), encoding="utf-8")
    _dump(out / "api" / "rules.json", rules_document(kb))
    _dump(out / "api" / "patterns.json", patterns_document(kb))
    _dump(out / "api" / "messages.json", messages_document(kb))
    written = ["/api/kb.json", "/api/rules.json", "/api/patterns.json", "/api/messages.json"]
    target = out / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for schema in sorted(schemas_dir().glob("*.json")):
        shutil.copyfile(schema, target / schema.name)
        written.append(f"/schemas/{schema.name}")
    return written
