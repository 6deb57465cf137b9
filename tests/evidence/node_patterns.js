// Test helper: site/static/evidence.js in Node. argv[2] = api/patterns.json; stdin = one JSON {text} per line;
// stdout = one {observations, findings} per line.
const fs = require("fs");
const readline = require("readline");
const evidence = require("../../site/static/evidence.js");

const book = evidence.prepare(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (!line.trim()) return;
  let answer;
  try {
    answer = evidence.scanText(book, JSON.parse(line).text);
  } catch (error) {
    answer = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
