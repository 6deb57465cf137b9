/* mailkb evidence patterns, in the browser: a port of the pattern layer of engine/evidence/patterns.py
 * (docs/engine-semantics.md §11). It applies the compiled patterns of api/patterns.json to pasted text and
 * gives the same observations and findings as Python's scan_text; tests/evidence/test_patterns_js.py checks that.
 * Pasted text stays in the browser: nothing here sends anything anywhere.
 * Works as a classic browser script (window.MailkbEvidence) and as a Node module (require). */
(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.MailkbEvidence = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const MAX_LINES = 20000;
  const MAX_LINE = 1000;
  const MAX_TEXT = 300;
  const RECIPIENT = "recipient";
  const CARRIER_ADDRESS = "recipient_is_carrier_address";
  const WHITESPACE =
    "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
  const WS_CLASS = "[" + WHITESPACE.replace(/[\\\]^-]/g, "\\$&") + "]";
  const SPACES = new RegExp(WS_CLASS + "+", "gu");
  const EDGES = new RegExp("^" + WS_CLASS + "+|" + WS_CLASS + "+$", "gu");
  const PLACEHOLDER = /\{([a-z]+)\}/g;

  const cut = (s, n) => (s.length <= n ? s : Array.from(s).slice(0, n).join(""));  // n code points, as Python slices
  const stripWs = (s) => s.replace(EDGES, "");
  const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

  function normalize(text) {
    return asciiLower(text.normalize("NFKC").replace(SPACES, " ").replace(/^ +| +$/g, ""));
  }

  function makeLine(number, pieces) {
    const raw = cut(pieces.map(stripWs).join(" "), MAX_LINE);
    return { number, raw, text: normalize(raw) };
  }

  function logicalLines(text, firstLine) {
    const first = firstLine === undefined ? 1 : firstLine;
    const physical = text.split(/\r\n|\r|\n/);
    let indent = Infinity;
    for (const p of physical) {
      if (stripWs(p) !== "") indent = Math.min(indent, p.length - p.replace(/^[ \t]+/, "").length);
    }
    if (indent === Infinity) indent = 0;
    const lines = [];
    let start = 0;
    let pieces = [];
    for (let index = 0; index < physical.length; index++) {
      const piece = physical[index].slice(indent);
      if (stripWs(piece) === "") {
        if (pieces.length) lines.push(makeLine(start, pieces));
        pieces = [];
      } else if ((piece[0] === " " || piece[0] === "\t") && pieces.length) {
        pieces.push(piece);
        continue;
      } else {
        if (pieces.length) lines.push(makeLine(start, pieces));
        start = first + index;
        pieces = [piece];
      }
      if (lines.length >= MAX_LINES) return lines.slice(0, MAX_LINES);
    }
    if (pieces.length) lines.push(makeLine(start, pieces));
    return lines.slice(0, MAX_LINES);
  }

  /** The compiled pattern book from api/patterns.json. */
  function prepare(doc) {
    return {
      patterns: doc.patterns.map((p) => ({ ...p, regex: new RegExp(p.source, "u") })),
      domains: doc.domains,
      observations: doc.observations,
    };
  }

  function convert(book, observation, template, captures) {
    let value = template;
    if (typeof template === "string") {
      value = template.replace(PLACEHOLDER, (m, name) => (Object.prototype.hasOwnProperty.call(captures, name) ? captures[name] : m));
    }
    if (observation === RECIPIENT) return typeof value === "string" && value.includes("@") ? value : null;
    const spec = book.observations[observation];
    if (!spec) return null;
    if (spec.type === "number") {
      if (typeof value === "string") {
        if (!/^[0-9]{1,6}$/.test(value)) return null;
        value = parseInt(value, 10);
      }
      if (typeof value !== "number") return null;
      if ((spec.minimum !== undefined && value < spec.minimum) || (spec.maximum !== undefined && value > spec.maximum)) return null;
      return value;
    }
    if (spec.type === "boolean") return typeof value === "boolean" ? value : null;
    if (spec.type === "enum") return typeof value === "string" && (spec.values || []).includes(value) ? value : null;
    if (spec.type === "text") {
      if (typeof value !== "string" || !value) return null;
      return !spec.pattern || new RegExp(spec.pattern, "u").test(value) ? value : null;
    }
    return null;
  }

  function scan(book, lines) {
    const findings = [];
    for (const line of lines) {
      for (const pattern of book.patterns) {
        if (!line.text.includes(pattern.key)) continue;
        const found = pattern.regex.exec(line.text);
        if (!found) continue;
        const captures = {};
        pattern.groups.forEach((name, i) => { captures[name] = found[i + 1]; });
        for (const [observation, template] of Object.entries(pattern.yields)) {
          const value = convert(book, observation, template, captures);
          if (value !== null) {
            findings.push({ observation, value, line: line.number, text: cut(line.raw, MAX_TEXT), source: pattern.id, priority: pattern.priority });
          }
        }
      }
    }
    return findings;
  }

  function recipientFindings(book, findings) {
    const first = findings.find((f) => f.observation === RECIPIENT);
    if (!first) return [];
    const domain = first.value.slice(first.value.lastIndexOf("@") + 1);
    const out = [];
    for (const entry of book.domains) {
      if (domain === entry.domain || domain.endsWith("." + entry.domain)) {
        for (const [observation, template] of Object.entries(entry.yields)) {
          const value = convert(book, observation, template, {});
          if (value !== null) out.push({ observation, value, line: first.line, text: first.text, source: entry.set + ".domain", priority: 1 });
        }
        break;
      }
    }
    if (!out.some((f) => f.observation === CARRIER_ADDRESS)) {
      out.push({ observation: CARRIER_ADDRESS, value: false, line: first.line, text: first.text, source: "domains.other", priority: 1 });
    }
    return out;
  }

  const isGenericStatus = (v) => typeof v === "string" && v.endsWith(".0.0");

  function resolve(findings) {
    const ordered = findings.slice().sort((a, b) => a.priority - b.priority);  // stable
    const observations = {};
    for (const f of ordered) {
      if (f.observation === RECIPIENT) continue;
      if (!(f.observation in observations)) observations[f.observation] = f.value;
      else if (f.observation === "enhanced_status_code" && isGenericStatus(observations[f.observation]) && !isGenericStatus(f.value)) {
        observations[f.observation] = f.value;
      }
    }
    return observations;
  }

  function dedupe(findings) {
    const seen = new Set();
    const kept = [];
    for (const f of findings.slice().sort((a, b) => a.line - b.line)) {
      if (f.observation === RECIPIENT) continue;
      const key = f.observation + "\u0000" + JSON.stringify(f.value);
      if (!seen.has(key)) {
        seen.add(key);
        kept.push({ observation: f.observation, value: f.value, line: f.line, text: f.text, source: f.source });
      }
    }
    return kept;
  }

  /** Pasted text -> {observations, findings}: what Python's scan_text gives for the same text. */
  function scanText(book, text) {
    const findings = scan(book, logicalLines(text));
    const all = findings.concat(recipientFindings(book, findings));
    return { observations: resolve(all), findings: dedupe(all) };
  }

  return { prepare, scanText, scan, logicalLines, normalize };
});
