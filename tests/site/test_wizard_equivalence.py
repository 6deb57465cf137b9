"""One rule language, two evaluators: the wizard's JavaScript answers exactly like the Python engine.

Random knowledge bases (random rules over a small vocabulary) and random observation sets (with `unknown` and
`tried` lists) are diagnosed by `mailkb.diagnose` (reference backend) and by site/static/rulelang.js in Node;
the outputs must be equal: symptoms, derived facts, causes with confidences, evidence and tried steps,
ruled-out causes, plan (general checks included), next questions with their values, trace, and the
consultation text in both languages. The bundled knowledge base gets the same treatment with observation sets
drawn from its own vocabulary.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb import KnowledgeBase, load_kb
from mailkb.consultation import consultation
from mailkb.diagnosis import diagnose
from mailkb.query import WHOLE_UNITS, validate
from mailkb.sitebuild.api import patterns_document, rules_document

from .nodejs import NodeEngine

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

BOOLS = ["b1", "b2", "b3", "b4"]
CAUSES = ["c1", "c2", "c3", "c4", "c5", "c6"]
REMEDIES = ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]
SYMPTOMS = {
    "s_server": [{"ja": "サーバへの接続に失敗しました。", "en": "The connection to the server failed."}],
    "s_password": [{"ja": "“iCloud”のパスワードを入力", "en": "Enter the password for “iCloud”"}],
    "s_cannot_get": [{"ja": "メールを取得できません", "en": "Cannot Get Mail"}],
    "s_prompt": [{"ja": "“iCloud”のアカウント“{address}”のパスワードを入力", "en": "Enter the password for “{address}”"}],
    "s_bounce": [{"ja": "550 5.1.1 <{address}>: user does not exist", "en": "rejected due to {domain} DMARC policy"}],
    "s_port": [{"ja": "サーバ“{host}”のポート {number} への接続", "en": "dnsbl-lookup.cgi?ip={ip}"}],
    "s_account": [{"ja": "{account}のパスワードを入力", "en": "ssl3_get_record:wrong version number"}],
}
STAGES = ["auth", "receive", "network", "send", "device_os", "support"]
MESSAGE_PIECES = [
    "サーバーへの接続に失敗しました",
    "サーバへの接続に失敗しました。",
    "「仕事用」のパスワードを入力",
    "“iCloud”のパスワードを入力",
    "Cannot Get Mail",
    "cannot get mail!!",
    "メールを取得できません",
    "ｻｰﾊﾞ",
    "The connection to the server",
    "取得できません",
    "Apple ID",
    "エラー: ",
    " ",
    "\n",
    "（",
    "）",
    "⚠️",
    "ー",
    "メール",
    'Enter the password for "Work"',
    "taro@icloud.com",
    "Taro.Yamada+x@ME.COM",
    "<",
    ">: user does not exist",
    "550 5.1.1 ",
    "mx01.mail.icloud.com",
    "shop-example.co.jp",
    "17.57.155.23",
    "dnsbl-lookup.cgi?ip=",
    "ポート 993 ",
    "587",
    "@",
    ".",
    "-",
    "\ue001",
    "ssl3_get_record:",
    "wrong version number",
    "ｔａｒｏ＠ｉｃｌｏｕｄ．ｃｏｍ",
    " パスワード: Abc123! ",  # secrets the consultation text must remove, in both implementations
    " 確認コードは 123 456 です ",
    " abcd-efgh-ijkl-mnop ",
    "password is s3cret#",
    # bounce lines the evidence patterns read (§12): codes, reasons, recipients, a carrier domain, a DMARC rejection
    "552 5.2.2 <hanako@icloud.com>: user is over quota",
    "550 5.7.1 Your message was rejected due to shop-example.co.jp DMARC policy.",
    "554 5.7.1 [CS01] Message rejected due to local policy",
    "450 4.2.2 user is overquota",
    "<taro@docomo.ne.jp>",
    "Diagnostic-Code: smtp; ",
]


def _t(text: str) -> dict:
    return {"ja": text, "en": text}


def _observations() -> dict[str, dict]:
    obs: dict[str, dict] = {
        b: {"id": b, "type": "boolean", "title": _t(b), "group": "context", "cost_minutes": c}
        for b, c in zip(BOOLS, (1, 3, 0, 5), strict=True)
    }
    obs["e1"] = {
        "id": "e1",
        "type": "enum",
        "title": _t("e1"),
        "group": "context",
        "cost_minutes": 2,
        "values": [{"value": v, "label": _t(v)} for v in ("x", "y", "z")],
    }
    obs["n1"] = {
        "id": "n1",
        "type": "number",
        "title": _t("n1"),
        "group": "context",
        "cost_minutes": 1,
        "unit": "percent",
        "minimum": 0,
        "maximum": 100,
    }
    obs["error_message"] = {"id": "error_message", "type": "text", "title": _t("m"), "group": "message", "cost_minutes": 1}
    obs["symptoms"] = {"id": "symptoms", "type": "symptom_list", "title": _t("s"), "group": "message", "cost_minutes": 1}
    obs["d1"] = {
        "id": "d1",
        "type": "enum",
        "derived": True,
        "title": _t("d1"),
        "group": "derived",
        "values": [{"value": v, "label": _t(v)} for v in ("p", "q")],
    }
    obs["d2"] = {"id": "d2", "type": "boolean", "derived": True, "title": _t("d2"), "group": "derived"}
    return obs


def _condition(draw) -> dict:
    fact = draw(st.sampled_from(BOOLS + ["e1", "n1", "symptoms", "d1", "d2", "error_message"]))
    if fact in BOOLS:
        op = draw(st.sampled_from(["is", "is", "is_not", "answered"]))
        return {"fact": fact, op: False if op == "answered" else draw(st.booleans())}
    if fact == "e1":
        op = draw(st.sampled_from(["is", "is_not", "in", "not_in", "answered"]))
        if op == "answered":
            return {"fact": fact, "answered": False}
        if op in ("in", "not_in"):
            return {"fact": fact, op: draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True))}
        return {"fact": fact, op: draw(st.sampled_from(["x", "y", "z"]))}
    if fact == "n1":
        op = draw(st.sampled_from(["gt", "gte", "lt", "lte", "is", "answered"]))
        return (
            {"fact": fact, "answered": False} if op == "answered" else {"fact": fact, op: draw(st.sampled_from([0, 10, 50, 50.5, 90, 100]))}
        )
    if fact == "symptoms":
        op = draw(st.sampled_from(["has", "has", "answered"]))
        return {"fact": fact, "answered": False} if op == "answered" else {"fact": fact, "has": draw(st.sampled_from(sorted(SYMPTOMS)))}
    if fact == "error_message":
        return {"fact": fact, "answered": False}
    if fact == "d1":
        op = draw(st.sampled_from(["is", "is_not", "in"]))
        return {"fact": fact, op: ["p", "q"] if op == "in" else draw(st.sampled_from(["p", "q"]))}
    return {"fact": fact, "is": draw(st.booleans())}


def _node(draw, depth: int = 0) -> dict:
    if depth < 2 and draw(st.integers(0, 3)) == 0:
        group = draw(st.sampled_from(["all", "any"]))
        size = draw(st.integers(2, 3))
        return {group: [_node(draw, depth + 1) for _ in range(size)]}
    return _condition(draw)


@st.composite
def knowledge_bases(draw) -> KnowledgeBase:
    kb = KnowledgeBase(root=None, digest="synthetic")  # type: ignore[arg-type]
    kb.entities["observation"] = _observations()
    kb.entities["symptom"] = {
        s: {
            "id": s,
            "title": _t(s),
            "area": "receive",
            "summary": _t(s),
            "messages": [{"text": m, "platforms": ["iphone"], "status": "attested"} for m in msgs],
        }
        for s, msgs in SYMPTOMS.items()
    }
    kb.entities["remedy"] = {
        r: {"id": r, "title": _t(r), "stage": draw(st.sampled_from(STAGES)), "minutes": draw(st.sampled_from([1, 2, 3, 5, 10, 0.5, 30]))}
        for r in REMEDIES
    }
    kb.entities["cause"] = {}
    for c in CAUSES:
        cause = {
            "id": c,
            "title": _t(c),
            "area": "receive",
            "remedies": draw(st.lists(st.sampled_from(REMEDIES), min_size=1, max_size=4, unique=True)),
        }
        if draw(st.booleans()):
            cause["prior"] = draw(st.sampled_from([0.1, 0.2, 0.5]))
        kb.entities["cause"][c] = cause
    rules = []
    for index in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(["suspect", "suspect", "suspect", "rule_out", "derive"]))
        if kind == "suspect":
            then = {
                "suspect": {
                    "cause": draw(st.sampled_from(CAUSES)),
                    "weight": draw(st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.6, 0.7, 0.9, 1])),
                }
            }
        elif kind == "rule_out":
            then = {"rule_out": draw(st.sampled_from(CAUSES))}
        else:
            then = {"derive": draw(st.sampled_from([{"d1": "p"}, {"d1": "q"}, {"d2": True}, {"d2": False}]))}
        when = _node(draw)
        rules.append(
            {
                "id": f"rule_{index}",
                "when": when if "fact" not in when else {"all": [when]},
                "then": then,
                "because": _t(f"because {index}"),
            }
        )
    kb.rules = rules
    kb.rule_files = {"topic": {"id": "topic", "title": _t("t"), "rules": rules}}
    kb.rule_topic = {r["id"]: "topic" for r in rules}
    return kb


def queries(kb: KnowledgeBase) -> st.SearchStrategy[dict[str, Any]]:
    """Valid observation sets over `kb`'s input vocabulary."""
    parts: dict[str, st.SearchStrategy] = {}
    thresholds = sorted(
        {
            c[op]
            for r in kb.rules
            for c in _leaves(r["when"])
            for op in ("gt", "gte", "lt", "lte", "is")
            if op in c and isinstance(c[op], (int, float)) and not isinstance(c[op], bool)
        }
    )
    for ident, obs in kb.observations.items():
        if obs.get("derived"):
            continue
        kind = obs["type"]
        if kind == "boolean":
            parts[ident] = st.booleans()
        elif kind == "enum":
            parts[ident] = st.sampled_from([v["value"] for v in obs["values"]])
        elif kind == "number":
            low, high = obs["minimum"], obs["maximum"]
            whole = obs.get("unit") in WHOLE_UNITS  # ports, counts, codes and bits are whole numbers
            near = [t + d for t in thresholds for d in (-1, 0, 1, 0.5) if low <= t + d <= high and (not whole or float(t + d).is_integer())]
            parts[ident] = st.one_of(st.sampled_from(near or [low]), st.integers(int(low), int(high)))
        elif kind == "symptom_list":
            parts[ident] = st.lists(st.sampled_from(sorted(kb.symptoms)), max_size=3, unique=True) if kb.symptoms else st.just([])
        elif ident == "error_message":
            phrases = [
                m.get("text", {}).get(lang, "") for s in kb.symptoms.values() for m in s.get("messages") or () for lang in ("ja", "en")
            ]
            parts[ident] = st.lists(st.sampled_from(MESSAGE_PIECES + [p for p in phrases if p]), min_size=1, max_size=4).map("".join)
        else:
            values = sorted(
                {str(c[op]) for r in kb.rules for c in _leaves(r["when"]) if c.get("fact") == ident for op in ("is", "is_not") if op in c}
            )
            if values:
                parts[ident] = st.sampled_from(values)
    return st.fixed_dictionaries({}, optional=parts).flatmap(lambda query: _with_lists(kb, query))


