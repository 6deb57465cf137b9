"""Dialogue benchmark: how many questions until the right cause leads. Figures printed, never asserted.

Hidden situations come from the scenario files (tests/engine/scenarios/*.yaml): a case's `input` is the truth,
its `top` / `leading` / `leading_any` the causes that count as right. The person starts with the error message
when the truth has one (people arrive with one message); then each next question is answered by an oracle from
the truth, "don't know" for anything the truth does not hold. Two question choosers are compared on the same
situations:

- new: the engine's next questions (expected value of information, docs/engine-semantics.md §7), skips sent as
  `unknown`;
- old: the heuristic it replaced (each rule's weight shared among its unanswered observations, for the first three
  causes), as `mailkb ask` used it: the first listed question not skipped, stopping when the five listed are skipped.

Also printed: the time of the next-question computation in process (median, p90, worst over every state the
dialogues pass through), beside the inference alone measured in the same run; and the same dialogues replayed by
the wizard's JavaScript engine in Node (time per answer), when `node` is installed.

    .venv/bin/python bench/dialogue_bench.py [--verbose] [--kb KB_DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "engine" / "scenarios"
FIXTURE_KB = ROOT / "tests" / "engine" / "fixtures" / "basic"
MAX_ASKED = 25  # a dialogue still going after this many questions counts as failed

from mailkb import KnowledgeBase, KnowledgeBaseError, load_kb  # noqa: E402
from mailkb.backends import get_backend  # noqa: E402
from mailkb.diagnosis import _prepared, diagnose, query_facts  # noqa: E402
from mailkb.facts import FactStore, alternatives  # noqa: E402
from mailkb.questions import next_questions, options  # noqa: E402
from mailkb.rulelang import conclusion  # noqa: E402

# ---------- the situations ----------


def situations(folder: Path = SCENARIOS) -> list[dict[str, Any]]:
    """Every scenario case with a cause to reach: {name, kb, truth, right}."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            right = [case["top"]] if "top" in case else case.get("leading") or case.get("leading_any") or []
            if right:
                found.append({"name": f"{path.stem}: {case['name']}", "kb": data["kb"], "truth": case["input"], "right": right})
    return found


# ---------- the old heuristic (engine/planning.py before issue 8), kept for the comparison ----------


