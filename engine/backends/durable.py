"""The durable-rules backend, wrapped so that its known traps cannot reach a query:

- a Host whose background timer threads never start (`_run` is a no-op); `durable.lang` is never imported;
- facts asserted with `durable_rules_engine.assert_facts`, actions run with `do_actions`, then the
  session state's `exception` is checked;
- one persistent session per worker thread and ruleset, emptied (retract all) after every query and
  deleted only after an error; a sentinel fact and rule make every session safe to delete;
- what fired is recorded in Python by the actions (never read back with `get_facts`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
import weakref
from typing import Any

import durable_rules_engine as dre
from durable import engine as durable_engine

from ..errors import BackendError
from ..facts import FactStore, alternatives
from ..kb import KnowledgeBase
from ..rules import SENTINEL_KIND, CompiledRule, bucket, compiled_rules, fact_json

_NAMES = itertools.count(1)
_SENTINEL = f'{{"kind":"{SENTINEL_KIND}"}}'


class SyncHost(durable_engine.Host):
    """A Host without the timer threads that steal activations."""

    def _run(self) -> None:
        pass


def _fnv1a32(text: str) -> int:
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


class _Token:
    """Held in a thread's local storage; when the thread ends it is collected and its sid is reused."""

    __slots__ = ("__weakref__", "sid")

    def __init__(self, sid: str):
        self.sid = sid


class _Sessions:
    """Session ids, one per live thread, reused after the thread ends (durable allows 1,024 live sessions
    per ruleset), whose 32-bit FNV hashes never collide (durable compares only the hash)."""

    LIMIT = 1000

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._hashes: set[int] = set()
        self._free: list[str] = []
        self._last = 0

    def sid(self) -> str:
        token = getattr(self._local, "token", None)
        if token is None:
            with self._lock:
                if self._free:
                    sid = self._free.pop()
                elif len(self._hashes) >= self.LIMIT:
                    raise BackendError(f"more than {self.LIMIT} threads use durable-rules at once; use a pool of worker threads")
                else:
                    while True:
                        self._last = next(self._counter)
                        sid = f"w{self._last}"
                        digest = _fnv1a32(sid)
                        if digest not in self._hashes:
                            self._hashes.add(digest)
                            break
            token = _Token(sid)
            weakref.finalize(token, self._release, sid)
            self._local.token = token
        return token.sid

    def issued(self) -> list[str]:
        """Every sid handed out so far (live or free)."""
        with self._lock:
            return [f"w{n}" for n in range(1, self._last + 1) if _fnv1a32(f"w{n}") in self._hashes]

    def _release(self, sid: str) -> None:
        with self._lock:
            self._free.append(sid)  # its session was emptied after its last query


