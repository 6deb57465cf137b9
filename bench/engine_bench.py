"""Engine benchmark: figures printed, never asserted.

On the real knowledge base and on synthetic copies 10x and 100x its size:
median and p99 per diagnosis (whole pipeline and inference alone), throughput,
load/compile time, for durable-rules, the reference evaluator and CLIPS
(clipspy, `pip install -e '.[bench]'`) running the same compiled rules; and the
end-to-end time of a `mailkb diagnose` process.

    .venv/bin/python bench/engine_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

from mailkb import KnowledgeBase, KnowledgeBaseError, load_kb  # noqa: E402
from mailkb.backends.durable import DurableBackend  # noqa: E402
from mailkb.backends.reference import ReferenceBackend  # noqa: E402
from mailkb.diagnosis import _explain, _prepared, diagnose, effective_inputs  # noqa: E402
from mailkb.facts import alternatives  # noqa: E402
from mailkb.query import allowed_values, validate  # noqa: E402
from mailkb.questions import use_numpy  # noqa: E402


def real_kb() -> tuple[KnowledgeBase, str]:
    """The bundled knowledge base (the lint result's, with a note, while it still has errors)."""
    try:
        return load_kb(), "clean"
    except KnowledgeBaseError as err:
        from mailkb.lint import lint
        from mailkb.paths import knowledge_dir

        result = lint(knowledge_dir())
        return result.kb, f"NOT lint-clean yet ({len(err.problems)} errors); measured as is"


def scaled_kb(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """`factor` copies of the rules; copies 1.. use renamed facts and causes, so a query touches one copy."""
    if factor == 1:
        return kb
    entities = {kind: dict(items) for kind, items in kb.entities.items()}
    rules = list(kb.rules)
    for n in range(1, factor):
        suffix = f"_x{n}"
        rename = {ident: ident + suffix for ident in kb.observations} | {ident: ident + suffix for ident in kb.causes}
        for ident, data in kb.observations.items():
            entities["observation"][ident + suffix] = dict(data, id=ident + suffix)
        for ident, data in kb.causes.items():
            entities["cause"][ident + suffix] = dict(data, id=ident + suffix)
        for rule in kb.rules:
            clone = copy.deepcopy(rule)
            clone["id"] = rule["id"] + suffix
            _rename_when(clone["when"], rename)
            then = clone["then"]
            if "derive" in then:
                ((fact, value),) = then["derive"].items()
                then["derive"] = {rename.get(fact, fact): value}
            elif "suspect" in then:
                then["suspect"]["cause"] = rename[then["suspect"]["cause"]]
            else:
                then["rule_out"] = rename[then["rule_out"]]
            rules.append(clone)
    scaled = replace(kb, entities=entities, rules=rules, rule_topic={r["id"]: "synthetic" for r in rules}, digest=f"{kb.digest}x{factor}")
    return scaled


def _rename_when(node: dict, rename: dict[str, str]) -> None:
    if "fact" in node:
        node["fact"] = rename.get(node["fact"], node["fact"])
        return
    for child in node.get("all", ()) or node.get("any", ()):
        _rename_when(child, rename)


def make_queries(kb: KnowledgeBase, count: int, seed: int = 1) -> list[dict[str, Any]]:
    """Random valid queries of 2–8 observations, with rule thresholds for numbers so rules fire."""
    rng = random.Random(seed)
    inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived") and "_x" not in k)
    thresholds: dict[str, list] = {}
    for rule in kb.rules:
        for alt in alternatives(rule["when"]):
            for fact, tests in alt:
                for _, target in tests:
                    for value in target if isinstance(target, list) else [target]:
                        if not isinstance(value, bool):
                            thresholds.setdefault(fact, []).append(value)
    messages = [m["text"]["ja"] for s in kb.symptoms.values() for m in s.get("messages") or ()] or ["メールを取得できません"]
    queries = []
    for _ in range(count):
        query: dict[str, Any] = {}
        for ident in rng.sample(inputs, rng.randint(2, min(8, len(inputs)))):
            obs = kb.observations[ident]
            kind = obs["type"]
            if kind == "boolean":
                query[ident] = rng.random() < 0.5
            elif kind == "enum":
                query[ident] = rng.choice(allowed_values(obs))
            elif kind == "number":
                low, high = obs["minimum"], obs["maximum"]
                pool = [t for t in thresholds.get(ident, []) if isinstance(t, (int, float)) and low <= t <= high] or [low, high]
                query[ident] = rng.choice(pool)
            elif kind == "symptom_list":
                query[ident] = rng.sample(sorted(kb.symptoms), min(2, len(kb.symptoms)))
            elif ident == "error_message" or not obs.get("pattern"):
                query[ident] = rng.choice(messages + [t for t in thresholds.get(ident, []) if isinstance(t, str)])
            else:
                pool = [t for t in thresholds.get(ident, []) if isinstance(t, str)]
                if not pool:
                    continue
                query[ident] = rng.choice(pool)
        queries.append(validate(kb, query))
    return queries


def timed(fn, items: list, budget: float, limit: int) -> list[float]:
    """Per-call seconds over items (cycled), within a time budget."""
    for item in items[:20]:
        fn(item)
    times = []
    start = time.perf_counter()
    i = 0
    while i < limit and (time.perf_counter() - start) < budget:
        item = items[i % len(items)]
        t0 = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t0)
        i += 1
    return times


def stats(times: list[float]) -> str:
    ordered = sorted(times)
    median = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    return f"median {median:7.3f} ms  p99 {p99:7.3f} ms  p99/median {p99 / median:5.1f}  {len(ordered) / sum(ordered):9.0f}/s  (n={len(ordered)})"


# --- CLIPS (clipspy) running the same compiled alternatives --------------------------------------


def _clips_value(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _join(word: str, parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"({word} {' '.join(parts)})"


def _clips_constraint(tests: tuple, var: str) -> list[str]:
    """CLIPS patterns for one group of tests on one fact (lists become one pattern per `has`)."""
    parts, has = [], []
    for op, target in tests:
        if op == "has":
            has.append(target)
        elif op == "is":
            parts.append(f"(eq ?{var} {_clips_value(target)})")
        elif op == "is_not":
            parts.append(f"(neq ?{var} {_clips_value(target)})")
        elif op == "in":
            parts.append(_join("or", [f"(eq ?{var} {_clips_value(t)})" for t in target]))
        elif op == "not_in":
            parts.append(_join("and", [f"(neq ?{var} {_clips_value(t)})" for t in target]))
        else:
            symbol = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[op]
            parts.append(f"(and (numberp ?{var}) ({symbol} ?{var} {_clips_value(target)}))")
    return parts, has


class ClipsBackend:
    """The knowledge base's alternatives as CLIPS defrules; a Python function records firings."""

    name = "clips"

    def __init__(self, kb: KnowledgeBase):
        import clips

        self.env = clips.Environment()
        self.env.build("(deftemplate f (slot name) (slot value))")
        self.env.build("(deftemplate absent (slot name))")
        self.fact_template = self.env.find_template("f")
        self.absent_template = self.env.find_template("absent")
        self.fired: list[int] = []
        self.env.define_function(self._record, name="record")
        self.absent_names: set[str] = set()
        for index, rule in enumerate(kb.rules):
            then = rule["then"]
            rhs = f"(record {index})"
            if "derive" in then:
                ((fact, value),) = then["derive"].items()
                rhs += f' (assert (f (name "{fact}") (value {_clips_value(value)})))'
            for number, alt in enumerate(alternatives(rule["when"])):
                patterns = []
                for k, (fact, tests) in enumerate(alt):
                    if tests[0][0] == "answered":
                        patterns.append(f'(absent (name "{fact}"))')
                        self.absent_names.add(fact)
                        continue
                    parts, has = _clips_constraint(tests, f"v{k}")
                    if parts or not has:
                        test = f"&:{_join('and', parts)}" if parts else ""
                        patterns.append(f'(f (name "{fact}") (value ?v{k}{test}))')
                    for m, item in enumerate(has):
                        patterns.append(f'(f (name "{fact}[]") (value {_clips_value(item)}))')
                        del m
                self.env.build(f"(defrule r{index}_{number} {' '.join(patterns)} => {rhs})")

    def _record(self, index: int) -> None:
        self.fired.append(int(index))

    def run(self, inputs: dict[str, Any]) -> list[int]:
        import clips

        self.env.reset()
        self.fired = []
        fact, absent = self.fact_template, self.absent_template
        for name, value in inputs.items():
            if isinstance(value, list):
                for item in value:
                    fact.assert_fact(name=f"{name}[]", value=item)
                fact.assert_fact(name=name, value="list")
            else:
                fact.assert_fact(name=name, value=clips.Symbol("TRUE" if value else "FALSE") if isinstance(value, bool) else value)
        for name in self.absent_names:
            if name not in inputs:
                absent.assert_fact(name=name)
        self.env.run()
        return list(dict.fromkeys(self.fired))


# --- the run -------------------------------------------------------------------------------------


def bench_kb(label: str, kb: KnowledgeBase, queries: list[dict], budget: float, limit: int) -> None:
    print(f"\n## {label}: {len(kb.rules)} rules, {len(kb.observations)} observations, {len(kb.causes)} causes")
    inputs = [effective_inputs(kb, q)[0] for q in queries]
    prep = _prepared(kb)
    backends: dict[str, Any] = {}
    for name, cls in (("durable", DurableBackend), ("reference", ReferenceBackend), ("clips", ClipsBackend)):
        t0 = time.perf_counter()
        try:
            backend = cls(kb)
        except Exception as err:  # clipspy missing, or a limit
            print(f"  {name:9s} unavailable: {type(err).__name__}: {err}")
            continue
        t1 = time.perf_counter()
        backend.run(inputs[0])
        t2 = time.perf_counter()
        extra = f", {len(backend.compiled)} compiled rules in {len(backend.rulesets)} ruleset(s)" if name == "durable" else ""
        print(f"  {name:9s} compile {t1 - t0:7.3f} s, first query {1000 * (t2 - t1):8.2f} ms{extra}")
        backends[name] = backend
    gc.collect()
    gc.freeze()  # what a long-running server does after loading: the KB's millions of objects leave the collector's scans
    reference = backends["reference"]
    for name, backend in backends.items():
        mismatches = sum(1 for i in inputs[:300] if sorted(backend.run(i)) != sorted(reference.run(i)))
        print(
            f"  {name:9s} agrees with reference on {300 - mismatches if len(inputs) >= 300 else len(inputs[:300]) - mismatches}/{min(300, len(inputs))} queries (fired sets)"
        )
    for name, backend in backends.items():
        print(f"  inference  {name:9s} {stats(timed(backend.run, inputs, budget, limit))}")
    from mailkb.memo import memoized

    for name in ("durable", "reference"):
        if name in backends:
            memoized(kb, f"backend:{name}", lambda n=name: backends[n])  # reuse the backends compiled above
            print(f"  diagnose() {name:9s} {stats(timed(lambda q, n=name: diagnose(q, kb=kb, backend=n), queries, budget, limit))}")
    explain = [(i, reference.run(i)) for i in inputs]
    print(
        f"  explain+plan+questions only   {stats(timed(lambda a: _explain(prep, a[0], [], a[1], 'reference', 'value'), explain, budget, limit))}"
    )


def bench_process(runs: int) -> None:
    print("\n## `mailkb diagnose` process, end to end (warm KB cache; goal: within 3x of `python -c pass`)")
    exe = str(ROOT / ".venv" / "bin" / "mailkb")
    if not os.path.exists(exe):
        exe = "mailkb"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import mailkb'": [sys.executable, "-c", "import mailkb"],
        "mailkb diagnose -o ... --json": [exe, "diagnose", "--json", "-o", "platform=iphone", "-o", "fails_on_other_device=false"],
        "mailkb diagnose --json error_message": [
            exe,
            "diagnose",
            "--json",
            "-o",
            "error_message=サーバへの接続に失敗しました。",
            "-o",
            "platform=iphone",
        ],
        "mailkb diagnose --json symptoms": [exe, "diagnose", "--json", "-o", "symptoms=some_mail_missing"],
        "mailkb diagnose --engine reference": [
            exe,
            "diagnose",
            "--engine",
            "reference",
            "-o",
            "platform=iphone",
            "-o",
            "fails_on_other_device=false",
        ],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for command in commands.values():
        subprocess.run(command, capture_output=True, check=False)
    status: dict[str, str] = {}
    for _ in range(runs):  # interleaved, so that a busy moment of the machine weighs on every command alike
        for label, command in commands.items():
            t0 = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            times[label].append(time.perf_counter() - t0)
            if done.returncode:
                status[label] = f"  (exit {done.returncode}: {done.stderr.decode().strip()[:120]})"
    base = statistics.median(times["python -c pass"])
    for label, taken in times.items():
        median = statistics.median(taken)
        print(
            f"  {label:40s} median {1000 * median:7.1f} ms  max {1000 * max(taken):7.1f} ms  {median / base:5.2f}x python -c pass"
            + status.get(label, "")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short budgets (a smoke run)")
    parser.add_argument("--factors", default="1,10,100", help="KB sizes to measure, as multiples of the real one")
    args = parser.parse_args()
    use_numpy()  # in process as in `mailkb api` (a one-shot `mailkb diagnose` is timed as a process below)
    budget, limit = (1.0, 2000) if args.quick else (8.0, 20000)
    t0 = time.perf_counter()
    kb, status = real_kb()
    t1 = time.perf_counter()
    print(f"# engine bench — python {sys.version.split()[0]}, real KB {status}")
    print(f"load_kb (warm cache or lint) {t1 - t0:.3f} s")
    t0 = time.perf_counter()
    try:
        load_kb(use_cache=False)
        print(f"load_kb without cache (parse + lint) {time.perf_counter() - t0:.3f} s")
    except KnowledgeBaseError:
        pass
    queries = make_queries(kb, 500)
    for factor in (int(f) for f in args.factors.split(",")):
        t0 = time.perf_counter()
        scaled = scaled_kb(kb, factor)
        label = "real KB" if factor == 1 else f"synthetic {factor}x (built in {time.perf_counter() - t0:.2f} s)"
        bench_kb(label, scaled, queries, budget if factor < 100 else budget / 2, limit)
    bench_process(5 if args.quick else 15)


if __name__ == "__main__":
    main()