class OldQuestions:
    """Unanswered observations that could fire or block a rule for one of the first three causes, by shared weight."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.alternatives = [alternatives(rule["when"]) for rule in kb.rules]
        self.conclusions = [conclusion(rule) for rule in kb.rules]
        self.tested = [sorted({fact for alt in alts for fact, _ in alt}) for alts in self.alternatives]
        self.testers: dict[str, list[int]] = {}
        self.feeders: dict[str, list[int]] = {}
        self.by_cause: dict[str, list[int]] = {}
        for index, facts in enumerate(self.tested):
            for fact in facts:
                self.testers.setdefault(fact, []).append(index)
            what, detail = self.conclusions[index]
            if what == "derive":
                self.feeders.setdefault(detail[0], []).append(index)
            else:
                self.by_cause.setdefault(detail[0] if what == "suspect" else detail, []).append(index)
        self.inputs = {k for k, o in kb.observations.items() if not o.get("derived")}

    def ask(self, query: dict[str, Any]) -> list[str]:
        kb = self.kb
        result = diagnose(query, kb=kb, backend="reference")
        inputs = _facts(kb, query)[0]
        store = FactStore(inputs)
        for item in result.derived:
            store.add(item["fact"], item["value"])
        fired = {i for i, rule in enumerate(kb.rules) if rule["id"] in set(result.trace)}
        ruled_out = {r["id"] for r in result.ruled_out}
        ranked = [c["id"] for c in result.causes]
        targets = (set(ranked[:3]) if ranked else set(kb.causes)) - ruled_out
        relevant: set[int] = set()
        queue = [i for cause in sorted(targets) for i in self.by_cause.get(cause, ()) if i not in fired]
        while queue:
            i = queue.pop()
            if i in relevant:
                continue
            relevant.add(i)
            for fact in self.tested[i]:
                queue.extend(j for j in self.feeders.get(fact, ()) if j not in fired and j not in relevant)
        fixed = {
            i: (self.conclusions[i][1][1] if self.conclusions[i][0] == "suspect" else 1.0)
            for i in relevant
            if self.conclusions[i][0] != "derive"
        }
        derived_facts = sorted({self.conclusions[i][1][0] for i in relevant if i not in fixed})
        value_of_fact = dict.fromkeys(derived_facts, 0.0)

        def value(rule: int) -> float:
            return fixed[rule] if rule in fixed else value_of_fact[self.conclusions[rule][1][0]]

        changed = bool(derived_facts)
        while changed:
            changed = False
            for fact in derived_facts:
                best = max((value(j) for j in self.testers.get(fact, ()) if j in relevant), default=0.0)
                if best > value_of_fact[fact]:
                    value_of_fact[fact], changed = best, True
        gain: dict[str, float] = {}
        for i in sorted(relevant):
            for alt in self.alternatives[i]:
                candidates, dead = [], False
                for fact, tests in alt:
                    if fact in self.inputs and fact not in store.given:
                        if fact != "error_message" and fact not in candidates:
                            candidates.append(fact)
                    elif store.group_holds(fact, tests):
                        continue
                    elif fact in self.inputs:
                        dead = True
                        break
                if not dead and candidates:
                    for fact in candidates:
                        gain[fact] = gain.get(fact, 0.0) + value(i) / len(candidates)
        cost = {f: kb.observations[f].get("cost_minutes", 1) for f in gain}
        ranked_q = sorted((f for f in gain if gain[f] > 0), key=lambda f: (-round(gain[f] / max(cost[f], 0.5), 4), cost[f], f))
        return ranked_q[:5]


# ---------- one dialogue ----------


def leader(kb: KnowledgeBase, query: dict[str, Any]) -> str | None:
    causes = diagnose(query, kb=kb, backend="reference").causes
    return causes[0]["id"] if causes else None


def start(truth: dict[str, Any]) -> dict[str, Any]:
    return {"error_message": truth["error_message"]} if "error_message" in truth else {}


def dialogue_new(kb: KnowledgeBase, case: dict[str, Any], log: list[str] | None = None) -> int | None:
    """Questions asked until a right cause leads (None: the dialogue ended or ran too long first)."""
    query, unknown = start(case["truth"]), []
    for asked in range(MAX_ASKED + 1):
        result = diagnose({**query, "unknown": unknown} if unknown else query, kb=kb, backend="reference")
        if result.causes and result.causes[0]["id"] in case["right"]:
            return asked
        if not result.next_questions:
            return None
        ident = result.next_questions[0]["observation"]
        _answer(case["truth"], ident, query, unknown, log)
    return None


def dialogue_old(kb: KnowledgeBase, chooser: OldQuestions, case: dict[str, Any], log: list[str] | None = None) -> int | None:
    query, skipped = start(case["truth"]), []
    for asked in range(MAX_ASKED + 1):
        if leader(kb, query) in case["right"]:
            return asked
        pending = [q for q in chooser.ask(query) if q not in skipped]
        if not pending:
            return None  # the old dialogue stopped once the five listed questions were skipped
        _answer(case["truth"], pending[0], query, skipped, log)
    return None


def _answer(truth: dict[str, Any], ident: str, query: dict[str, Any], unknown: list[str], log: list[str] | None) -> None:
    if ident in truth:
        query[ident] = truth[ident]
    else:
        unknown.append(ident)
    if log is not None:
        log.append(f"{ident}={json.dumps(truth[ident], ensure_ascii=False)}" if ident in truth else f"{ident}=?")


# ---------- figures ----------


def summary(counts: list[int | None]) -> str:
    solved = sorted(c for c in counts if c is not None)
    rate = f"{len(solved)}/{len(counts)} solved"
    if not solved:
        return rate
    return f"{rate}, median {statistics.median(solved):g}, worst {solved[-1]} question(s)"


def time_questions(kb: KnowledgeBase, states: list[dict[str, Any]], repeat: int = 5) -> dict[str, list[float]]:
    """Per state, ms of the next-question computation from scratch (options(), no memo) and of the inference alone:
    wall clock and process CPU time, each the best of `repeat` runs (other work on a shared machine then counts as
    little as possible); and ms of each dialogue step replayed in order through next_questions(), where a "don't
    know" reuses the scores of the state it leaves unchanged."""
    prep = _prepared(kb)
    backend = get_backend(kb, "reference")
    found: dict[str, list[float]] = {"questions": [], "questions_cpu": [], "inference": [], "step": []}
    for query in states:
        inputs, unknown, tried = _facts(kb, query)
        best = {key: float("inf") for key in ("questions", "questions_cpu", "inference")}
        for _ in range(repeat):
            t0 = time.perf_counter()
            fired, store = backend.evaluate(inputs)
            t1, c1 = time.perf_counter(), time.process_time()
            options(prep.questions, inputs, store, set(fired), tried)
            t2, c2 = time.perf_counter(), time.process_time()
            best["inference"] = min(best["inference"], t1 - t0)
            best["questions"] = min(best["questions"], t2 - t1)
            best["questions_cpu"] = min(best["questions_cpu"], c2 - c1)
        for key, value in best.items():
            found[key].append(value * 1000)
    prep.questions._options.clear()
    for query in states:  # the dialogues again, step by step
        inputs, unknown, tried = _facts(kb, query)
        fired, store = backend.evaluate(inputs)
        t0 = time.perf_counter()
        next_questions(prep.questions, inputs, store, set(fired), unknown, tried, False)
        found["step"].append((time.perf_counter() - t0) * 1000)
    return found


