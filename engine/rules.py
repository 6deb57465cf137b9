"""Compile the knowledge base's rules into durable-rules rulesets (docs/engine-semantics.md §3–4 say what they must compute).

Every alternative of a rule (its `any` branches multiplied out) becomes one
durable rule, placed at the rule's position so the agenda fires in rule order.
Every group of conditions on one fact becomes one fact pattern:

    {"$and": [{"kind": "fact"}, {"b": crc32(name) % 64}, {"name": name}, <value tests>]}

`answered: false` becomes a pattern on an explicit `{"kind": "absent"}` fact
computed in Python before the query (never `$not`). `has X` on a list (the
symptoms) becomes a pattern on an `{"kind": "item"}` fact, one asserted per
element: `{"value": X}` is an equality test, which durable-rules shares between
rules by hash, whereas each `$iany` test is a node of its own that a list fact
visits, and a query naming a few symptoms then matched more than the 64 nodes
one fact may reach (`error code: 303`, MAX_STACK_SIZE). The compiler refuses,
with the rule's file and line, what durable-rules cannot run correctly.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, field
from typing import Any

from .errors import RuleCompileError
from .facts import alternatives
from .kb import KnowledgeBase
from .memo import persisted

BUCKETS = 64
MAX_RULES = 4096  # per ruleset (MAX_ACTIONS), sentinel included
SHARD_RULES = 4000  # leave room below the hard limit
MAX_PATTERNS = 16  # fact patterns per rule (MAX_MESSAGE_FRAMES)
MAX_SHARED = 256  # rules sharing one identical pattern (BETA_LIST_LENGTH)
MAX_OR = 200
SENTINEL_KIND = "__q__"


@dataclass
class CompiledRule:
    name: str  # the durable rule name
    index: int  # position in kb.rules
    rule_id: str
    spec: dict  # {"all": [patterns]}
    derives: tuple[str, Any] | None


@dataclass
class Shard:
    rules: list[CompiledRule] = field(default_factory=list)
    facts: set[str] = field(default_factory=set)  # fact names its patterns test
    shared: dict[str, int] = field(default_factory=dict)  # pattern json -> rules using it


def bucket(name: str) -> int:
    return zlib.crc32(name.encode()) % BUCKETS


def number_ok(value: Any) -> bool:
    """Whether durable-rules compares this number exactly (0, or 1e-4 <= |x| < 1e15, finite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return value == 0 or (math.isfinite(value) and 1e-4 <= abs(value) < 1e15)


def json_value(value: Any) -> str:
    """JSON text durable-rules parses: floats keep a '.' before any exponent (it misreads 1e-07)."""
    if isinstance(value, float) and not isinstance(value, bool):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(value, list):
        return "[" + ",".join(json_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def fact_json(kind: str, name: str, value: Any = None, *, with_value: bool = True) -> str:
    """One fact as JSON text (without sid)."""
    head = f'{{"kind":"{kind}","b":{bucket(name)},"name":{json.dumps(name, ensure_ascii=False)}'
    return head + (f',"value":{json_value(value)}}}' if with_value else "}")


def rule_location(kb: KnowledgeBase, rule_id: str) -> str:
    """`file:line` of a rule (file only if the file cannot be read again)."""
    topic = kb.rule_topic.get(rule_id, "")
    rel = kb.paths.get(f"rules:{topic}", f"rules/{topic}.yaml")
    try:
        from .yamlsource import load_file

        rules = kb.rule_files[topic]["rules"]
        index = next(i for i, r in enumerate(rules) if isinstance(r, dict) and r.get("id") == rule_id)
        line, _ = load_file(kb.root / rel).position(("rules", index))
        return f"{kb.root / rel}:{line}"
    except Exception:
        return f"{kb.root / rel}"


def _value_tests(op: str, target: Any) -> list[dict]:
    if op == "is":
        return [{"value": target}]
    if op == "is_not":
        return [{"$neq": {"value": target}}]
    if op == "in":
        return [{"value": target[0]}] if len(target) == 1 else [{"$or": [{"value": t} for t in target]}]
    if op == "not_in":
        return [{"$neq": {"value": t}} for t in target]
    return [{f"${op}": {"value": target}}]


def _patterns(fact: str, tests: tuple) -> list[dict]:
    """The fact patterns of one group of conditions on a fact: the item patterns of its `has` tests, then (if any test
    is left) one pattern on the fact itself."""
    if tests[0][0] == "answered":
        return [{"$and": [{"kind": "absent"}, {"b": bucket(fact)}, {"name": fact}]}]
    head = [{"b": bucket(fact)}, {"name": fact}]
    patterns = [{"$and": [{"kind": "item"}, *head, {"value": target}]} for op, target in tests if op == "has"]
    rest = [test for test in tests if test[0] != "has"]
    if rest:
        patterns.append({"$and": [{"kind": "fact"}, *head, *(t for op, target in rest for t in _value_tests(op, target))]})
    return patterns


def _check(kb: KnowledgeBase, rule: dict, alts: list) -> None:
    for alt in alts:
        needed = sum(len(_patterns(fact, tests)) for fact, tests in alt)
        if needed > MAX_PATTERNS:
            raise RuleCompileError(
                f"{rule_location(kb, rule['id'])}: rule '{rule['id']}' needs {needed} fact patterns; durable-rules runs at most {MAX_PATTERNS}"
            )
        for _, tests in alt:
            for op, target in tests:
                values = target if isinstance(target, list) else [target]
                if op in ("in", "not_in") and len(values) > MAX_OR:
                    raise RuleCompileError(
                        f"{rule_location(kb, rule['id'])}: rule '{rule['id']}' lists {len(values)} values; at most {MAX_OR}"
                    )
                for value in values:
                    if not number_ok(value):
                        raise RuleCompileError(
                            f"{rule_location(kb, rule['id'])}: rule '{rule['id']}': durable-rules cannot compare {value!r} exactly"
                        )


def compile_rules(kb: KnowledgeBase) -> list[CompiledRule]:
    """Every rule's alternatives as durable rules, in rule order."""
    compiled: list[CompiledRule] = []
    for index, rule in enumerate(kb.rules):
        alts = alternatives(rule["when"])
        _check(kb, rule, alts)
        then = rule["then"]
        derives = next(iter(then["derive"].items())) if "derive" in then else None
        if derives is not None and not number_ok(derives[1]):
            raise RuleCompileError(
                f"{rule_location(kb, rule['id'])}: rule '{rule['id']}' derives {derives[1]!r}, which durable-rules cannot compare"
            )
        for number, alt in enumerate(alts):
            patterns = [pattern for fact, tests in alt for pattern in _patterns(fact, tests)]
            spec = {"all": [{f"c{k}": pattern} for k, pattern in enumerate(patterns)]}
            compiled.append(CompiledRule(f"r{index:06d}_{number:04d}", index, rule["id"], spec, derives))
    return compiled


def compiled_rules(kb: KnowledgeBase) -> tuple[list[CompiledRule], list[Shard]]:
    """The compiled rules and their shards: a pure function of the knowledge base, so kept in its cache (memo.persisted).
    Only the C rulesets are made per process. Treat them as read-only (durable-rules gets copies of the specs)."""

    def make() -> tuple[list[CompiledRule], list[Shard]]:
        compiled = compile_rules(kb)
        return compiled, shard_rules(compiled)

    return persisted(kb, "rules:durable", make)


def shard_rules(compiled: list[CompiledRule]) -> list[Shard]:
    """Split into rulesets within durable-rules' limits (rules of one kb rule stay together, order kept)."""
    shards = [Shard()]
    by_rule: dict[int, list[CompiledRule]] = {}
    for item in compiled:
        by_rule.setdefault(item.index, []).append(item)
    for index in sorted(by_rule):
        group = by_rule[index]
        keys = [json.dumps(next(iter(p.values())), sort_keys=True) for item in group for p in item.spec["all"]]
        shard = shards[-1]
        full = len(shard.rules) + len(group) > SHARD_RULES - 1 or any(
            shard.shared.get(k, 0) + keys.count(k) > MAX_SHARED for k in set(keys)
        )
        if full and shard.rules:
            shard = Shard()
            shards.append(shard)
        if len(group) > SHARD_RULES - 1 or any(keys.count(k) > MAX_SHARED for k in set(keys)):
            raise RuleCompileError(f"rule #{index} '{group[0].rule_id}' has too many alternatives for one ruleset")
        shard.rules.extend(group)
        for key in keys:
            shard.shared[key] = shard.shared.get(key, 0) + 1
        for item in group:
            for pattern in item.spec["all"]:
                body = next(iter(pattern.values()))["$and"]
                shard.facts.add(body[2]["name"])
    return shards
