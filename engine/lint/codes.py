"""Every lint code: its name, severity and how to fix it. Codes never change meaning."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    name: str
    severity: str  # "error" or "warning"
    hint: str


CODES: dict[str, Code] = {
    # the text of one file
    "MK101": Code("yaml-syntax", "error", "Fix the YAML syntax at this position (indentation, a missing colon or quote)."),
    "MK102": Code("duplicate-key", "error", "Remove or rename the second key; YAML keeps only one of them."),
    "MK103": Code("anchor-alias", "error", "Write the value out in full; anchors (&), aliases (*) and merge keys (<<) are not allowed."),
    "MK104": Code("encoding", "error", "Save the file as UTF-8 text."),
    "MK105": Code("empty-file", "error", "Write the entity as a YAML mapping, or delete the file."),
    "MK106": Code("unsupported-tag", "error", "Remove the !tag; write plain strings, numbers, booleans, lists and mappings."),
    "MK107": Code("file-too-large", "error", "Split the content: one entity per file, each well under 1 MiB."),
    "MK108": Code(
        "modeline",
        "warning",
        "Start the file with '# yaml-language-server: $schema=../../schemas/<kind>.schema.json' so editors complete fields.",
    ),
    "MK109": Code("stray-file", "warning", "Put knowledge files in a kind folder (observations/, symptoms/, …) with the .yaml extension."),
    "MK110": Code("multiple-documents", "error", "Keep one YAML document per file; remove the '---' separator and split the file."),
    # one file against its schema
    "MK201": Code("missing-field", "error", "Add the required field; see the schema's description of it."),
    "MK202": Code("unknown-field", "error", "Remove the field or fix its spelling; the schema lists the allowed fields."),
    "MK203": Code("wrong-type", "error", "Give the field a value of the type the schema asks for (text, number, list, mapping)."),
    "MK204": Code("value-not-allowed", "error", "Use one of the allowed values or keep within the bounds the schema gives."),
    # the knowledge base as a whole
    "MK301": Code("duplicate-id", "error", "Ids must be unique within a kind (rule ids across all rule files); rename one."),
    "MK302": Code("id-filename", "error", "Name the file after the id (<id>.yaml), or change the id; published ids never change."),
    "MK303": Code("unresolved-reference", "error", "Reference an id that exists, or add the missing entity."),
    "MK304": Code("rule-value", "error", "Use an operator and value the observation's type allows (its values, bounds or symptom ids)."),
    "MK305": Code("unreachable-cause", "error", "Add a rule that suspects this cause (then: {suspect: {cause: …, weight: …}})."),
    "MK306": Code("unused-remedy", "error", "List the remedy under the `remedies` of the cause(s) it fixes, or delete it."),
    "MK307": Code("translation-missing", "error", "Write both ja and en, each non-empty: Japanese first, English a faithful translation."),
    "MK308": Code("sources-missing", "error", "Add `sources: [{url, title, kind}]` — official for Apple, carriers and RFCs."),
    "MK309": Code("markdown", "error", "Write Markdown without raw HTML; links must be http(s), mailto or relative."),
    "MK310": Code("underived-fact", "error", "Add a rule that derives this fact, or test an observation instead."),
    "MK311": Code(
        "derived-not-input", "error", "Derive facts only into observations marked `derived: true`; never test `answered` on a derived fact."
    ),
    "MK312": Code(
        "engine-limit",
        "error",
        "Keep rules within what the engine runs correctly: ≤ 16 conditions, ≤ 200 `in` values, numbers 0 or 1e-4 ≤ |x| < 1e15.",
    ),
    "MK313": Code("translation-structure", "warning", "Give ja and en the same structure (list items, headings, links, code)."),
    "MK314": Code("unused-observation", "warning", "Use the observation in a rule, or remove it from the vocabulary."),
    "MK315": Code("source-inconsistent", "warning", "Cite a URL with the same title and kind everywhere; copy them from its first use."),
    # what the knowledge says
    "MK320": Code(
        "placeholder-unknown",
        "error",
        "Use a known placeholder: {account}, {address}, {domain}, {host}, {ip} or {number} (docs/engine-semantics.md §2).",
    ),
    "MK321": Code(
        "pattern-literal",
        "error",
        "Write {address}, {ip} or {domain} where a real address, IP or example domain varies, so pasted messages with other values match.",
    ),
    "MK322": Code(
        "internal-label",
        "error",
        'Name the common article 「よく見かける解説」 / "widely circulated guide"; 「元記事」 and "seed" are internal words.',
    ),
    "MK323": Code(
        "contradicted-evidence",
        "error",
        "Require evidence beyond what the cause's not_indicated_by lists, or lower the claim; the cause's own sources say it does not point there.",
    ),
    "MK324": Code(
        "source-language",
        "warning",
        "Make `lang` match the page's locale (ja-jp → ja, en-xx → en); put an `en` alternate only on a Japanese page.",
    ),
    # evidence patterns
    "MK330": Code(
        "pattern-invalid",
        "error",
        "Write `match` as literal text with known {placeholders}, give an `example` line it matches, and yield input observations with values they accept.",
    ),
}
