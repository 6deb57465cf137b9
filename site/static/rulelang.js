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
  const MAX_QUESTIONS = 5;
  const MIN_COST = 0.5;
  const PAIR_ANSWERS = 12;  // §7.4: two questions a rule needs together, scored as a pair up to 12 joint answers
  const TRIED_FIX = 0.9;  // §5: a step fixes its cause with probability 0.9 × its share
  const DEFAULT_PRIOR = 0.01;  // §7.1: a cause without `prior`
  const LEAK = 0.1;  // §7.1: the prior weight kept by a cause nothing connects to the reported symptoms
  const SERVICE = 60.0;  // §7.2: handing what is left to support
  const LEAD_CONFIDENCE = 0.8;
  const LEAD_MARGIN = 0.3;
  const NEVER_ASKED = ["error_message"];
  const GENERAL_GUIDE = "general_checks";
  const HELP_SECTION = "get_help";
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
  /** evidence.js: beside this script in the browser (window.MailkbEvidence), or required in Node. */
  function evidenceModule() {
    if (typeof self !== "undefined" && self.MailkbEvidence) return self.MailkbEvidence;
    if (typeof module === "object" && module.exports) return require("./evidence.js");
    throw new Error("evidence.js is not loaded");
  }

  /** The engine's view of a rules document (api/rules.<lang>.json); with `patterns` (api/patterns.json), the query's
   * error message is also read by the evidence patterns (§12), as `mailkb diagnose` reads it. */
  function prepare(doc, patterns) {
    const rules = doc.rules;
    let scanMessage = null;
    if (patterns) {
      const Ev = evidenceModule();
      const book = Ev.prepare(patterns);
      scanMessage = (text) => Ev.scanText(book, text).observations;
    }
    const prep = {
      doc,
      rules,
      scanMessage,
      alternatives: rules.map((r) => alternatives(r.when)),
      conclusions: rules.map(conclusion),
      testers: new Map(),
      inputs: new Set(Object.entries(doc.observations).filter(([, o]) => !o.derived).map(([k]) => k)),
      match: makeMatcher(doc.symptoms),
    };
    prep.absentTesters = new Map();  // fact -> rules with `answered: false` on it
    prep.alternatives.forEach((alts, index) => {
      const facts = [...new Set(alts.flatMap((alt) => alt.map(([f]) => f)))].sort(cmp);
      for (const fact of facts) {
        if (!prep.testers.has(fact)) prep.testers.set(fact, []);
        prep.testers.get(fact).push(index);
      }
      for (const alt of alts) {
        for (const [fact, tests] of alt) {
          if (tests[0][0] !== "answered") continue;
          if (!prep.absentTesters.has(fact)) prep.absentTesters.set(fact, []);
          if (!prep.absentTesters.get(fact).includes(index)) prep.absentTesters.get(fact).push(index);
        }
      }
    });
    return prep;
  }

  // ---------- §4 firing ----------
  // The lowest-index rule that holds fires next. A rule can only start to hold when one of its facts gains a value,
  // so only the rules testing a given fact (or needing a fact unanswered) are looked at, then the testers of each
  // derived fact (as engine/backends/reference.py does).
  function fire(prep, store) {
    const fired = [];
    const done = new Set();
    const pending = new Set();
    for (const fact of store.given) for (const i of prep.testers.get(fact) || []) pending.add(i);
    for (const [fact, rules] of prep.absentTesters) if (!store.given.has(fact)) for (const i of rules) pending.add(i);
    let heap = [...pending].filter((i) => store.ruleHolds(prep.alternatives[i])).sort((a, b) => a - b);
    while (heap.length) {
      const next = heap.shift();
      if (done.has(next)) continue;
      done.add(next);
      fired.push(next);
      const [what, detail] = prep.conclusions[next];
      if (what === "derive" && store.add(detail[0], detail[1])) {
        let grew = false;
        for (const i of prep.testers.get(detail[0]) || []) {
          if (!done.has(i) && !heap.includes(i) && store.ruleHolds(prep.alternatives[i])) { heap.push(i); grew = true; }
        }
        if (grew) heap.sort((a, b) => a - b);
      }
    }
    return fired;
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

  function shares(count) {
    let norm = 0.0;
    for (let j = 0; j < count; j++) norm += 2 ** -j;
    const out = [];
    for (let i = 0; i < count; i++) out.push(2 ** -i / norm);
    return out;
  }

  // §5: Π (1 − 0.9 × s) over the tried steps on the cause's list
  function triedFactor(doc, causeId, platform, tried) {
    if (!tried.length) return 1.0;
    const remedies = remediesFor(doc, causeId, platform);
    const sh = shares(remedies.length);
    let factor = 1.0;
    remedies.forEach((r, i) => { if (tried.includes(r)) factor *= 1.0 - TRIED_FIX * sh[i]; });
    return factor;
  }

  const openRemedies = (doc, causeId, platform, tried) => remediesFor(doc, causeId, platform).filter((r) => !tried.includes(r));

  function plan(doc, ranked, order, platform, tried) {
    let total = 0;
    for (const [, conf] of ranked) total += conf;
    const pFix = new Map();
    const forCauses = new Map();
    for (const [causeId, conf] of ranked) {
      const remedies = openRemedies(doc, causeId, platform, tried);
      if (!remedies.length || total <= 0) continue;
      const sh = shares(remedies.length);
      remedies.forEach((remedy, position) => {
        pFix.set(remedy, (pFix.get(remedy) || 0) + (conf / total) * sh[position]);
        if (!forCauses.has(remedy)) forCauses.set(remedy, []);
        forCauses.get(remedy).push(causeId);
      });
    }
    const steps = [];
    for (const [remedy, probability] of pFix) {
      const data = doc.remedies[remedy];
      steps.push({ remedy, stage: data.stage, minutes: data.minutes, p_fix: round4(probability), score: round4(probability / data.minutes), for: forCauses.get(remedy) });
    }
    if (order === "stages") steps.sort((a, b) => stageRank(a.stage) - stageRank(b.stage) || b.score - a.score || cmp(a.remedy, b.remedy));
    else steps.sort((a, b) => b.score - a.score || stageRank(a.stage) - stageRank(b.stage) || cmp(a.remedy, b.remedy));
    return steps;
  }

  // §6 general checks: the guide general_checks, one remedy per item
  // only: that section alone (the help section closes every plan); planned: remedies already in the plan
  function generalPlan(doc, platform, tried, ruledOut, only = null, planned = []) {
    const guide = (doc.guides || {})[GENERAL_GUIDE];
    if (!guide) return [];
    const listedBy = new Map();
    for (const causeId of Object.keys(doc.causes).sort(cmp)) {
      for (const r of doc.causes[causeId].remedies || []) {
        if (!listedBy.has(r)) listedBy.set(r, []);
        listedBy.get(r).push(causeId);
      }
    }
    const steps = [];
    const taken = new Set(planned);
    for (const section of guide.sections || []) {
      if (only !== null && section.id !== only) continue;
      const helping = section.id === HELP_SECTION;
      for (const item of section.items || []) {
        for (const ref of item.refs || []) {
          const [kind, remedy] = [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)];
          if (kind !== "remedy" || !doc.remedies[remedy] || taken.has(remedy)) continue;
          if (!fitsPlatform(doc.remedies[remedy], platform)) continue;
          if (tried.includes(remedy) && !helping) continue;
          const causes = listedBy.get(remedy) || [];
          if (causes.length && causes.every((c) => ruledOut.has(c)) && !helping) continue;
          const data = doc.remedies[remedy];
          steps.push({ remedy, stage: data.stage, minutes: data.minutes, p_fix: 0, score: 0, for: [], general: section.id });
          taken.add(remedy);
          break;
        }
      }
    }
    return steps;
  }

  // ---------- §7 next questions ----------
  const isNum = (v) => typeof v === "number";
  const cpCmp = (a, b) => {  // code-point order, as Python sorts strings
    const x = [...a], y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i].codePointAt(0) - y[i].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  };

  function normalized(weights) {
    let total = 0.0;
    for (const [, w] of weights) total += w;
    return total > 0 ? weights.map(([v, w]) => [v, w / total]) : [];
  }

  // the model of §7: causes, their suspecting rules, symptom links, answers per question
  function questionModel(prep) {
    const doc = prep.doc;
    const ids = Object.keys(doc.causes).sort(cmp);
    const index = new Map(ids.map((c, i) => [c, i]));
    const model = {
      ids, index,
      prior: ids.map((c) => Number(doc.causes[c].prior || DEFAULT_PRIOR)),
      rankPrior: ids.map((c) => doc.causes[c].prior || 0),
      suspects: ids.map(() => []),
      ruleCause: new Map(),
      ruleOuts: new Set(),
      tests: new Map(),
      answers: new Map(),
      plans: new Map(),
      factorCache: new Map(),
    };
    prep.conclusions.forEach(([what, detail], rule) => {
      const cause = what === "suspect" ? detail[0] : what === "rule_out" ? detail : undefined;
      if (cause === undefined || !index.has(cause)) return;
      model.ruleCause.set(rule, index.get(cause));
      if (what === "suspect") model.suspects[index.get(cause)].push([rule, detail[1]]);
      else model.ruleOuts.add(rule);
    });
    for (const alts of prep.alternatives) {
      for (const alt of alts) {
        for (const [fact, tests] of alt) {
          if (!model.tests.has(fact)) model.tests.set(fact, []);
          const known = model.tests.get(fact);
          for (const [op, target] of tests) {
            if (op !== "answered" && !known.some(([o, t]) => o === op && pyEqualTarget(t, target))) known.push([op, target]);
          }
        }
      }
    }
    model.links = symptomLinks(prep);
    model.remedies = Object.keys(doc.remedies).sort((a, b) => stageRank(doc.remedies[a].stage) - stageRank(doc.remedies[b].stage) || cmp(a, b));
    model.minutes = model.remedies.map((r) => Number(doc.remedies[r].minutes));
    const inputs = Object.keys(doc.observations).filter((k) => !doc.observations[k].derived).sort(cmp);
    for (const ident of inputs) {
      if (NEVER_ASKED.includes(ident) || !model.tests.has(ident)) continue;
      model.answers.set(ident, answersOf(doc, model, ident));
    }
    return model;
  }

  function constantsOf(model, ident) {
    return (model.tests.get(ident) || []).flatMap(([, target]) => (Array.isArray(target) ? target : [target]));
  }

  function classes(model, ident, candidates) {
    const tests = model.tests.get(ident) || [];
    const seen = new Set();
    const kept = [];
    for (const value of candidates) {
      const signature = tests.map(([op, target]) => (testValue(op, target, value) ? "1" : "0")).join("");
      if (!seen.has(signature)) { seen.add(signature); kept.push(value); }
    }
    return kept;
  }

  // §7.3
  function answersOf(doc, model, ident) {
    const obs = doc.observations[ident];
    if (obs.type === "boolean") {
      const pTrue = obs.prior_true === undefined ? 0.5 : Number(obs.prior_true);
      return [[true, pTrue], [false, 1.0 - pTrue]];
    }
    if (obs.type === "enum") return normalized(obs.values.map((v) => [v.value, v.prior === undefined ? 1.0 / obs.values.length : Number(v.prior)]));
    if (obs.type === "symptom_list") return normalized(Object.keys(doc.symptoms).sort(cmp).map((s) => [[s], 1.0]));
    if (obs.type === "number") {
      const low = obs.minimum, high = obs.maximum;
      const marks = [...new Set([low, high, ...constantsOf(model, ident).filter((t) => isNum(t) && low <= t <= high)])].sort((a, b) => a - b);
      const mids = [];
      for (let i = 0; i + 1 < marks.length; i++) mids.push((marks[i] + marks[i + 1]) / 2);
      const points = [...new Set([...marks, ...mids])].sort((a, b) => a - b);
      return normalized(classes(model, ident, points).map((x) => [x, 1.0]));
    }
    const constants = [...new Set(constantsOf(model, ident).filter((t) => typeof t === "string"))].sort(cpCmp);
    const other = constants.includes("") ? "\u0000" : "";
    return normalized(classes(model, ident, [...constants, other]).map((x) => [x, 1.0]));
  }

  // §7.1: symptom -> the causes connected to it
  function symptomLinks(prep) {
    const doc = prep.doc;
    const derivedFrom = new Map();
    const mentioned = (alt) => {
      const found = new Set();
      for (const [fact, tests] of alt) {
        if (fact === "symptoms") for (const [op, t] of tests) if (op === "has") found.add(t);
        for (const s of derivedFrom.get(fact) || []) found.add(s);
      }
      return found;
    };
    let changed = true;
    while (changed) {
      changed = false;
      prep.conclusions.forEach(([what, detail], rule) => {
        if (what !== "derive") return;
        if (!derivedFrom.has(detail[0])) derivedFrom.set(detail[0], new Set());
        const known = derivedFrom.get(detail[0]);
        for (const alt of prep.alternatives[rule]) for (const s of mentioned(alt)) if (!known.has(s)) { known.add(s); changed = true; }
      });
    }
    const links = new Map();
    const link = (s, c) => { if (!links.has(s)) links.set(s, new Set()); links.get(s).add(c); };
    prep.conclusions.forEach(([what, detail], rule) => {
      if (what === "derive") return;
      const cause = what === "suspect" ? detail[0] : detail;
      for (const alt of prep.alternatives[rule]) for (const s of mentioned(alt)) link(s, cause);
    });
    const related = (sid, kind) => ((doc.symptoms[sid] || {}).related || []).filter((r) => typeof r === "string" && r.slice(0, r.indexOf(":")) === kind).map((r) => r.slice(r.indexOf(":") + 1));
    for (const sid of Object.keys(doc.symptoms)) {
      for (const cid of related(sid, "cause")) link(sid, cid);
      for (const other of related(sid, "symptom")) for (const cid of related(other, "cause")) link(sid, cid);
    }
    return links;
  }

  function weakOf(model, symptoms) {
    const linked = new Set();
    for (const s of symptoms) for (const c of model.links.get(s) || []) linked.add(c);
    return model.ids.map((c) => symptoms.length > 0 && !linked.has(c));
  }

  function remainingOf(model, cause, fired) {
    let value = 1.0;
    for (const [rule, weight] of model.suspects[cause]) if (fired.has(rule)) value *= 1.0 - weight;
    return value;
  }

  function factorsOf(doc, model, platform, tried) {
    const key = JSON.stringify([platform === undefined ? null : platform, tried]);
    if (!model.factorCache.has(key)) model.factorCache.set(key, model.ids.map((c) => triedFactor(doc, c, platform, tried)));
    return model.factorCache.get(key);
  }

  // §7.2: for each remedy (tie order) its causes' (index, share) on their open lists, in cause order
  function planShape(doc, model, platform, tried) {
    const key = JSON.stringify([platform === undefined ? null : platform, tried]);
    if (!model.plans.has(key)) {
      const listed = new Map();
      model.ids.forEach((cause, i) => {
        const remedies = openRemedies(doc, cause, platform, tried);
        const sh = shares(remedies.length);
        remedies.forEach((r, k) => { if (!listed.has(r)) listed.set(r, []); listed.get(r).push([i, sh[k]]); });
      });
      model.plans.set(key, model.remedies.map((r) => listed.get(r) || []));
    }
    return model.plans.get(key);
  }

  // §7.1
  function belief(model, remaining, ruled, factors, weak) {
    const n = model.ids.length;
    const a = new Array(n).fill(0.0), p = new Array(n).fill(0.0);
    let totalA = 0.0, totalP = 0.0, beta = 1.0;
    for (let i = 0; i < n; i++) {
      if (!ruled.has(i)) {
        a[i] = (1.0 - remaining[i]) * factors[i];
        p[i] = (model.prior[i] * factors[i]) * (weak[i] ? LEAK : 1.0);
      }
      totalA += a[i];
      totalP += p[i];
      beta *= a[i] > 0 ? 1.0 - a[i] : 1.0;
    }
    if (!(totalP > 0)) return new Array(n).fill(0.0);
    if (!(totalA > 0)) return p.map((x) => x / totalP);
    return a.map((x, i) => (1.0 - beta) * (x / totalA) + beta * (p[i] / totalP));
  }

  // §7.2
  function expectedCost(model, probabilities, shape) {
    const count = model.remedies.length;
    const pFix = new Array(count).fill(0.0);
    for (let r = 0; r < count; r++) {
      let v = 0.0;
      for (const [cause, share] of shape[r]) v += probabilities[cause] * share;
      pFix[r] = v;
    }
    const steps = [];
    for (let r = 0; r < count; r++) if (pFix[r] > 0) steps.push([pFix[r] / model.minutes[r], r]);
    steps.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
    let best = SERVICE, cost = 0.0, done = 0.0;
    for (const [, r] of steps) {
      cost += model.minutes[r] * (1.0 - done);
      done += pFix[r];
      const total = cost + SERVICE * (1.0 - done);
      if (total < best) best = total;
    }
    return best;
  }

  function firedSet(prep, inputs) {
    return new Set(fire(prep, new FactStore(inputs)));
  }

  const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));

  // §7.4–§7.5
  function nextQuestions(prep, inputs, fired, unknown, tried, settled) {
    const doc = prep.doc;
    const model = prep.questions || (prep.questions = questionModel(prep));
    const n = model.ids.length;
    const platform = inputs.platform;
    const remaining = model.ids.map((_, i) => remainingOf(model, i, fired));
    const ruled = new Set([...fired].filter((r) => model.ruleOuts.has(r)).map((r) => model.ruleCause.get(r)));
    const factors = factorsOf(doc, model, platform, tried);
    const weak = weakOf(model, inputs.symptoms || []);
    const shape = planShape(doc, model, platform, tried);
    const prior = belief(model, remaining, ruled, factors, weak);
    if (!prior.some((x) => x > 0)) return [];
    const cost0 = expectedCost(model, prior, shape);
    const confidence = model.ids.map((_, i) => round4((1.0 - remaining[i]) * factors[i]));
    const rankKey = (c, i) => [-c, -model.rankPrior[i], i];
    const less = (x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    const ranking = model.ids.map((_, i) => i).filter((i) => confidence[i] > 0 && !ruled.has(i)).map((i) => rankKey(confidence[i], i)).sort(less);
    const leader = ranking.length ? ranking[0][2] : null;
    const leaderAfter = (rem, rul, touched) => {
      let best = ranking.find(([, , i]) => !rul.has(i) && !touched.has(i)) || null;
      for (const i of touched) {
        if (rul.has(i)) continue;
        const c = round4((1.0 - rem[i]) * factors[i]);
        const key = rankKey(c, i);
        if (c > 0 && (best === null || less(key, best) < 0)) best = key;
      }
      return best === null ? null : best[2];
    };
    const live = prior.map((x) => x > 0);
    // one candidate: a question alone, or two a rule needs together (§7.4); null when no answer changes anything
    const score = (names, answers) => {
      const ratios = [];
      const changedRules = new Set();
      let changesLeader = false;
      for (const [values] of answers) {
        const extra = {};
        names.forEach((name, k) => { extra[name] = values[k]; });
        const firedA = firedSet(prep, Object.assign({}, inputs, extra));
        const weakA = names.length === 1 && names[0] === "symptoms" ? weakOf(model, values[0]) : weak;
        if (sameSet(firedA, fired) && weakA.every((w, i) => w === weak[i])) { ratios.push(null); continue; }
        const delta = new Set([...firedA].filter((r) => !fired.has(r)).concat([...fired].filter((r) => !firedA.has(r))));
        for (const r of delta) changedRules.add(r);
        let rem = remaining, rul = ruled;
        const touched = new Set([...delta].filter((r) => model.ruleCause.has(r)).map((r) => model.ruleCause.get(r)));
        if (touched.size) {
          rem = remaining.slice();
          for (const i of touched) rem[i] = remainingOf(model, i, firedA);
          if ([...delta].some((r) => model.ruleOuts.has(r))) rul = new Set([...firedA].filter((r) => model.ruleOuts.has(r)).map((r) => model.ruleCause.get(r)));
          if (leaderAfter(rem, rul, touched) !== leader) changesLeader = true;
        }
        const after = belief(model, rem, rul, factors, weakA);
        ratios.push(after.map((x, i) => (live[i] ? x / prior[i] : 0.0)));
      }
      if (ratios.every((m) => m === null)) return null;
      const capped = answers.map(([, b], k) => {
        let top = 1.0;
        if (ratios[k]) for (let i = 0; i < n; i++) if (live[i] && ratios[k][i] > top) top = ratios[k][i];
        return Math.min(b, 1.0 / top);
      });
      let totalB = 0.0;
      for (const w of capped) totalB += w;
      const bases = capped.map((w) => w / totalB);
      const weighted = bases.map((b, k) => (ratios[k] ? ratios[k].map((m) => b * m) : new Array(n).fill(b * 1.0)));
      const norms = new Array(n).fill(0.0);
      for (const row of weighted) for (let i = 0; i < n; i++) norms[i] += row[i];
      let expected = 0.0;
      weighted.forEach((row, k) => {
        const joint = row.map((w, i) => (live[i] ? prior[i] * (norms[i] > 0 ? w / norms[i] : bases[k]) : 0.0));
        let pAnswer = 0.0;
        for (const x of joint) pAnswer += x;
        if (pAnswer > 0) expected += pAnswer * expectedCost(model, joint.map((x) => x / pAnswer), shape);
      });
      let cost = 0.0;
      let share = 1.0;  // the people who can answer every question of the candidate (§7.4, step 6)
      for (const name of names) {
        cost += doc.observations[name].cost_minutes === undefined ? 1 : doc.observations[name].cost_minutes;
        share *= doc.observations[name].answerable === undefined ? 1 : doc.observations[name].answerable;
      }
      const value = cost0 - expected;
      return { names, value, score: round4((value * share) / Math.max(cost, MIN_COST)), changedRules, changesLeader };
    };
    const asked = new Map([...model.answers].filter(([ident, answers]) => !(ident in inputs) && !unknown.includes(ident) && answers.length));
    const candidates = [];
    for (const [ident, answers] of asked) candidates.push(score([ident], answers.map(([v, b]) => [[v], b])));
    for (const [first, second] of pairsOf(prep, inputs, fired)) {
      if (!asked.has(first) || !asked.has(second) || asked.get(first).length * asked.get(second).length > PAIR_ANSWERS) continue;
      const joint = [];
      for (const [v1, p1] of asked.get(first)) for (const [v2, p2] of asked.get(second)) joint.push([[v1, v2], p1 * p2]);
      candidates.push(score([first, second], joint));
    }
    const best = new Map();
    const leaderChange = new Set();
    const alone = new Map(candidates.filter((c) => c !== null && c.names.length === 1).map((c) => [c.names[0], round4(c.value)]));
    for (const c of candidates) {
      if (c === null) continue;
      for (const ident of c.names) {
        // §7.4: a pair worth no more than its partner alone adds nothing for this question
        if (c.names.length === 2 && !(round4(c.value) > (alone.get(c.names.find((x) => x !== ident)) || 0))) continue;
        if (c.changesLeader) leaderChange.add(ident);
        const known = best.get(ident);
        if (!known || c.score > known.score || (c.score === known.score && c.names.length < known.names.length)) best.set(ident, c);
      }
    }
    const questions = [];
    for (const [ident, c] of best) {
      if (!(c.score > 0) || (settled && !leaderChange.has(ident))) continue;
      const obs = doc.observations[ident];
      const question = {
        observation: ident,
        score: c.score,
        value: round4(c.value),
        cost_minutes: obs.cost_minutes === undefined ? 1 : obs.cost_minutes,
        rules: [...c.changedRules].sort((a, b) => a - b).map((i) => prep.rules[i].id),
        why: obs.why || obs.title,
        changes_leader: leaderChange.has(ident),
      };
      if (c.names.length === 2) question.with = c.names.find((x) => x !== ident);
      questions.push(question);
    }
    questions.sort((a, b) => b.score - a.score || a.cost_minutes - b.cost_minutes || cmp(a.observation, b.observation));
    return questions.slice(0, MAX_QUESTIONS);
  }

  // §7.4: pairs of input facts (not given) on which alone some rule that did not fire still fails, sorted
  function pairsOf(prep, inputs, fired) {
    const store = new FactStore(inputs);
    for (const i of fired) { const [what, detail] = prep.conclusions[i]; if (what === "derive") store.add(detail[0], detail[1]); }
    const derivedFacts = new Set(prep.conclusions.filter(([what]) => what === "derive").map(([, d]) => d[0]));
    const pairs = new Set();
    prep.alternatives.forEach((alts, index) => {
      if (fired.has(index)) return;
      for (const alt of alts) {
        const failing = [...new Set(alt.filter(([fact, tests]) => !store.groupHolds(fact, tests)).map(([fact]) => fact))];
        if (failing.length !== 2 || failing.some((f) => store.given.has(f) || derivedFacts.has(f))) continue;
        if (alt.some(([fact, tests]) => failing.includes(fact) && tests[0][0] === "answered")) continue;
        pairs.add(JSON.stringify(failing.sort(cmp)));
      }
    });
    return [...pairs].map((x) => JSON.parse(x)).sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  }

  // ---------- §2 + §9 diagnose ----------
  const RESERVED = ["unknown", "tried"];
  const MESSAGE = "error_message";  // the source of what the evidence patterns read in the query's own message
  const MESSAGE_READ = 65536;  // code points of the message the patterns read (evidence_merge.py)

  function effectiveInputs(prep, query) {
    const inputs = {};
    for (const [k, v] of Object.entries(query)) if (!RESERVED.includes(k)) inputs[k] = v;
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

  /** Whether the leading cause is clear (§8). */
  function leads(result) {
    const causes = result.causes;
    if (!causes.length) return false;
    const first = round4(causes[0].confidence);
    return first >= LEAD_CONFIDENCE && (causes.length === 1 || round4(first - round4(causes[1].confidence)) >= LEAD_MARGIN);
  }

  /** §12 for the one document the wizard has: what the evidence patterns read in the query's error message, merged in
   * where nobody answered (answers win; a disagreement is listed). Null when they read nothing. */
  function messageEvidence(prep, query) {
    const message = query.error_message;
    if (!prep.scanMessage || typeof message !== "string" || !message) return null;
    const cut = message.length <= MESSAGE_READ ? message : Array.from(message).slice(0, MESSAGE_READ).join("");  // code points, as Python slices
    const found = prep.scanMessage(cut);
    const keys = Object.keys(found);
    if (!keys.length) return null;
    const merged = Object.assign({}, query);
    const fromEvidence = [];
    const conflicts = [];
    for (const key of keys) {  // scalars only: the pattern layer yields no list (§11.3), so never `symptoms`
      const value = found[key];
      if (key in query) {
        if (query[key] !== value) conflicts.push({ observation: key, answered: query[key], evidence: value, source: MESSAGE });
      } else {
        merged[key] = value;
        fromEvidence.push({ observation: key, value, source: MESSAGE });
      }
    }
    if (merged.unknown) merged.unknown = merged.unknown.filter((id) => !fromEvidence.some((f) => f.observation === id));
    return { query: merged, fromEvidence, conflicts };
  }

  function diagnose(prep, query, order) {
    const read = messageEvidence(prep, query);
    const result = diagnoseQuery(prep, read ? read.query : query, order);
    if (read) Object.assign(result, { from_evidence: read.fromEvidence, evidence_conflicts: read.conflicts });
    return result;
  }

  function diagnoseQuery(prep, query, order) {
    const doc = prep.doc;
    const unknown = [...new Set(query.unknown || [])];
    const tried = [...new Set(query.tried || [])];
    const [inputs, symptoms] = effectiveInputs(prep, query);
    const platform = inputs.platform;
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
      const confidence = (1.0 - remaining) * triedFactor(doc, cause, platform, tried);
      if (round4(confidence) > 0) ranked.push([cause, confidence, items]);
    }
    const prior = (c) => (doc.causes[c] && doc.causes[c].prior) || 0;
    ranked.sort((a, b) => round4(b[1]) - round4(a[1]) || prior(b[0]) - prior(a[0]) || cmp(a[0], b[0]));
    const causes = ranked.map(([id, conf, items]) => {
      const entry = { id, confidence: round4(conf), evidence: items };
      const lowered = tried.filter((r) => triedFactor(doc, id, platform, [r]) < 1.0);
      if (lowered.length) entry.tried = lowered;
      return entry;
    });
    let steps = plan(doc, ranked.map(([c, conf]) => [c, conf]), order || "value", platform, tried);
    if (!steps.length) steps = generalPlan(doc, platform, tried, new Set(ruledOut.keys()));
    else steps = steps.concat(generalPlan(doc, platform, tried, new Set(ruledOut.keys()), HELP_SECTION, steps.map((s) => s.remedy)));
    return {
      symptoms,
      derived,
      causes,
      ruled_out: [...ruledOut.keys()].sort(cmp).map((id) => ({ id, rule: ruledOut.get(id) })),
      plan: steps,
      next_questions: nextQuestions(prep, inputs, new Set(firedList), unknown, tried, leads({ causes })),
      trace: firedList.map((i) => prep.rules[i].id),
      engine: "javascript",
      kb: doc.digest,
    };
  }

  // ---------- the consultation text (engine/consultation.py) ----------
  const CONSULT = {
    ja: {
      head: "【相談用メモ】iCloud メール",
      note: "※パスワード、アプリ用パスワード、確認コードは書かないでください（相談先に伝える必要はありません）。",
      unknown: "分からない", yes: "はい", no: "いいえ", message: "表示されたメッセージ", triedNone: "（まだ試していません）",
      triedResult: "直らなかった", other: "そのほかの確認結果", causes: "診断の見立て（参考。確定ではありません）",
      noCauses: "（原因はまだ絞り込めていません）", confidence: "確からしさ", fill: "記入", sep: "、", quote: (x) => `「${x}」`,
      removed: "[伏せ字]", units: { percent: " %", mb: " MB", count: " 件", minutes: " 分", bits: " ビット" },
    },
    en: {
      head: "[Notes for support] iCloud Mail",
      note: "Never write a password, an app-specific password or a verification code here (support does not need them).",
      unknown: "don't know", yes: "yes", no: "no", message: "Message shown", triedNone: "(nothing tried yet)",
      triedResult: "did not help", other: "Other answers", causes: "What the diagnosis suggests (for reference, not certain)",
      noCauses: "(no likely cause yet)", confidence: "confidence", fill: "fill in", sep: ", ", quote: (x) => `“${x}”`,
      removed: "[removed]", units: { percent: " %", mb: " MB", count: "", minutes: " min", bits: " bits" },
    },
  };
  const BLANK = "＿＿＿＿";
  const MAX_QUOTE = 300;
  const SECRET_WORD = "(?:パスワード|パスコード|暗証番号|確認コード|認証コード|(?<![A-Za-z])(?:password|passcode|passwd|pw|pin|verification code|security code)(?![A-Za-z]))";
  const GAP = "[ \\t\\u3000]*";
  const SECRETS = [
    new RegExp("()[A-Za-z]{4}-[A-Za-z]{4}-[A-Za-z]{4}-[A-Za-z]{4}", "g"),
    new RegExp("()(?<![0-9０-９])[0-9０-９]{3}[ -]?[0-9０-９]{3}(?![0-9０-９])", "g"),
    new RegExp("(" + SECRET_WORD + GAP + "[:：=＝]" + GAP + ")[^ \\t\\n\\r\\f\\v\\u3000「」『』\"'、。,]+", "gi"),
    new RegExp("(" + SECRET_WORD + GAP + "(?:は|is|was)" + GAP + ")[!-~]*[0-9!#$%&*+/?@^_~][!-~]*", "gi"),
  ];

  function scrub(text, lang) {
    const removed = CONSULT[lang].removed;
    for (const pattern of SECRETS) text = text.replace(pattern, (m, keep) => keep + removed);
    return text;
  }

  function numberText(value) {
    const rounded = round4(value);
    return Number.isInteger(rounded) ? String(rounded) : String(rounded);
  }

  function cut(text) {
    text = text.replace(/[\t\n\r\f\v ]+/g, " ").replace(/^ +| +$/g, "");
    const chars = [...text];
    return chars.length <= MAX_QUOTE ? text : chars.slice(0, MAX_QUOTE).join("") + "…";
  }

  function titleOf(doc, kind, id, lang) {
    const entity = (doc[kind] || {})[id] || {};
    return (entity.title && entity.title[lang]) || id;
  }

  function valueText(doc, ident, value, lang) {
    const w = CONSULT[lang];
    const obs = doc.observations[ident] || {};
    if (typeof value === "boolean") return value ? w.yes : w.no;
    if (Array.isArray(value)) return value.map((s) => titleOf(doc, "symptoms", s, lang)).join(w.sep);
    if (typeof value === "number") return numberText(value) + (w.units[obs.unit] || "");
    const option = (obs.values || []).find((v) => v.value === value);
    if (option) return option.label[lang];
    return w.quote(cut(scrub(String(value), lang)));
  }

  /** The consultation text for Apple Support or a carrier, equal to `mailkb diagnose --format consult`. */
  function consultation(prep, query, result, lang) {
    const doc = prep.doc;
    const w = CONSULT[lang];
    const unknown = new Set(query.unknown || []);
    const tried = [...new Set(query.tried || [])];
    const answered = {};
    for (const [k, v] of Object.entries(query)) if (!RESERVED.includes(k)) answered[k] = k === "symptoms" ? [...new Set(v)] : v;
    for (const found of result.from_evidence || []) {  // what the message's evidence told fills what nobody answered
      if (!(found.observation in answered)) answered[found.observation] = found.value;
      unknown.delete(found.observation);
    }
    const matched = result.symptoms.filter((s) => s.from === "error_message").map((s) => s.id);
    const fieldLine = (ident) => {
      const name = ident === "error_message" ? w.message : titleOf(doc, "observations", ident, lang);
      if (ident in answered) {
        let value = valueText(doc, ident, answered[ident], lang);
        if (ident === "symptoms" && matched.length) value = [...answered[ident], ...matched].map((s) => titleOf(doc, "symptoms", s, lang)).join(w.sep);
        return `${name}: ${value}`;
      }
      if (ident === "symptoms" && matched.length) return `${name}: ${matched.map((s) => titleOf(doc, "symptoms", s, lang)).join(w.sep)}`;
      return `${name}: ${unknown.has(ident) ? w.unknown : BLANK}`;
    };
    const lines = [w.head, w.note, ""];
    const shown = new Set();
    const guide = (doc.guides || {}).consultation_template || {};
    for (const section of guide.sections || []) {
      for (const item of section.items || []) {
        lines.push(`■ ${item.label[lang]}`);
        if (item.detail) lines.push(`  (${item.detail[lang].replace(/^ +| +$/g, "")})`);
        for (const ref of item.refs || []) {
          if (!ref.startsWith("observation:")) continue;
          const ident = ref.slice("observation:".length);
          if (!doc.observations[ident]) continue;
          shown.add(ident);
          lines.push(`  - ${fieldLine(ident)}`);
        }
        if (item.id === "actions_taken") {
          for (const remedy of tried) lines.push(`  - ${titleOf(doc, "remedies", remedy, lang)} → ${w.triedResult}`);
          if (!tried.length) lines.push(`  - ${w.triedNone}`);
        }
        lines.push(`  - ${w.fill}: ${BLANK}`);
        lines.push("");
      }
    }
    const others = Object.keys(answered).sort(cmp).filter((k) => !shown.has(k));
    if (others.length) {
      lines.push(`■ ${w.other}`);
      for (const ident of others) lines.push(`  - ${fieldLine(ident)}`);
      lines.push("");
    }
    lines.push(`■ ${w.causes}`);
    result.causes.slice(0, 3).forEach((cause, i) => {
      lines.push(`  ${i + 1}. ${titleOf(doc, "causes", cause.id, lang)} (${w.confidence} ${Math.round(cause.confidence * 100)}%)`);
    });
    if (!result.causes.length) lines.push(`  ${w.noCauses}`);
    return lines.join("\n");
  }

  return { STAGES, round4, forms, makeMatcher, alternatives, prepare, diagnose, leads, consultation, scrub };
});
