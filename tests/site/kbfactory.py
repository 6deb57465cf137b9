"""A small, valid knowledge base written to a temporary folder, with every Markdown and text field set by the test."""

from __future__ import annotations

from pathlib import Path

import yaml

from mailkb.schemas import KIND_SCHEMAS

SOURCE = [{"url": "https://support.apple.com/ja-jp/102562", "title": "iCloud メールが機能しない場合", "kind": "official"}]


def _t(ja: str, en: str | None = None) -> dict:
    return {"ja": ja, "en": en if en is not None else ja + " (en)"}


def entities(md: str = "本文", text: str = "題名") -> dict[str, dict[str, dict]]:
    """Every kind once; `md` goes into each Markdown field, `text` into each plain text field."""
    m = _t(md)
    return {
        "observations": {
            "symptoms": {
                "id": "symptoms",
                "type": "symptom_list",
                "title": _t("症状" + text, "Symptoms " + text),
                "group": "message",
                "question": _t("何が表示されますか?" + text),
                "why": _t("何が起きているかで疑う原因が変わります。" + text),
                "how_to_check": m,
                "cost_minutes": 1,
            },
            "webmail_works": {
                "id": "webmail_works",
                "type": "boolean",
                "title": _t("iCloud.com で使える" + text),
                "group": "isolation",
                "question": _t("iCloud.com で使えますか?"),
                "why": _t("iCloud.com で使えれば、アカウントとサーバは正常です。"),
                "how_to_check": m,
                "cost_minutes": 3,
            },
        },
        "symptoms": {
            "cannot_get_mail": {
                "id": "cannot_get_mail",
                "title": _t("メールを取得できません" + text, "Cannot Get Mail" + text),
                "area": "receive",
                "summary": m,
                "details": m,
                "messages": [
                    {
                        "text": _t("メールを取得できません" + text, "Cannot Get Mail" + text),
                        "platforms": ["iphone"],
                        "status": "attested",
                        "note": _t(text),
                        "sources": SOURCE,
                    }
                ],
                "sources": SOURCE,
                "updated": "2026-11-28",
            },
        },
        "causes": {
            "storage_full": {
                "id": "storage_full",
                "title": _t("ストレージがいっぱい" + text),
                "area": "receive",
                "summary": m,
                "details": m,
                "seed_correction": m,
                "remedies": ["free_storage"],
                "prior": 0.1,
                "sources": SOURCE,
            },
        },
        "remedies": {
            "free_storage": {
                "id": "free_storage",
                "title": _t("空きを作る" + text),
                "stage": "receive",
                "minutes": 10,
                "advice": "official",
                "summary": m,
                "side_effects": m,
                "reversible": False,
                "steps": {"iphone": [m], "any": [m]},
                "verify": m,
                "seed_correction": m,
                "sources": SOURCE,
            },
        },
        "rules": {
            "receive": {
                "id": "receive",
                "title": _t("受信" + text),
                "rules": [
                    {
                        "id": "storage_rule",
                        "when": {"all": [{"fact": "symptoms", "has": "cannot_get_mail"}]},
                        "then": {"suspect": {"cause": "storage_full", "weight": 0.5}},
                        "because": _t("理由" + text),
                    },
                    {
                        "id": "webmail_rule",
                        "when": {"all": [{"fact": "webmail_works", "is": False}]},
                        "then": {"suspect": {"cause": "storage_full", "weight": 0.3}},
                        "because": _t("理由2" + text),
                    },
                ],
            },
        },
        "platforms": {
            "iphone": {
                "id": "iphone",
                "title": _t("iPhone" + text),
                "summary": m,
                "settings": [{"id": "fetch", "label": _t(text), "path": _t(text), "recommended": _t(text), "note": m, "sources": SOURCE}],
                "known_issues": [{"id": "k", "versions": text, "symptom": _t(text), "workaround": m, "fix": m, "sources": SOURCE}],
                "sources": SOURCE,
            },
        },
        "carriers": {
            "docomo": {
                "id": "docomo",
                "title": _t("ドコモ" + text, "docomo" + text),
                "summary": m,
                "filter_service": _t(text),
                "settings": [
                    {"id": "s", "name": _t(text), "effect": m, "recommendation": m, "blocks_icloud": "sometimes", "sources": SOURCE}
                ],
                "allow_steps": [m],
                "checks": [{"item": _t(text), "recommendation": _t(text)}],
                "sources": SOURCE,
            },
        },
        "guides": {
            "seven_steps": {
                "id": "seven_steps",
                "title": _t("直す順番" + text),
                "kind": "procedure",
                "summary": m,
                "body": m,
                "sections": [
                    {
                        "id": "one",
                        "title": _t(text),
                        "body": m,
                        "items": [
                            {
                                "id": "a",
                                "label": _t(text),
                                "detail": m,
                                "action": _t(text),
                                "effect": _t(text),
                                "minutes": 1,
                                "stage": "auth",
                                "refs": ["cause:storage_full"],
                            }
                        ],
                    }
                ],
                "sources": SOURCE,
            },
            "final_check": {
                "id": "final_check",
                "title": _t("最終確認" + text),
                "kind": "checklist",
                "summary": m,
                "sections": [
                    {
                        "id": "one",
                        "title": _t(text),
                        "items": [{"id": "a", "label": _t(text), "detail": m, "action": _t(text), "priority": "high"}],
                    }
                ],
                "sources": SOURCE,
            },
        },
        "reference": {
            "server_settings": {
                "id": "server_settings",
                "title": _t("サーバ設定" + text),
                "summary": m,
                "values": [{"id": "imap", "label": _t(text), "value": "imap.mail.me.com", "note": m, "sources": SOURCE}],
                "sources": SOURCE,
            },
        },
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):  # the loader refuses anchors and aliases
        return True


SCHEMA_OF = KIND_SCHEMAS


def write_kb(root: Path, md: str = "本文", text: str = "題名") -> Path:
    """Write the knowledge base under `root` and return it."""
    for folder, items in entities(md, text).items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for ident, data in items.items():
            body = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
            modeline = f"# yaml-language-server: $schema=../../schemas/{SCHEMA_OF[folder]}.schema.json\n"
            (root / folder / f"{ident}.yaml").write_text(modeline + body, encoding="utf-8")
    return root
