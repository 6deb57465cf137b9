"""A synthetic knowledge base of N entities (valid for the linter) for the site benchmark."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

SOURCE = [{"url": "https://support.apple.com/ja-jp/102562", "title": "iCloud メールが機能しない場合", "kind": "official"}]
AREAS = ["receive", "send", "connect", "auth", "delivery", "security"]
STAGES = ["auth", "receive", "network", "send", "device_os", "support"]
PLATFORMS = ["iphone", "ipad", "mac", "android", "windows", "web"]
JA = "iCloud メールの設定を確認し、端末を再起動してから、もう一度受信を試します。"
EN = "Check the iCloud Mail settings, restart the device, then try receiving again."


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _md(rng: random.Random, n: int) -> dict:
    ja = "\n\n".join(f"**{i + 1}.** {JA} 「設定」>「メール」> 項目 {rng.randint(1, 999)}。" for i in range(n))
    en = "\n\n".join(f"**{i + 1}.** {EN} Settings > Mail > item {rng.randint(1, 999)}." for i in range(n))
    return {"ja": ja, "en": en}


def _t(ja: str, en: str) -> dict:
    return {"ja": ja, "en": en}


def entity_counts(total: int) -> dict[str, int]:
    """How the total splits over kinds (symptoms, causes, remedies, observations)."""
    causes = total // 5
    symptoms = total // 5
    observations = total // 10
    return {"symptoms": symptoms, "causes": causes, "observations": observations, "remedies": total - causes - symptoms - observations}


def write_synthetic_kb(root: Path, total: int = 10_000, seed: int = 7) -> dict[str, int]:
    """Write `total` entities (plus their rules) under root; returns the counts per kind."""
    rng = random.Random(seed)
    counts = entity_counts(total)
    files: dict[str, dict[str, dict]] = {k: {} for k in ("observations", "symptoms", "causes", "remedies", "rules")}
    files["observations"]["symptoms"] = {
        "id": "symptoms",
        "type": "symptom_list",
        "title": _t("症状", "Symptoms"),
        "group": "message",
        "question": _t("何が起きていますか?", "What is happening?"),
        "why": _t("見えている症状から、疑う原因が決まります。", "What you see decides which causes are suspect."),
        "how_to_check": _md(rng, 1),
        "cost_minutes": 1,
    }
    for i in range(counts["observations"] - 1):
        files["observations"][f"obs_{i}"] = {
            "id": f"obs_{i}",
            "type": "boolean",
            "title": _t(f"確認項目 {i}", f"Check {i}"),
            "group": "context",
            "question": _t(f"確認項目 {i} は当てはまりますか?", f"Does check {i} apply?"),
            "why": _t(
                f"当てはまれば、確認項目 {i} に結び付く原因を疑います。", f"If it applies, the causes tied to check {i} are suspect."
            ),
            "how_to_check": _md(rng, 2),
            "cost_minutes": rng.choice([1, 2, 3, 5]),
        }
    remedy_ids = [f"remedy_{i}" for i in range(counts["remedies"])]
    for rid in remedy_ids:
        files["remedies"][rid] = {
            "id": rid,
            "title": _t(f"対処 {rid}", f"Remedy {rid}"),
            "stage": rng.choice(STAGES),
            "minutes": rng.choice([1, 2, 5, 10, 15]),
            "advice": "official",
            "summary": _md(rng, 2),
            "side_effects": _md(rng, 1),
            "reversible": True,
            "steps": {p: [_t(f"{JA} ({k + 1})", f"{EN} ({k + 1})") for k in range(3)] for p in rng.sample(PLATFORMS, 2)},
            "verify": _md(rng, 1),
            "sources": SOURCE,
        }
    symptom_ids = [f"symptom_{i}" for i in range(counts["symptoms"])]
    for sid in symptom_ids:
        files["symptoms"][sid] = {
            "id": sid,
            "title": _t(f"症状 {sid} が出る", f"Symptom {sid} appears"),
            "area": rng.choice(AREAS),
            "summary": _md(rng, 2),
            "details": _md(rng, 3),
            "messages": [
                {"text": _t(f"メッセージ {sid}", f"Message {sid}"), "platforms": ["iphone"], "status": "attested", "sources": SOURCE}
            ],
            "sources": SOURCE,
        }
    rules = []
    obs_ids = [o for o in files["observations"] if o != "symptoms"]
    for i in range(counts["causes"]):
        cid = f"cause_{i}"
        remedies = remedy_ids[(i * 3) % len(remedy_ids) : (i * 3) % len(remedy_ids) + 3] or remedy_ids[:1]
        files["causes"][cid] = {
            "id": cid,
            "title": _t(f"原因 {cid}", f"Cause {cid}"),
            "area": rng.choice(AREAS),
            "summary": _md(rng, 2),
            "details": _md(rng, 3),
            "remedies": remedies,
            "prior": round(rng.uniform(0.01, 0.5), 2),
            "sources": SOURCE,
        }
        rules.append(
            {
                "id": f"rule_{i}",
                "when": {
                    "all": [{"fact": "symptoms", "has": symptom_ids[i % len(symptom_ids)]}, {"fact": rng.choice(obs_ids), "is": True}]
                },
                "then": {"suspect": {"cause": cid, "weight": round(rng.uniform(0.1, 0.9), 2)}},
                "because": _t(f"理由 {i}", f"Reason {i}"),
            }
        )
    used = {r for c in files["causes"].values() for r in c["remedies"]}
    for rid in [r for r in remedy_ids if r not in used]:  # every remedy is listed by some cause
        files["causes"][f"cause_{rng.randrange(counts['causes'])}"]["remedies"].append(rid)
    for cause in files["causes"].values():
        cause["remedies"] = list(dict.fromkeys(cause["remedies"]))
    for k in range(0, len(rules), 500):
        topic = f"topic_{k // 500}"
        files["rules"][topic] = {"id": topic, "title": _t(f"判定 {topic}", f"Rules {topic}"), "rules": rules[k : k + 500]}
    schema = {"observations": "observation", "symptoms": "symptom", "causes": "cause", "remedies": "remedy", "rules": "rules"}
    for folder, items in files.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for ident, data in items.items():
            body = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=1000)
            (root / folder / f"{ident}.yaml").write_text(
                f"# yaml-language-server: $schema=../../schemas/{schema[folder]}.schema.json\n{body}", encoding="utf-8"
            )
    return {k: len(v) for k, v in files.items()}