def _with_lists(kb: KnowledgeBase, query: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The query, sometimes with `unknown` (unanswered inputs) and `tried` (remedy ids) lists."""
    unanswered = sorted(k for k, o in kb.observations.items() if not o.get("derived") and k not in query)
    lists: dict[str, st.SearchStrategy] = {}
    if unanswered:
        lists["unknown"] = st.lists(st.sampled_from(unanswered), max_size=4, unique=True)
    if kb.remedies:
        lists["tried"] = st.lists(st.sampled_from(sorted(kb.remedies)), max_size=3, unique=True)
    return st.fixed_dictionaries({}, optional=lists).map(lambda extra: {**query, **extra})


def _leaves(node: dict):
    if "fact" in node:
        yield node
        return
    for group in ("all", "any"):
        for child in node.get(group, ()):
            yield from _leaves(child)


def _python(kb: KnowledgeBase, query: dict, order: str) -> dict:
    diagnosis = diagnose(query, kb=kb, backend="reference", order=order)
    result = diagnosis.to_dict()
    result.pop("engine")
    result["consult"] = {lang: consultation(diagnosis, kb, validate(kb, query), lang) for lang in ("ja", "en")}
    return json.loads(json.dumps(result))  # the JSON the site would see


def _javascript(node: NodeEngine, query: dict, order: str, doc: dict | None = None, patterns: dict | None = None) -> dict:
    result = node.diagnose(query, order, doc, consult=True, patterns=patterns)
    result.pop("engine")
    return result


@pytest.fixture(scope="module")
def node():
    engine = NodeEngine()
    yield engine
    engine.close()


@SETTINGS
@given(data=st.data(), kb=knowledge_bases(), order=st.sampled_from(["value", "stages"]))
def test_random_rules_and_observations_agree(node, data, kb, order):
    doc = json.loads(json.dumps(rules_document(kb)))
    patterns = json.loads(json.dumps(patterns_document(kb)))
    for _ in range(3):
        query = data.draw(queries(kb))
        assert _javascript(node, query, order, doc, patterns) == _python(kb, query, order), query


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb()  # the knowledge base must be valid: `make test` lints it first
    doc = json.loads(json.dumps(rules_document(kb)))
    patterns = json.loads(json.dumps(patterns_document(kb)))
    return kb, doc, queries(kb), patterns


# no example database here: the knowledge base (and so the strategy's shape) changes between runs
@settings(SETTINGS, database=None)
@given(data=st.data(), order=st.sampled_from(["value", "stages"]))
def test_bundled_knowledge_base_agrees(node, bundled, data, order):
    kb, doc, strategy, patterns = bundled
    query = data.draw(strategy)
    assert _javascript(node, query, order, doc, patterns) == _python(kb, query, order), query


FILLERS = {
    "{address}": ["taro@icloud.com", "Hanako.Yamada+mail@ME.COM", "a@b", "x@@icloud.com", "@icloud.com", "ｔａｒｏ＠ｉｃｌｏｕｄ．ｃｏｍ"],
    "{domain}": ["example.co.jp", "shop-example.com.", "a.b", "icloud", "-mx.icloud.com-"],
    "{host}": ["mx01.mail.icloud.com", "17.57.155.23", "imap.mail.me.com"],
    "{ip}": ["203.0.113.7", "1.2.3", "1.2.3.4.5", "256.1.1.1"],
    "{number}": ["993", "587", "5.7.1", "０９９３", ""],
    "{account}": ["“iCloud”", "「仕事用」", '"Gmail"', "iCloud"],
}


@st.composite
def filled_messages(draw, kb: KnowledgeBase) -> str:
    """A UI message of the knowledge base with its placeholders filled with real, odd or wrong values."""
    texts = [m["text"][lang] for s in kb.symptoms.values() for m in s.get("messages") or () for lang in ("ja", "en")]
    text = draw(st.sampled_from(texts))
    for placeholder, values in FILLERS.items():
        while placeholder in text:
            text = text.replace(placeholder, draw(st.sampled_from(values)), 1)
    return draw(st.sampled_from(["", "Error: ", "メール "])) + text + draw(st.sampled_from(["", "。", " (code 0)"]))


@settings(SETTINGS, database=None)
@given(data=st.data())
def test_bundled_messages_match_alike(node, bundled, data):
    """The typed placeholders of every bundled message are honoured identically by Python and JavaScript."""
    kb, doc, _, patterns = bundled
    query = {"error_message": data.draw(filled_messages(kb))}
    assert _javascript(node, query, "value", doc, patterns)["symptoms"] == _python(kb, query, "value")["symptoms"], query


@pytest.mark.parametrize("before", [65_530, 65_535, 65_536])
def test_a_long_message_is_read_to_the_same_code_point(node, bundled, before):
    """§12 reads the first 65,536 code points of the message: astral characters (one code point, two UTF-16 units in
    JavaScript) before the cut must not move it, and a bounce line cut there is read alike."""
    kb, doc, _, patterns = bundled
    query = {"error_message": "😀" * before + "552 5.2.2 <hanako@icloud.com>: user is over quota"}
    assert _javascript(node, query, "value", doc, patterns) == _python(kb, query, "value"), before
