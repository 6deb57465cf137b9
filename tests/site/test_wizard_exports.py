"""What the wizard loads: api/rules.<lang>.json (one language's texts, the engine's answers unchanged),
api/steps.<lang>.json (each remedy's steps, safe HTML), and the first question written into the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb import load_kb
from mailkb.consultation import consultation
from mailkb.diagnosis import diagnose
from mailkb.query import validate
from mailkb.sitebuild import build_site, load_config
from mailkb.sitebuild.api import in_language, patterns_document, rules_document, steps_document, wizard_document

from .conftest import TEST_CONFIG
from .htmlscan import scan
from .kbfactory import write_kb
from .nodejs import NodeEngine
from .test_safety import BAD_SCHEMES, FORBIDDEN_TAGS, HOSTILE_MD, HOSTILE_TEXT
from .test_wizard_equivalence import queries


@pytest.fixture(scope="module")
def bundled():
    kb = load_kb()
    docs = {lang: json.loads(json.dumps(wizard_document(kb, lang))) for lang in ("ja", "en")}
    return kb, docs, queries(kb), json.loads(json.dumps(patterns_document(kb)))


@pytest.fixture(scope="module")
def node():
    engine = NodeEngine()
    yield engine
    engine.close()


def _texts(node, path=()):
    """Every translated text ({ja, en}-keyed object) of a JSON tree, with where it is."""
    if isinstance(node, dict):
        if node and set(node) <= {"ja", "en"}:
            yield path, node
            return
        for key, value in node.items():
            yield from _texts(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, (*path, index))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_language_file_holds_that_language_only_except_what_the_matcher_reads(bundled, lang):
    kb, docs, _, _ = bundled
    doc = docs[lang]
    assert doc["lang"] == lang
    for path, text in _texts(doc):
        if path[0] == "symptoms" and path[2] in ("messages", "search_phrases"):
            continue
        assert set(text) == {lang}, path
    # an iPhone set to English shows English alerts to a Japanese reader: the matcher keeps both languages
    assert doc["symptoms"]["cannot_get_mail"]["messages"] == rules_document(kb)["symptoms"]["cannot_get_mail"]["messages"]
    assert {"ja", "en"} <= set(doc["symptoms"]["cannot_get_mail"]["messages"][0])
    # each rule's reason is the knowledge base's wording in this language
    assert [r["because"][lang] for r in doc["rules"]] == [r["because"][lang] for r in kb.rules]
    # the Markdown source of a field the wizard shows as HTML is left out
    assert all("how_to_check" not in o for o in doc["observations"].values() if "how_to_check_html" in o)


def test_a_language_file_is_much_smaller_than_both(bundled):
    kb, docs, _, _ = bundled
    both = len(json.dumps(rules_document(kb), ensure_ascii=False).encode())
    for doc in docs.values():
        assert len(json.dumps(doc, ensure_ascii=False).encode()) < 0.65 * both


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), lang=st.sampled_from(["ja", "en"]), order=st.sampled_from(["value", "stages"]))
def test_the_wizard_diagnoses_from_a_language_file_exactly_like_the_engine(node, bundled, data, lang, order):
    """The JavaScript engine on rules.<lang>.json gives mailkb.diagnose's output with its texts in that language, and
    the same consultation text in that language (prepared with api/patterns.json, as the wizard is)."""
    kb, docs, strategy, patterns = bundled
    query = data.draw(strategy)
    diagnosis = diagnose(query, kb=kb, backend="reference", order=order)
    expected = json.loads(json.dumps(diagnosis.to_dict()))
    expected.pop("engine")
    got = node.diagnose(query, order, docs[lang], consult=[lang], patterns=patterns)
    got.pop("engine")
    assert got.pop("consult")[lang] == consultation(diagnosis, kb, validate(kb, query), lang), query
    assert got == in_language(expected, lang), query


def test_steps_file_has_every_step_of_every_remedy_in_its_language():
    kb = load_kb()
    for lang in ("ja", "en"):
        doc = steps_document(kb, lang)
        assert set(doc["remedies"]) == set(kb.remedies)
        for ident, remedy in kb.remedies.items():
            steps = remedy.get("steps") or {}
            assert {p: len(s) for p, s in doc["remedies"][ident]["steps"].items()} == {p: len(s) for p, s in steps.items()}, ident
        assert set(doc["platforms"]) == {p for r in kb.remedies.values() for p in r.get("steps") or {}}
    # a step written in Markdown reaches the wizard as the same words, in HTML
    first = kb.remedies["accept_icloud_terms"]["steps"]["iphone"][0]
    assert "新しいiCloud利用規約" in first["ja"]
    assert "新しいiCloud利用規約" in steps_document(kb, "ja")["remedies"]["accept_icloud_terms"]["steps"]["iphone"][0]
    assert "New iCloud Terms" in steps_document(kb, "en")["remedies"]["accept_icloud_terms"]["steps"]["iphone"][0]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-wizard")
    build_site(
        write_kb(root / "kb", md=HOSTILE_MD, text=HOSTILE_TEXT), root / "out", config=load_config(**TEST_CONFIG), search=False, jobs=1
    )
    return root / "out"


def _html_fragments(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_html") and isinstance(value, dict):
                yield from value.values()
            elif key in ("steps", "verify") and isinstance(value, (dict, str)):
                yield from (value.values() if isinstance(value, dict) else [value])
            else:
                yield from _html_fragments(value)
    elif isinstance(node, list):
        for value in node:
            yield from _html_fragments(value)


@pytest.mark.parametrize("name", ["rules.ja.json", "rules.en.json", "steps.ja.json", "steps.en.json"])
def test_the_wizard_files_carry_no_markup_from_the_data(hostile, name):
    document = json.loads((hostile / "api" / name).read_text(encoding="utf-8"))
    fragments = []
    for html in _html_fragments(document):
        fragments += html if isinstance(html, list) else [html]
    assert fragments and all(isinstance(h, str) for h in fragments)
    for html in fragments:
        scanned = scan(html)
        assert not scanned.scripts, html
        for tag, attrs in scanned.tags:
            assert tag not in FORBIDDEN_TAGS | {"img", "script", "form", "input"}, html
            for attr, value in attrs.items():
                assert not attr.startswith("on"), html
                assert not "".join(ch for ch in value if ch > " ").lower().startswith(BAD_SCHEMES), html