class DurableBackend:
    name = "durable"

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._alternatives: list | None = None
        self.compiled, self.shards = compiled_rules(kb)
        self.host = SyncHost()
        self._local = threading.local()
        self._sessions = _Sessions()
        self._lock = threading.RLock()  # C calls hold the GIL anyway; this keeps one query's actions together
        self.closed = False
        self.rulesets = []
        names = []
        for shard in self.shards:
            name = f"mailkb{next(_NAMES)}"
            rules: dict[str, dict] = {"__sentinel__": {"all": [{"m": {"kind": SENTINEL_KIND}}], "run": _noop}}
            for item in shard.rules:
                rules[item.name] = dict(item.spec, run=self._action(item))  # durable only pops "run" from this dict
            self.host.set_rulesets({name: rules})
            names.append(name)
        self.rulesets = [self.host.get_ruleset(name) for name in names]
        self.absent_facts = {name for item in self.compiled for p in item.spec["all"] for name in _absent_names(p)}
        # derived fact name -> shards whose rules test it
        self.routes = {
            name: [i for i, s in enumerate(self.shards) if name in s.facts] for name in {c.derives[0] for c in self.compiled if c.derives}
        }

    def _action(self, item: CompiledRule):
        index, derives = item.index, item.derives
        local = self._local
        derived = {"kind": "fact", "b": bucket(derives[0]), "name": derives[0], "value": derives[1]} if derives else None

        def action(c):
            state = local.state
            if index in state.fired:
                return  # a second alternative or a second combination of facts
            state.fired.add(index)
            state.trace.append(index)
            if derived is not None:
                state.new_facts.append(derives)
                try:
                    c.assert_fact(dict(derived))
                except durable_engine.MessageNotHandledException:
                    pass  # no rule of this ruleset consumes it: it is still a result (recorded above)
                except durable_engine.MessageObservedException:
                    pass  # already derived

        return action

    def run(self, inputs: dict[str, Any]) -> list[int]:
        facts = [(name, fact_json("fact", name, value)) for name, value in inputs.items()]
        facts += [  # one item fact per element of a list (rules.py: `has` matches those)
            (name, fact_json("item", name, item))
            for name, value in inputs.items()
            if isinstance(value, list)
            for item in dict.fromkeys(value)
        ]
        facts += [(name, fact_json("absent", name, with_value=False)) for name in sorted(self.absent_facts) if name not in inputs]
        with self._lock:
            state = _QueryState()
            self._local.state = state
            sid = self._sessions.sid()
            if len(self.rulesets) == 1:
                self._query(0, sid, [_SENTINEL, *(text for _, text in facts)])
                return state.trace
            return self._run_sharded(state, sid, facts, inputs)

    def _run_sharded(self, state: _QueryState, sid: str, facts: list[tuple[str, str]], inputs: dict[str, Any]) -> list[int]:
        """Run shard by shard, routing derived facts to the shards that test them, until nothing new.

        A shard receives only the facts its rules test (and the sentinel); shards no fact concerns are not touched.
        """
        pending: dict[int, list[str]] = {}
        for i, shard in enumerate(self.shards):
            relevant = [text for name, text in facts if name in shard.facts]
            if relevant:
                pending[i] = [_SENTINEL, *relevant]
        touched = set(pending)
        present: list[set[str]] = [set() for _ in self.rulesets]
        seen = 0
        try:
            while pending:
                shard, batch = min(pending.items())
                del pending[shard]
                self._query(shard, sid, batch, retract=False)
                for name, value in state.new_facts[seen:]:
                    text = fact_json("fact", name, value)
                    present[shard].add(text)
                    for target in self.routes.get(name, ()):
                        if target != shard and text not in present[target]:
                            present[target].add(text)
                            if target not in touched:
                                touched.add(target)
                                pending.setdefault(target, []).append(_SENTINEL)
                            pending.setdefault(target, []).append(text)
                seen = len(state.new_facts)
        finally:
            for shard in sorted(touched):
                self._retract(shard, sid)
        return self._canonical(state.trace, inputs)

    def _canonical(self, fired: list[int], inputs: dict[str, Any]) -> list[int]:
        """Shards fire in their own order; replay the fired rules in the order one ruleset would (lowest index that holds)."""
        if self._alternatives is None:
            self._alternatives = [alternatives(rule["when"]) for rule in self.kb.rules]
        store = FactStore(inputs)
        remaining = sorted(set(fired))
        order: list[int] = []
        while remaining:
            index = next((i for i in remaining if store.rule_holds(self._alternatives[i])), remaining[0])
            remaining.remove(index)
            order.append(index)
            then = self.kb.rules[index]["then"]
            if "derive" in then:
                store.add(*next(iter(then["derive"].items())))
        return order

    def _query(self, shard: int, sid: str, facts: list[str], *, retract: bool = True) -> None:
        ruleset = self.rulesets[shard]
        handle = ruleset._handle
        sid_json = json.dumps(sid)
        payload = "[" + ",".join(f'{f[:-1]},"sid":{sid_json}}}' for f in facts) + "]"
        errors: list[Any] = []
        if self.closed:
            raise BackendError("this knowledge base's rules were unloaded (a newer knowledge base replaced them)")
        try:
            code, offset = dre.assert_facts(handle, payload)
        except Exception as err:
            # nothing ran, so the session may hold no completed action: empty it, never delete it (that segfaults)
            with contextlib.suppress(Exception):
                dre.retract_facts(handle, dre.get_facts(handle, sid))
            raise BackendError(f"durable-rules refused the facts: {err}") from None
        try:
            if code == 2:  # inputs are distinct, so a duplicate means a fact-id hash collision
                errors.append("a fact was taken for a duplicate (code 2)")
            ruleset.do_actions(offset, lambda error, _state: errors.append(error) if error else None)
            session = json.loads(dre.get_state(handle, sid))
            if "exception" in session:
                errors.append(session["exception"])
        except Exception as err:
            errors.append(err)
        if errors:
            self._reset(shard, sid)
            raise BackendError(f"durable-rules failed on a query: {errors[0]}")
        if retract:
            self._retract(shard, sid)

    def _retract(self, shard: int, sid: str) -> None:
        handle = self.rulesets[shard]._handle
        try:
            facts = dre.get_facts(handle, sid)
        except Exception:
            return  # no such session (never used, or deleted after an error): nothing to empty
        try:
            dre.retract_facts(handle, facts)
        except Exception as err:
            self._reset(shard, sid)
            raise BackendError(f"durable-rules could not empty its session: {err}") from None

    def close(self) -> None:
        """Free the C rulesets: delete every session, then the rulesets (reference §3.5). Later queries fail cleanly."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            for ruleset in self.rulesets:
                for sid in self._sessions.issued():
                    with contextlib.suppress(Exception):  # 309: this thread never queried this ruleset
                        dre.get_state(ruleset._handle, sid)
                        dre.delete_state(ruleset._handle, sid)
                with contextlib.suppress(Exception):
                    dre.delete_ruleset(ruleset._handle)

    def _reset(self, shard: int, sid: str) -> None:
        with contextlib.suppress(Exception):  # recreated lazily on the next assert
            dre.delete_state(self.rulesets[shard]._handle, sid)


class _QueryState:
    __slots__ = ("fired", "new_facts", "trace")

    def __init__(self) -> None:
        self.fired: set[int] = set()
        self.trace: list[int] = []
        self.new_facts: list[tuple[str, Any]] = []


def _absent_names(pattern: dict) -> list[str]:
    body = next(iter(pattern.values()))["$and"]
    return [body[2]["name"]] if body[0] == {"kind": "absent"} else []


def _noop(c) -> None:
    pass
