"""The durable-rules wrapper: sharding, refusals with file and line, sessions, threads."""

from __future__ import annotations

import copy
import threading
from dataclasses import replace

import pytest
from hypothesis import given, settings

from mailkb import rules as rules_module
from mailkb.backends.durable import DurableBackend, _fnv1a32
from mailkb.backends.reference import ReferenceBackend
from mailkb.diagnosis import diagnose, effective_inputs
from mailkb.query import validate
from mailkb.rules import RuleCompileError, compile_rules, fact_json, json_value

from .strategies import queries


def _kb_with_rule(kb, rule):
    """A copy of the knowledge base with one more rule in the first topic."""
    clone = replace(kb, rules=[*kb.rules, rule], rule_topic=dict(kb.rule_topic), rule_files=copy.deepcopy(kb.rule_files))
    topic = next(iter(clone.rule_files))
    clone.rule_files[topic]["rules"].append(rule)
    clone.rule_topic[rule["id"]] = topic
    return clone


def test_sharded_rulesets_give_the_single_ruleset_results(basic_kb, monkeypatch):
    monkeypatch.setattr(rules_module, "SHARD_RULES", 6)
    sharded = DurableBackend(replace(basic_kb))  # a copy: the knowledge base's own compiled rules are kept with it
    assert len(sharded.rulesets) > 2
    reference = ReferenceBackend(basic_kb)

    @settings(max_examples=100, deadline=None)
    @given(queries(basic_kb))
    def check(query):
        inputs, _ = effective_inputs(basic_kb, validate(basic_kb, query))
        assert sharded.run(inputs) == reference.run(inputs)

    check()


def test_a_query_naming_every_symptom_runs_on_durable_rules(real_kb):
    """`has` compiles to shared item patterns: with one `$iany` node per rule, a list fact naming a few symptoms
    reached more nodes than durable-rules' stack holds (64) and the query failed with `error code: 303`."""
    reference = ReferenceBackend(real_kb)
    for symptoms in (sorted(real_kb.symptoms), ["cannot_get_mail", "cannot_send", "some_mail_missing", "not_notified", "delayed_delivery"]):
        inputs, _ = effective_inputs(real_kb, validate(real_kb, {"symptoms": symptoms}))
        assert DurableBackend(real_kb).run(inputs) == reference.run(inputs)


def test_has_tests_become_item_patterns_one_per_symptom():
    """Each `has` becomes an equality test on an item fact (shared by hash), the other tests stay on the fact."""
    patterns = rules_module._patterns("symptoms", (("has", "a"), ("has", "b")))
    assert [p["$and"][0] for p in patterns] == [{"kind": "item"}, {"kind": "item"}]
    assert [p["$and"][-1] for p in patterns] == [{"value": "a"}, {"value": "b"}]
    assert rules_module._patterns("n", (("gte", 3),))[0]["$and"][0] == {"kind": "fact"}


def test_too_many_patterns_is_refused_with_file_and_line(basic_kb):
    when = {"all": [{"fact": "storage_percent_used", "gte": 1}] + [{"fact": f"x{i}", "is": True} for i in range(17)]}
    rule = {"id": "too_big", "when": when, "then": {"rule_out": "storage_full"}, "because": {"ja": "…", "en": "…"}}
    with pytest.raises(RuleCompileError, match=r"isolation\.yaml.*too_big.*17|isolation\.yaml.*too_big.*18"):
        compile_rules(_kb_with_rule(basic_kb, rule))


def test_unparseable_number_is_refused(basic_kb):
    rule = {
        "id": "tiny",
        "when": {"all": [{"fact": "storage_percent_used", "gt": 1e-7}]},
        "then": {"rule_out": "storage_full"},
        "because": {"ja": "…", "en": "…"},
    }
    with pytest.raises(RuleCompileError, match=r"tiny.*cannot compare"):
        compile_rules(_kb_with_rule(basic_kb, rule))


