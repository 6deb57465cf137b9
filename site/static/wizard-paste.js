/* The wizard's paste box: reads a pasted bounce, header block or alert in the browser, as `mailkb evidence` does for
 * pasted text (docs/engine-semantics.md §11; MIME and charset decoding stay in Python). It applies evidence.js's
 * patterns (api/patterns.json) and, to a short paste that is no bounce and no header block, the engine's message
 * matcher (rulelang.js), like engine/evidence/reader.py. The text never leaves the page: nothing here sends it.
 * Exposes window.MailkbPaste. */
(function () {
  "use strict";
  const Ev = window.MailkbEvidence;
  if (!Ev) return;

  const ALERT_MAX_CHARS = 1000;  // reader.py: a pasted alert is short
  const HEADER_LINE = /^[!-9;-~]+:[ \t]/;
  const MESSAGE_FIELDS = new Set(["received", "from", "to", "subject", "date", "message-id", "return-path", "authentication-results",
    "arc-authentication-results", "dkim-signature", "mime-version", "content-type", "delivered-to", "received-spf"]);
  const DSN_FIELDS = new Set(["reporting-mta", "final-recipient", "original-recipient", "action", "status", "diagnostic-code", "remote-mta", "arrival-date"]);
  const BOUNCE_SENDERS = ["mailer-daemon", "postmaster", "mail delivery", "no-reply@app.auone-net.jp"];
  const BOUNCE_SUBJECTS = ["undeliver", "returned mail", "delivery status notification", "delivery failure", "mail delivery failed",
    "failure notice", "mail system error", "メールエラー通知", "配信不能", "delivery has failed", "non remis", "could not be delivered"];
  const BOUNCE_FACTS = ["smtp_reply_code", "enhanced_status_code", "bounce_reason"];

  /** The leading header block of a paste (mime.py's test): its fields by lower-case name, or null. */
  function headerBlock(text) {
    const lines = text.split(/\r\n|\r|\n/);
    const start = lines.findIndex((line) => line.trim() !== "");
    if (start < 0 || !(lines[start].startsWith("From ") || HEADER_LINE.test(lines[start]))) return null;
    const fields = new Map();
    let last = null;
    for (const line of lines.slice(start)) {
      if (line.trim() === "") break;
      if (/^[ \t]/.test(line) && last) { fields.set(last, fields.get(last) + " " + line.trim()); continue; }
      const colon = line.indexOf(":");
      if (colon < 1 || !HEADER_LINE.test(line)) continue;
      last = line.slice(0, colon).toLowerCase();
      if (!fields.has(last)) fields.set(last, line.slice(colon + 1).trim());
    }
    const names = [...fields.keys()];
    return names.some((n) => MESSAGE_FIELDS.has(n)) && !names.some((n) => DSN_FIELDS.has(n)) ? fields : null;
  }

  /** What kind of evidence this is, decided as reader.py's _kind decides it (from every finding, before deduplication). */
  function kindOf(text, findings) {
    const sources = new Set(findings.map((f) => f.source.split(".")[0]));
    if (sources.has("delivery_status")) return "dsn";
    const headers = headerBlock(text);
    const from = headers ? (headers.get("from") || "").toLowerCase() : "";
    const subject = headers ? (headers.get("subject") || "").toLowerCase() : "";
    const looksBounced = !!headers && (BOUNCE_SENDERS.some((s) => from.includes(s)) || BOUNCE_SUBJECTS.some((s) => subject.includes(s)));
    const bounced = looksBounced || findings.some((f) => BOUNCE_FACTS.includes(f.observation) || f.value === "send");
    if (bounced && !(headers && sources.has("authentication_results"))) return "bounce";
    if (headers || sources.has("authentication_results")) return "headers";
    return "text";
  }

  /** Read a paste: {kind, observations, findings, symptoms}. `book` is evidence.js's prepared patterns, `prep` the engine's. */
  function read(text, book, prep) {
    const scanned = Ev.scanText(book, text);
    const findings = scanned.findings.slice();
    const observations = Object.assign({}, scanned.observations);
    let kind = kindOf(text, Ev.scan(book, Ev.logicalLines(text)));
    let symptoms = [];
    const trimmed = text.trim();
    if (kind === "text" && trimmed && [...trimmed].length <= ALERT_MAX_CHARS) {
      symptoms = prep.match(trimmed);
      if (symptoms.length) {
        const lines = Ev.logicalLines(trimmed).filter((line) => line.raw);
        const message = lines.map((line) => line.raw).join(" ");
        kind = "alert";
        observations.error_message = message;
        findings.push({ observation: "error_message", value: message, line: lines.length ? lines[0].number : 1, text: [...message].slice(0, 300).join(""), source: "alert" });
      }
    }
    return { kind, observations, findings, symptoms };
  }

  window.MailkbPaste = { read, kindOf };
})();
