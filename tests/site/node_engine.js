// Test helper: the browser wizard's evaluator (site/static/rulelang.js) in Node.
// argv[2] = rules document (api/rules.json, optional); stdin = one JSON {query, order[, doc][, patterns][, consult]} per
// line, where `patterns` is api/patterns.json (the error message is then read by the evidence patterns too, §12);
// stdout = one diagnosis per line (with `consult: {ja, en}`, the consultation texts, when asked for; `consult` may
// list the languages).
const fs = require("fs");
const readline = require("readline");
const engine = require("../../site/static/rulelang.js");

let prep = process.argv[2] ? engine.prepare(JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) : null;
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let answer;
  try {
    const { query, order, doc, patterns, consult } = JSON.parse(line);
    if (doc) prep = engine.prepare(doc, patterns);  // a line may carry its own rules document (and patterns)
    answer = engine.diagnose(prep, query, order);
    if (consult) {  // true: both languages; a list: those (a one-language rules document writes only its own)
      const langs = Array.isArray(consult) ? consult : ["ja", "en"];
      answer.consult = Object.fromEntries(langs.map((lang) => [lang, engine.consultation(prep, query, answer, lang)]));
    }
  } catch (error) {
    answer = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