def test_rule_line_is_reported(basic_kb):
    from mailkb.rules import rule_location

    location = rule_location(basic_kb, "scope_network")
    assert location.endswith(".yaml:" + location.rsplit(":", 1)[1]) and int(location.rsplit(":", 1)[1]) > 1


def test_numbers_durable_misreads_are_written_with_a_point():
    assert json_value(1e-07) == "1.0e-07"
    assert json_value(2.5e-05) == "2.5e-05"
    assert json_value(3.0) == "3"
    assert json_value(0.5) == "0.5"
    assert fact_json("fact", "x", True).endswith('"name":"x","value":true}')


def test_tiny_numbers_reach_the_engine_intact(basic_kb):
    for value in (1e-07, 0.0, 94.99999999, 95, 95.0):
        query = {"storage_percent_used": value}
        assert diagnose(query, kb=basic_kb).trace == diagnose(query, kb=basic_kb, backend="reference").trace


def test_sessions_are_emptied_between_queries(basic_kb):
    first = diagnose({"fails_on_other_device": False}, kb=basic_kb)
    diagnose({"fails_on_other_device": True, "fails_on_other_network": True, "fails_with_other_account": True}, kb=basic_kb)
    assert diagnose({"fails_on_other_device": False}, kb=basic_kb).to_dict() == first.to_dict()
    assert diagnose({}, kb=basic_kb).trace == []


def test_session_ids_have_distinct_hashes():
    assert _fnv1a32("q562789") == _fnv1a32("q779192")  # the collision the report found
    from mailkb.backends.durable import _Sessions

    sessions = _Sessions()
    results: list[str] = []
    barrier = threading.Barrier(20)

    def take() -> None:
        results.append(sessions.sid())
        barrier.wait()  # all threads alive at once: no id can be reused

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen = {_fnv1a32(s) for s in results}
    assert len(seen) == len(results) == 20


def test_threads_give_the_serial_results(basic_kb):
    import random

    rng = random.Random(7)
    pool = [
        {
            "fails_on_other_device": rng.choice([True, False]),
            "fails_on_other_network": rng.choice([True, False]),
            "fails_with_other_account": rng.choice([True, False]),
            "fails_on_wifi": rng.choice([True, False]),
            "storage_percent_used": rng.randint(0, 100),
            "symptoms": rng.sample(sorted(basic_kb.symptoms), 2),
        }
        for _ in range(40)
    ]
    serial = [diagnose(q, kb=basic_kb).to_dict() for q in pool]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(len(pool) * 3):
                index = (i + offset) % len(pool)
                assert diagnose(pool[index], kb=basic_kb).to_dict() == serial[index]
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n * 5,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_session_ids_are_reused_after_threads_end(basic_kb):
    from mailkb.backends import get_backend

    backend = get_backend(basic_kb, "durable")
    before = len(backend._sessions._hashes)

    def one() -> None:
        diagnose({"fails_on_other_device": False}, kb=basic_kb)

    for _ in range(30):
        thread = threading.Thread(target=one)
        thread.start()
        thread.join()
    assert len(backend._sessions._hashes) <= before + 2


def test_replaced_knowledge_bases_are_freed(basic_kb):
    from mailkb.backends import get_backend
    from mailkb.errors import BackendError
    from mailkb.memo import MAX_KBS

    query = {"fails_on_other_device": True, "fails_on_other_network": False, "fails_on_wifi": True}
    expected = diagnose(query, kb=basic_kb).to_dict()
    first = replace(basic_kb)
    old = get_backend(first, "durable")
    diagnose(query, kb=first)
    for _ in range(MAX_KBS + 3):  # a server reloading an edited knowledge base
        assert diagnose(query, kb=replace(basic_kb)).to_dict() == expected
    assert old.closed
    with pytest.raises(BackendError, match="unloaded"):
        old.run({"fails_on_other_device": False})
    assert diagnose(query, kb=basic_kb).to_dict() == expected