def _facts(kb: KnowledgeBase, query: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """The input facts of a query as diagnose() makes them (with what its error message's evidence gives, §12)."""
    facts = query_facts(kb, query)
    return facts.inputs, facts.unknown, facts.tried


def numpy_times(kb: KnowledgeBase, states: list[dict[str, Any]], repeat: int = 5) -> list[float]:
    """ms of the next-question computation from scratch with numpy (`use_numpy()`: the HTTP API's path), best of
    `repeat`. Measured last: once numpy is on, it stays on in this process."""
    from mailkb.questions import use_numpy

    use_numpy()
    prep, backend = _prepared(kb), get_backend(kb, "reference")
    found = []
    for query in states:
        inputs, _unknown, tried = _facts(kb, query)
        fired, store = backend.evaluate(inputs)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            options(prep.questions, inputs, store, set(fired), tried)
            best = min(best, time.perf_counter() - t0)
        found.append(best * 1000)
    return found


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(ordered):.2f} ms, p90 {p90:.2f} ms, worst {ordered[-1]:.2f} ms"


def node_times(kb: KnowledgeBase, states: list[dict[str, Any]]) -> list[float] | None:
    """ms per diagnosis (next questions included) in the wizard's JavaScript engine (best of 5), or None without node."""
    node = shutil.which("node")
    if node is None:
        return None
    from mailkb.sitebuild.api import patterns_document, rules_document

    script = (
        "const E=require(process.argv[1]);const fs=require('fs');const doc=JSON.parse(fs.readFileSync(0,'utf8'));"
        "const prep=E.prepare(doc.rules,doc.patterns);const out=[];"
        "for(const q of doc.states){E.diagnose(prep,q,'value');}"  # warm-up
        "for(const q of doc.states){let best=Infinity;for(let i=0;i<5;i++){const t=process.hrtime.bigint();"
        "E.diagnose(prep,q,'value');best=Math.min(best,Number(process.hrtime.bigint()-t)/1e6);}out.push(best);}"
        "console.log(JSON.stringify(out));"
    )
    payload = json.dumps({"rules": rules_document(kb), "patterns": patterns_document(kb), "states": states}, ensure_ascii=False)
    done = subprocess.run(
        [node, "-e", script, str(ROOT / "site" / "static" / "rulelang.js")], input=payload, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        print(f"  (node failed: {done.stderr.strip()[:200]})")
        return None
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="print each dialogue's questions")
    parser.add_argument("--kb", metavar="KB_DIR", help="the knowledge base to use for the real-kb situations (default: the bundled one)")
    parser.add_argument(
        "--scenarios", metavar="DIR", type=Path, default=SCENARIOS, help="the scenario files (default: tests/engine/scenarios)"
    )
    args = parser.parse_args()
    kbs = {"real": _load(args.kb), "basic": load_kb(FIXTURE_KB)}
    cases = situations(args.scenarios)
    print(f"dialogue benchmark: {len(cases)} situations from {args.scenarios}/*.yaml (real and fixture knowledge bases)")
    new_counts, old_counts, states = [], [], []
    choosers = {name: OldQuestions(kb) for name, kb in kbs.items()}
    print(f"  {'situation':70} {'old':>5} {'new':>5}  reachable")
    for case in cases:
        kb = kbs[case["kb"]]
        new_log: list[str] = []
        old_log: list[str] = []
        new = dialogue_new(kb, case, new_log)
        old = dialogue_old(kb, choosers[case["kb"]], case, old_log)
        reachable = leader(kb, case["truth"]) in case["right"]
        new_counts.append(new)
        old_counts.append(old)
        if case["kb"] == "real":
            states += _states(case, new_log)
        print(
            f"  {case['name'][:70]:70} {_fmt(old):>5} {_fmt(new):>5}  {'yes' if reachable else 'NO: the full truth does not lead with it'}"
        )
        if args.verbose:
            print(f"      new: {' → '.join(new_log) or '(no question)'}")
            print(f"      old: {' → '.join(old_log) or '(no question)'}")
    print(f"old heuristic: {summary(old_counts)}")
    print(f"new (value of information): {summary(new_counts)}")
    # a truth written to test one rule may hold no symptom and no message: its person answers "don't know" even to
    # what they see, which no real person does; the two kinds of situation are printed apart as well
    seen = [bool(case["truth"].get("symptoms") or case["truth"].get("error_message")) for case in cases]
    for label, keep in (("the person knows what they see (symptoms or message)", True), ("the truth holds no symptom", False)):
        picked = [k for k, s in enumerate(seen) if s is keep]
        print(f"  {label}: old {summary([old_counts[k] for k in picked])}; new {summary([new_counts[k] for k in picked])}")
    kb = kbs["real"]
    times = time_questions(kb, states)
    print(f"next-question computation, in process, real knowledge base, {len(states)} dialogue states (load {os.getloadavg()[0]:.1f}):")
    print(f"  from scratch, wall clock: {percentiles(times['questions'])}")
    print(f"  from scratch, CPU time:   {percentiles(times['questions_cpu'])}")
    print(f"  each dialogue step in order (a \"don't know\" reuses its state's scores): {percentiles(times['step'])}")
    print(f"  inference alone (baseline, same states): {percentiles(times['inference'])}")
    print(f"  from scratch with numpy (the HTTP API's workers), wall clock: {percentiles(numpy_times(kb, states))}")
    js = node_times(kb, states)
    if js is not None:
        print(f"  JavaScript (Node, the wizard's engine), whole diagnosis per answer: {percentiles(js)}")
    return 0


def _load(folder: str | None) -> KnowledgeBase:
    """A knowledge base; one that does not lint clean (another branch's, say) is measured as it loads, with a note."""
    try:
        return load_kb(folder)
    except KnowledgeBaseError as err:
        from mailkb.lint import lint
        from mailkb.paths import knowledge_dir

        print(f"  note: {folder or 'the knowledge base'} has {len(err.problems)} lint error(s) here; measured as it loads")
        return lint(Path(folder) if folder else knowledge_dir()).kb


def _states(case: dict[str, Any], log: list[str]) -> list[dict[str, Any]]:
    """The queries a logged dialogue passed through."""
    query, unknown = start(case["truth"]), []
    states = [dict(query)]
    for entry in log:
        ident, _, shown = entry.partition("=")
        if shown == "?":
            unknown.append(ident)
        else:
            query[ident] = case["truth"][ident]
        states.append({**query, **({"unknown": list(unknown)} if unknown else {})})
    return states


def _fmt(count: int | None) -> str:
    return "fail" if count is None else str(count)


if __name__ == "__main__":
    sys.exit(main())
