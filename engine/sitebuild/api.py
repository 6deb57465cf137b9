"""Machine-readable exports: api/kb.json (the whole knowledge base, versioned), api/rules.json (the engine's input in
both languages), api/rules.<lang>.json and api/steps.<lang>.json (the wizard's, one language each), api/patterns.json
(evidence.js's input) and /schemas/."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..kb import KnowledgeBase
from ..markdown import render, render_inline
from ..paths import schemas_dir
from .context import KIND_PATH
from .i18n import LANGS, label, text
from .plaintext import first_paragraph, shorten
from .render import write_if_changed

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


@dataclass
class RenderedTexts:
    """Markdown the wizard's files hold as HTML, by text (rendering is a pure function of the text). A build keeps
    it in its state, so that an incremental build renders only the texts it has not met (parsing every text again
    is most of the time of rewriting the wizard's files after one edit)."""

    block: dict[str, str] = field(default_factory=dict)
    inline: dict[str, str] = field(default_factory=dict)

    def html(self, text: str) -> str:
        found = self.block.get(text)
        if found is None:
            found = self.block[text] = render(text)
        return found

    def inline_html(self, text: str) -> str:
        found = self.inline.get(text)
        if found is None:
            found = self.inline[text] = render_inline(text)
        return found


def _add_html(entry: dict, name: str, rendered: RenderedTexts) -> None:
    """Render a Markdown field here, with the site's safe renderer, so the wizard never parses Markdown."""
    value = entry.get(name)
    if isinstance(value, dict):
        entry[f"{name}_html"] = {lang: rendered.html(text) for lang, text in value.items() if isinstance(text, str)}


# what api/rules.json (the wizard's input) takes from each kind; incremental builds watch the same fields
OBSERVATION_FIELDS = (
    "type", "derived", "title", "question", "why", "how_to_check", "cost_minutes", "group", "values", "unit", "minimum", "maximum",
    "pattern", "prior_true", "answerable",
)  # fmt: skip
CAUSE_FIELDS = ("title", "area", "remedies", "prior")
REMEDY_FIELDS = ("title", "stage", "minutes", "side_effects", "reversible", "advice")  # and the platforms of its steps
STEP_FIELDS = ("steps", "verify")  # api/steps.<lang>.json: what the wizard shows and prints under each step of a plan
SYMPTOM_FIELDS = ("title", "area", "messages", "search_phrases", "related")
WIZARD_GUIDES = ("general_checks", "consultation_template")  # the plan with no suspected cause; the consultation text
GUIDE_FIELDS = ("title", "sections")
WIZARD_FIELDS = tuple(dict.fromkeys(OBSERVATION_FIELDS + CAUSE_FIELDS + REMEDY_FIELDS + STEP_FIELDS + SYMPTOM_FIELDS + GUIDE_FIELDS))
MATCHED_FIELDS = ("messages", "search_phrases")  # the message matcher reads every language: an iPhone set to English


def step_platforms(remedy: dict) -> list[str]:
    """The platforms a remedy has steps for (the wizard's plan keeps to those that fit the person's platform)."""
    return sorted(remedy.get("steps") or ())


def _pick(entry: dict, fields: tuple[str, ...]) -> dict:
    return {k: entry[k] for k in fields if k in entry}


def rules_document(kb: KnowledgeBase, rendered: RenderedTexts | None = None) -> dict:
    """What the browser wizard needs to diagnose exactly like the engine: observations, rules, causes, remedies, messages."""
    rendered = rendered if rendered is not None else RenderedTexts()
    observations = {ident: _pick(obs, OBSERVATION_FIELDS) for ident, obs in sorted(kb.observations.items())}
    for obs in observations.values():
        _add_html(obs, "how_to_check", rendered)
    causes = {ident: _pick(c, CAUSE_FIELDS) for ident, c in sorted(kb.causes.items())}
    remedies = {}
    for ident, r in sorted(kb.remedies.items()):
        remedy = _pick(r, REMEDY_FIELDS)
        remedy["platforms"] = step_platforms(r)
        _add_html(remedy, "side_effects", rendered)
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


_LANG_SET = frozenset(LANGS)


def in_language(node: object, lang: str) -> object:
    """A JSON tree with every translated text ({"ja": …, "en": …}) cut down to `lang`, in the same shape ({lang: …}).

    A text that lacks `lang` is kept whole (the wizard then shows the language it has)."""
    if isinstance(node, dict):
        if node and node.keys() <= _LANG_SET:
            return {lang: node[lang]} if lang in node else node
        return {key: in_language(value, lang) for key, value in node.items()}
    if isinstance(node, list):
        return [in_language(value, lang) for value in node]
    return node


def wizard_document(kb: KnowledgeBase, lang: str, base: dict | None = None) -> dict:
    """api/rules.<lang>.json: api/rules.json with the texts of one language, which is all the wizard of that language
    shows. The messages and search phrases of symptoms keep every language (the matcher reads them all), and a
    Markdown field the wizard shows as pre-rendered HTML is left out; the engine's answers are unchanged.
    `base`: rules_document(kb), when the caller has it already (it is not changed)."""
    document = dict(base) if base is not None else rules_document(kb)
    symptoms = document.pop("symptoms")
    wizard = in_language(document, lang)
    for kind, name in (("observations", "how_to_check"), ("remedies", "side_effects")):
        for entry in wizard[kind].values():
            if f"{name}_html" in entry:
                entry.pop(name, None)
    wizard["symptoms"] = {
        ident: {key: value if key in MATCHED_FIELDS else in_language(value, lang) for key, value in symptom.items()}
        for ident, symptom in symptoms.items()
    }
    wizard["lang"] = lang
    return wizard


def steps_document(kb: KnowledgeBase, lang: str, rendered: RenderedTexts | None = None) -> dict:
    """api/steps.<lang>.json: each remedy's steps per platform and how to verify it, as safe HTML in one language.

    The wizard loads it after the first question, to show (and print) each step of a plan under its title."""
    rendered = rendered if rendered is not None else RenderedTexts()
    remedies = {}
    for ident, remedy in sorted(kb.remedies.items()):
        steps = {
            platform: [rendered.inline_html(words) for step in items if (words := text(step, lang))]
            for platform, items in (remedy.get("steps") or {}).items()
            if isinstance(items, list)
        }
        entry: dict = {"steps": {platform: items for platform, items in steps.items() if items}}
        if verify := text(remedy.get("verify"), lang):
            entry["verify"] = rendered.inline_html(verify)
        remedies[ident] = entry
    platforms = sorted({platform for remedy in remedies.values() for platform in remedy["steps"]})
    return {
        "format": RULES_FORMAT,
        "mailkb": __version__,
        "digest": kb.digest,
        "lang": lang,
        "platforms": {platform: label("platform", platform, lang) for platform in platforms},
        "remedies": remedies,
    }


def wizard_exports(kb: KnowledgeBase, rendered: RenderedTexts | None = None) -> dict[str, dict]:
    """The wizard's files under api/, by name: the engine's rules in both languages, and per language its texts and steps."""
    rendered = rendered if rendered is not None else RenderedTexts()
    exports = {"rules.json": rules_document(kb, rendered)}
    for lang in LANGS:
        exports[f"rules.{lang}.json"] = wizard_document(kb, lang, exports["rules.json"])
        exports[f"steps.{lang}.json"] = steps_document(kb, lang, rendered)
    return exports


def patterns_document(kb: KnowledgeBase) -> dict:
    """What site/static/evidence.js needs to read pasted evidence exactly like `mailkb evidence` (compiled patterns),
    and what each pattern means in words ({pattern id: {ja, en}}), which the wizard's paste box shows."""
    from ..evidence.patterns import build_book  # not the memo: incremental builds patch the knowledge base in place

    book = build_book(kb)
    meanings = {ident: meaning for ident, meaning in book.meanings.items() if meaning}
    return {"format": PATTERNS_FORMAT, "mailkb": __version__, "digest": kb.digest, **book.to_dict(), "meanings": meanings}


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


def write_wizard_exports(kb: KnowledgeBase, out: Path, rendered: RenderedTexts | None = None) -> list[str]:
    """Write the wizard's files (only those whose content changed); returns their site paths."""
    written = []
    for name, document in wizard_exports(kb, rendered).items():
        write_if_changed(out / "api" / name, json.dumps(document, ensure_ascii=False, separators=(",", ":")))
        written.append(f"/api/{name}")
    return written


def write_api(kb: KnowledgeBase, out: Path, fragments: dict[str, str] | None = None, rendered: RenderedTexts | None = None) -> list[str]:
    """Write the exports; returns their site paths."""
    (out / "api").mkdir(parents=True, exist_ok=True)
    (out / "api" / "kb.json").write_text(kb_json(kb, {} if fragments is None else fragments), encoding="utf-8")
    written = ["/api/kb.json"] + write_wizard_exports(kb, out, rendered)
    _dump(out / "api" / "patterns.json", patterns_document(kb))
    _dump(out / "api" / "messages.json", messages_document(kb))
    written += ["/api/patterns.json", "/api/messages.json"]
    target = out / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for schema in sorted(schemas_dir().glob("*.json")):
        shutil.copyfile(schema, target / schema.name)
        written.append(f"/schemas/{schema.name}")
    return written
