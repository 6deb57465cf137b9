/* mailkb rule language and diagnosis, in the browser: a port of engine/matching.py, engine/facts.py,
 * engine/backends/reference.py, engine/planning.py and engine/diagnosis.py (docs/engine-semantics.md).
 * Its answers must equal the Python engine's; tests/site/test_wizard_equivalence.py checks that.
 * Works as a classic browser script (window.MailkbEngine) and as a Node module (require). */
(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.MailkbEngine = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const STAGES = ["auth", "receive", "network", "send", "device_os", "support"];
  const TARGETS = 3;
  const MAX_QUESTIONS = 5;
  const MIN_COST = 0.5;
  const MIN_PATTERN = 2;
  const MIN_PARTIAL = 8;
  const PARTIAL_SHARE = 0.6;

  const round4 = (x) => Math.floor(x * 10000 + 0.5) / 10000;
  const cpLength = (s) => [...s].length;  // Python counts code points, not UTF-16 units

  // ---------- §2 matching (engine/textforms.py, engine/matching.py) ----------
  const ACCOUNT = "\uE000", ADDRESS = "\uE001", DOMAIN = "\uE002", IP = "\uE003", NUMBER = "\uE004";
  const MARKERS = new Set([ACCOUNT, ADDRESS, DOMAIN, IP, NUMBER]);
  const PLACEHOLDERS = { account: ACCOUNT, address: ADDRESS, domain: DOMAIN, host: DOMAIN, ip: IP, number: NUMBER };
  const PLAIN = "plain", QUOTED = "quoted", TYPED = "typed", NUMBERED = "numbered";
  const FORMS = [PLAIN, QUOTED, TYPED, NUMBERED];
  const PRIVATE = /[\uE000-\uE0FF]/gu;
  const PLACEHOLDER = /\{(account|address|domain|host|ip|number)\}/g;
  const QUOTED_SPAN = /“[^”]{1,64}”|‘[^’]{1,64}’|「[^」]{1,64}」|『[^』]{1,64}』|"[^"]{1,64}"/gu;
  const RUN = /(?<![a-z0-9._%+@-])[a-z0-9_%+-]*[.@][a-z0-9._%+@-]*/g;
  const DIGITS = /[0-9]+/g;
  const DROP = /(?:(?![\uE000-\uE0FF])[\p{P}\p{S}\p{Z}\p{C}\t\n\v\f\r ])+/gu;
  const LOCAL = /^[a-z0-9._%+-]+$/;
  const LABEL = /^[a-z0-9_-]+$/;
  const TOP = /^[a-z]{2,}$/;

  function placeholderKinds(text) {
    const kinds = new Set();
    for (const m of text.matchAll(PLACEHOLDER)) kinds.add(m[1] === "host" ? "domain" : m[1]);
    return kinds;
  }

  function formNames(kinds) {
    if (!kinds.size) return [PLAIN, QUOTED];
    if (kinds.size === 1 && kinds.has("account")) return [QUOTED];
    return kinds.has("number") ? [NUMBERED] : [TYPED];
  }

  function base(text, pattern) {
    const out = text.normalize("NFKC").toLowerCase().split("\u30FC").join("").replace(PRIVATE, "");
    return pattern ? out.replace(PLACEHOLDER, (_, name) => PLACEHOLDERS[name]) : out;
  }

  const strip = (text) => text.replace(DROP, "").split("appleid").join("appleaccount");

  const isDomain = (text) => {
    const labels = text.split(".");
    return labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TOP.test(labels[labels.length - 1]);
  };
  const isIpv4 = (text) => {
    const parts = text.split(".");
    return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p));
  };
  function isAddress(text) {
    const at = text.indexOf("@");
    if (at < 0) return false;
    const local = text.slice(0, at), domain = text.slice(at + 1);
    return local.length > 0 && !domain.includes("@") && LOCAL.test(local) && isDomain(domain);
  }
  const typedName = (part) => (isIpv4(part) ? IP : isDomain(part) ? DOMAIN : part);

  function typedRun(run) {
    let start = 0, end = run.length;
    while (start < end && (run[start] === "." || run[start] === "-")) start++;
    while (end > start && (run[end - 1] === "." || run[end - 1] === "-")) end--;
    if (start === end) return run;
    const head = run.slice(0, start), core = run.slice(start, end), tail = run.slice(end);
    if (isAddress(core)) return head + ADDRESS + tail;
    return head + core.split("@").map(typedName).join("@") + tail;
  }

  function forms(text, wanted, pattern) {
    const start = base(text, pattern);
    const out = {};
    if (wanted.includes(PLAIN)) out[PLAIN] = strip(start);
    const quoted = start.replace(QUOTED_SPAN, ACCOUNT);
    if (wanted.includes(QUOTED)) out[QUOTED] = strip(quoted);
    if (wanted.includes(TYPED) || wanted.includes(NUMBERED)) {
      const typed = strip(quoted.replace(RUN, typedRun));
      if (wanted.includes(TYPED)) out[TYPED] = typed;
      if (wanted.includes(NUMBERED)) out[NUMBERED] = typed.replace(DIGITS, NUMBER);
    }
    return out;
  }

  const literalLength = (form) => [...form].filter((ch) => !MARKERS.has(ch)).length;

  /** Aho–Corasick over code points: each character of the text moves the automaton once (amortised), and the
   *  outputs of every state reached are read once at the end, so the work is linear in the text's length. */
  function automaton(keys) {
    const next = [new Map()], fail = [0], out = [new Set()];
    for (const [key, ids] of keys) {
      let state = 0;
      for (const ch of key) {
        if (!next[state].has(ch)) { next.push(new Map()); fail.push(0); out.push(new Set()); next[state].set(ch, next.length - 1); }
        state = next[state].get(ch);
      }
      for (const id of ids) out[state].add(id);
    }
    const queue = [...next[0].values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const [ch, child] of next[state]) {
        let f = fail[state];
        while (f && !next[f].has(ch)) f = fail[f];
        fail[child] = next[f].has(ch) && next[f].get(ch) !== child ? next[f].get(ch) : 0;
        for (const id of out[fail[child]]) out[child].add(id);
        queue.push(child);
      }
    }
    return function search(text, found) {
      const seen = new Set();
      let state = 0;
      for (const ch of text) {
        while (state && !next[state].has(ch)) state = fail[state];
        state = next[state].get(ch) || 0;
        seen.add(state);
      }
      for (const s of seen) for (const id of out[s]) found.add(id);
    };
  }

  function makeMatcher(symptoms) {
    const keys = { plain: new Map(), quoted: new Map(), typed: new Map(), numbered: new Map() };
    const partial = [];
    for (const id of Object.keys(symptoms).sort(cmp)) {
      const s = symptoms[id];
      const texts = (s.messages || []).map((m) => m || {}).concat(s.search_phrases || []);
      for (const text of texts) {
        for (const lang of ["ja", "en"]) {
          const value = text && text[lang];
          if (typeof value !== "string") continue;
          const kinds = placeholderKinds(value);
          const wanted = formNames(kinds);
          const normal = forms(value, wanted, true);
          if (!kinds.size && cpLength(normal[PLAIN]) >= MIN_PATTERN) partial.push([id, normal[PLAIN]]);
          for (const name of wanted) {
            if (literalLength(normal[name]) < MIN_PATTERN) continue;
            if (!keys[name].has(normal[name])) keys[name].set(normal[name], new Set());
            keys[name].get(normal[name]).add(id);
          }
        }
      }
    }
    const searches = FORMS.filter((name) => keys[name].size).map((name) => [name, automaton(keys[name])]);
    const wanted = FORMS.filter((name) => name === PLAIN || keys[name].size);
    return function match(message) {
      const normal = forms(message, wanted, false);
      const plain = normal[PLAIN];
      if (!plain) return [];
      const found = new Set();
      for (const [name, search] of searches) search(normal[name], found);
      const length = cpLength(plain);
      if (!found.size && length >= MIN_PARTIAL) {
        // only when no pattern occurs whole: a long paste cut short still finds its message
        for (const [id, pa] of partial) if (length >= PARTIAL_SHARE * cpLength(pa) && pa.includes(plain)) found.add(id);
      }
      return [...found].sort(cmp);
    };
  }

  // ---------- §3 facts ----------
  const isNumber = (v) => typeof v === "number";
  function equal(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return typeof a === "boolean" && typeof b === "boolean" && a === b;
    if (isNumber(a) && isNumber(b)) return a === b;
    if (typeof a !== typeof b) return false;
    if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
    return a === b;
  }
  function testValue(op, target, value) {
    switch (op) {
      case "is": return equal(value, target);
      case "is_not": return !equal(value, target);
      case "in": return target.some((t) => equal(value, t));
      case "not_in": return !target.some((t) => equal(value, t));
      case "has": return Array.isArray(value) && value.some((v) => equal(v, target) && typeof v === typeof target);
    }
    if (!isNumber(value)) return false;
    if (op === "gt") return value > target;
    if (op === "gte") return value >= target;
    if (op === "lt") return value < target;
    return value <= target;
  }

  class FactStore {
    constructor(inputs) {
      this.given = new Set(Object.keys(inputs));
      this.values = new Map(Object.entries(inputs).map(([k, v]) => [k, [v]]));
    }
    add(name, value) {
      if (!this.values.has(name)) this.values.set(name, []);
      const known = this.values.get(name);
      if (known.some((v) => equal(v, value))) return false;
      known.push(value);
      return true;
    }
    groupHolds(fact, tests) {
      if (tests.length && tests[0][0] === "answered") return this.given.has(fact) === tests[0][1];
      return (this.values.get(fact) || []).some((value) => tests.every(([op, target]) => testValue(op, target, value)));
    }
    ruleHolds(alts) {
      return alts.some((alt) => alt.every(([fact, tests]) => this.groupHolds(fact, tests)));
    }
  }

  const operatorOf = (cond) => Object.keys(cond).find((k) => k !== "fact");

  function dnf(node) {
    if ("fact" in node) return [[node]];
    if ("any" in node) return node.any.flatMap((child) => dnf(child));
    let result = [[]];
    for (const child of node.all || []) {
      const parts = dnf(child);
      const next = [];
      for (const left of result) for (const right of parts) next.push(left.concat(right));
      result = next;
    }
    return result;
  }

  // Python compares the (op, target) tuples with ==: 1 == 1.0 == True. JSON keeps true apart from 1, so
  // two tests are "the same" when their JSON is equal, or when they are numerically equal scalars.
  function pyEqualTarget(a, b) {
    if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEqualTarget(x, b[i]));
    return a === b || (typeof a !== "object" && typeof b !== "object" && Number(a) === Number(b) && typeof a !== "string" && typeof b !== "string");
  }

  function alternatives(when) {
    return dnf(when).map((conjunction) => {
      const groups = new Map();
      for (const cond of conjunction) {
        const op = operatorOf(cond);
        const key = JSON.stringify([cond.fact, op === "answered"]);
        if (!groups.has(key)) groups.set(key, { fact: cond.fact, tests: [] });
        const tests = groups.get(key).tests;
        const test = [op, cond[op]];
        if (!tests.some((t) => t[0] === test[0] && pyEqualTarget(t[1], test[1]))) tests.push(test);
      }
      return [...groups.values()].map((g) => [g.fact, g.tests]);
    });
  }

  function conclusion(rule) {
    const then = rule.then;
    if ("derive" in then) { const [[fact, value]] = Object.entries(then.derive); return ["derive", [fact, value]]; }
    if ("suspect" in then) return ["suspect", [then.suspect.cause, then.suspect.weight]];
    return ["rule_out", then.rule_out];
  }

  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const stageRank = (stage) => (STAGES.includes(stage) ? STAGES.indexOf(stage) : STAGES.length);

  // ---------- prepared knowledge base ----------
  function prepare(doc) {
    const rules = doc.rules;
    const prep = {
      doc,
      rules,
      alternatives: rules.map((r) => alternatives(r.when)),
      conclusions: rules.map(conclusion),
      testers: new Map(),
      inputs: new Set(Object.entries(doc.observations).filter(([, o]) => !o.derived).map(([k]) => k)),
      match: makeMatcher(doc.symptoms),
    };
    prep.alternatives.forEach((alts, index) => {
      const facts = [...new Set(alts.flatMap((alt) => alt.map(([f]) => f)))].sort(cmp);
      for (const fact of facts) {
        if (!prep.testers.has(fact)) prep.testers.set(fact, []);
        prep.testers.get(fact).push(index);
      }
    });
    return prep;
  }

  // ---------- §4 firing ----------
  function fire(prep, store) {
    const fired = [];
    const done = new Set();
    for (;;) {
      let next = -1;
      for (let i = 0; i < prep.rules.length; i++) {
        if (!done.has(i) && store.ruleHolds(prep.alternatives[i])) { next = i; break; }
      }
      if (next < 0) return fired;
      done.add(next);
      fired.push(next);
      const [what, detail] = prep.conclusions[next];
      if (what === "derive") store.add(detail[0], detail[1]);
    }
  }

  // ---------- §6 plan ----------
  // steps written for these also serve the platform: iCloud.com works from any browser; iPhone and iPad share one UI
  const ALSO_FITS = { iphone: ["ipad"], ipad: ["iphone"] };

  function fitsPlatform(remedy, platform) {
    if (platform === undefined || platform === null) return true;
    const fits = new Set([platform, "any", "web", ...(ALSO_FITS[platform] || [])]);
    return (remedy.platforms || []).some((p) => fits.has(p));
  }

  function remediesFor(doc, causeId, platform) {
    const remedies = ((doc.causes[causeId] && doc.causes[causeId].remedies) || []).filter((r) => doc.remedies[r]);
    const fitting = remedies.filter((r) => fitsPlatform(doc.remedies[r], platform));
    return fitting.length ? fitting : remedies;
  }

  function plan(doc, ranked, order, platform) {
    const total = ranked.reduce((sum, [, conf]) => sum + conf, 0);
    const pFix = new Map();
    const forCauses = new Map();
    for (const [causeId, conf] of ranked) {
      const remedies = remediesFor(doc, causeId, platform);
      if (!remedies.length || total <= 0) continue;
      let norm = 0;
      for (let j = 0; j < remedies.length; j++) norm += 2 ** -j;
      remedies.forEach((remedy, position) => {
        const share = (conf / total) * (2 ** -position / norm);
        pFix.set(remedy, (pFix.get(remedy) || 0) + share);
        if (!forCauses.has(remedy)) forCauses.set(remedy, []);
        forCauses.get(remedy).push(causeId);
      });
    }
    const steps = [];
    for (const [remedy, probability] of pFix) {
      const data = doc.remedies[remedy];
      if (!data) continue;
      steps.push({ remedy, stage: data.stage, minutes: data.minutes, p_fix: round4(probability), score: round4(probability / data.minutes), for: forCauses.get(remedy) });
    }
    if (order === "stages") steps.sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || b.score - a.score || cmp(a.remedy, b.remedy));
    else steps.sort((a, b) => b.score - a.score || stageRank(a.stage) - stageRank(b.stage) || cmp(a.remedy, b.remedy));
    return steps;
  }

  // ---------- §7 next questions ----------
  function nextQuestions(prep, store, fired, ranked, ruledOut) {
    const doc = prep.doc;
    let targets = ranked.length ? new Set(ranked.slice(0, TARGETS)) : new Set(Object.keys(doc.causes).filter((c) => !ruledOut.has(c)));
    targets = new Set([...targets].filter((c) => !ruledOut.has(c)));
    const relevant = new Set();
    prep.conclusions.forEach(([what, detail], i) => {
      if (!fired.has(i) && (what === "suspect" || what === "rule_out") && targets.has(what === "suspect" ? detail[0] : detail)) relevant.add(i);
    });
    let changed = true;
    while (changed) {
      changed = false;
      const tested = new Set();
      for (const i of relevant) for (const alt of prep.alternatives[i]) for (const [fact] of alt) tested.add(fact);
      prep.conclusions.forEach(([what, detail], i) => {
        if (what === "derive" && !fired.has(i) && !relevant.has(i) && tested.has(detail[0])) { relevant.add(i); changed = true; }
      });
    }
    const value = new Map();
    for (const i of relevant) {
      const [what, detail] = prep.conclusions[i];
      value.set(i, what === "suspect" ? detail[1] : what === "rule_out" ? 1.0 : 0.0);
    }
    changed = true;
    while (changed) {
      changed = false;
      for (const i of relevant) {
        const [what, detail] = prep.conclusions[i];
        if (what !== "derive") continue;
        let best = 0.0;
        for (const j of prep.testers.get(detail[0]) || []) if (relevant.has(j) && value.get(j) > best) best = value.get(j);
        if (best > value.get(i)) { value.set(i, best); changed = true; }
      }
    }
    const gain = new Map();
    const reasons = new Map();
    for (const i of [...relevant].sort((a, b) => a - b)) {
      for (const alt of prep.alternatives[i]) {
        const candidates = [];
        let dead = false;
        for (const [fact, tests] of alt) {
          if (prep.inputs.has(fact) && !store.given.has(fact)) {
            if (fact !== "error_message" && !candidates.includes(fact)) candidates.push(fact);
          } else if (store.groupHolds(fact, tests)) {
            continue;
          } else if (prep.inputs.has(fact)) {
            dead = true;
            break;
          }
        }
        if (dead || !candidates.length) continue;
        const share = value.get(i) / candidates.length;
        for (const fact of candidates) {
          gain.set(fact, (gain.get(fact) || 0) + share);
          if (!reasons.has(fact)) reasons.set(fact, new Set());
          reasons.get(fact).add(i);
        }
      }
    }
    const questions = [];
    for (const [fact, amount] of gain) {
      if (amount <= 0) continue;
      const obs = doc.observations[fact];
      const cost = obs.cost_minutes === undefined ? 1 : obs.cost_minutes;
      const rules = [...reasons.get(fact)].sort((a, b) => a - b);
      questions.push({ observation: fact, score: round4(amount / Math.max(cost, MIN_COST)), cost_minutes: cost,
        rules: rules.map((i) => prep.rules[i].id), why: prep.rules[rules[0]].because });
    }
    questions.sort((a, b) => b.score - a.score || a.cost_minutes - b.cost_minutes || cmp(a.observation, b.observation));
    return questions.slice(0, MAX_QUESTIONS);
  }

  // ---------- §2 + §9 diagnose ----------
  function effectiveInputs(prep, query) {
    const inputs = Object.assign({}, query);
    const given = [...(query.symptoms || [])];
    const symptoms = given.map((id) => ({ id, from: "input" }));
    if (typeof query.error_message === "string") {
      for (const id of prep.match(query.error_message)) {
        if (!given.includes(id)) { given.push(id); symptoms.push({ id, from: "error_message" }); }
      }
    }
    if (given.length || "symptoms" in query) inputs.symptoms = given;
    return [inputs, symptoms];
  }

  function diagnose(prep, query, order) {
    const doc = prep.doc;
    const [inputs, symptoms] = effectiveInputs(prep, query);
    const store = new FactStore(inputs);
    const firedList = fire(prep, store);
    const replay = new FactStore(inputs);
    const derived = [];
    const ruledOut = new Map();
    const evidence = new Map();
    for (const index of firedList) {
      const rule = prep.rules[index];
      const [what, detail] = prep.conclusions[index];
      if (what === "derive") {
        if (replay.add(detail[0], detail[1])) derived.push({ fact: detail[0], value: detail[1], rule: rule.id });
      } else if (what === "suspect") {
        if (!evidence.has(detail[0])) evidence.set(detail[0], []);
        evidence.get(detail[0]).push({ rule: rule.id, weight: detail[1], because: rule.because });
      } else if (!ruledOut.has(detail)) ruledOut.set(detail, rule.id);
    }
    const ranked = [];
    for (const [cause, items] of evidence) {
      if (ruledOut.has(cause)) continue;
      let remaining = 1.0;
      for (const item of items) remaining *= 1.0 - item.weight;
      ranked.push([cause, 1.0 - remaining, items]);
    }
    const prior = (c) => (doc.causes[c] && doc.causes[c].prior) || 0;
    ranked.sort((a, b) => round4(b[1]) - round4(a[1]) || prior(b[0]) - prior(a[0]) || cmp(a[0], b[0]));
    return {
      symptoms,
      derived,
      causes: ranked.map(([id, conf, items]) => ({ id, confidence: round4(conf), evidence: items })),
      ruled_out: [...ruledOut.keys()].sort(cmp).map((id) => ({ id, rule: ruledOut.get(id) })),
      plan: plan(doc, ranked.map(([c, conf]) => [c, conf]), order || "value", inputs.platform),
      next_questions: nextQuestions(prep, replay, new Set(firedList), ranked.map(([c]) => c), new Set(ruledOut.keys())),
      trace: firedList.map((i) => prep.rules[i].id),
      engine: "javascript",
      kb: doc.digest,
    };
  }

  /** Whether the dialogue should stop asking (§8). */
  function leads(result) {
    const causes = result.causes;
    if (!causes.length) return false;
    const first = round4(causes[0].confidence);
    return first >= 0.8 && (causes.length === 1 || first - round4(causes[1].confidence) >= 0.3);
  }

  return { STAGES, round4, forms, makeMatcher, alternatives, prepare, diagnose, leads };
});
