/* The diagnosis wizard. The first question (which area, then the symptoms of that area) and the paste box are in the
 * page's HTML and answerable as soon as this script runs; it then loads the engine (rulelang.js), the paste reader
 * (evidence.js, wizard-paste.js) and the rules of the page's language (api/rules.<lang>.json), and the steps of each
 * remedy (api/steps.<lang>.json) after the first diagnosis. Everything runs here.
 *
 * State: the answers live in the URL (?obs=value&skip=…&tried=…&area=…&order=…), one history entry per answer, so
 * Back undoes an answer, Forward redoes it and reload keeps them. A pasted text lives only in the history entry's
 * state (history.state, kept by the browser across reloads): it is never written into the URL, never sent anywhere.
 * "Don't know" is sent to the engine as `unknown`; a plan step marked "done, still broken" as `tried`. */
(function () {
  "use strict";
  const root = document.getElementById("wizard");
  if (!root) return;
  let E = null, Paste = null;  // the engine and the paste reader, once their scripts are here
  const lang = root.dataset.lang === "en" ? "en" : "ja";
  const base = root.dataset.base || "";
  const PARAMS = ["skip", "tried", "order", "area"];  // the URL's keys that are not observations
  const W = {
    ja: {
      loading: "読み込んでいます…", failed: "診断データを読み込めませんでした。ページを再読み込みしてください。",
      question: "次の質問", answer: "回答する", dontKnow: "わからない", yes: "はい", no: "いいえ", answers: "これまでの回答",
      remove: "取り消す", result: "診断結果", causes: "考えられる原因", none: "まだ原因を絞り込めていません。下の「一般的な確認」を上から試してください。",
      ruled: "除外された原因", fromMessage: "表示されたメッセージから読み取ったこと", plan: "直す順番", min: "分", about: (m) => (m < 1 ? `約 ${Math.round(m * 60)} 秒` : `約 ${m} 分`), sideEffects: "影響", next: "ほかに役立つ質問",
      done: "原因をかなり絞り込めました。結果の「直す順番」を上から試してください。", showResult: "結果を見る",
      noMore: "質問は以上です。結果の手順を上から試してください。",
      general: "一般的な確認（原因を絞り込めないとき）", tried: "試したが直らない", triedList: "試したが直らなかった手順",
      copy: "Apple サポート・通信事業者への相談文をコピー", copied: "コピーしました。相談先のフォームやメールにそのまま貼り付けられます。",
      pasteHint: "戻ってきたメールやヘッダがあれば、貼り付けて読み取れます",
      copyFailed: "コピーできませんでした。下の文面を選んでコピーしてください。", consult: "相談用の文面",
      consultHelp: "これまでの回答と診断の見立てをまとめた文面です。パスワードや確認コードは含みません。＿＿＿＿の欄は分かる範囲で埋めてください。",
      reset: "最初からやり直す", share: "この診断のリンク（貼り付けた内容は含みません）", confidence: "確からしさ",
      order: "並べ方", byValue: "効果と手間の順", byStage: "7ステップの順", why: "理由", steps: "手順", stepsFor: (p) => `手順（${p}）`,
      verify: "直ったかの確認", leading: "いちばん可能性が高い原因", first: "まず試すこと", noCause: "原因はまだ絞り込めていません",
      generalFirst: "一般的な確認から", toResult: "結果へ", pickOne: "当てはまるものを一つ以上選ぶか、「わからない」を選んでください。",
      updated: (lead, step, done) => `更新しました。${lead}${step}${done ? "質問は以上です。" : ""}`,
      leadSay: (title, pct) => `いちばん可能性が高い原因は「${title}」（${pct}%）です。`, noLeadSay: "原因はまだ絞り込めていません。",
      stepSay: (title, time) => `まず試すこと：「${title}」（${time}）。`, triedSay: (title) => `「${title}」を試したが直らなかった手順に移しました。`,
      paste: {
        title: "読み取った結果", kind: "読み取った種類", found: "見つかったこと", line: "行", none: "診断に使える情報は見つかりませんでした。分野を選んで進めてください。",
        used: "この内容を診断に使っています。", conflict: (obs, answered, found) => `「${obs}」はあなたの回答（${answered}）を優先しました。貼り付けた内容では ${found} です。`,
        symptoms: "一致した症状", clear: "貼り付けた内容を消す", alert: "既知の画面表示と一致しました。", domain: "宛先のドメインから判断しました。",
        kinds: { dsn: "配信状態通知（標準形式のエラー通知）", bounce: "エラー通知（戻ってきたメール）", headers: "受け取ったメールのヘッダ", alert: "画面に表示されたメッセージ", text: "テキスト（種類を判別できませんでした）" },
      },
    },
    en: {
      loading: "Loading…", failed: "Could not load the diagnosis data. Reload the page.",
      question: "Next question", answer: "Answer", dontKnow: "I don't know", yes: "Yes", no: "No", answers: "Your answers",
      remove: "Remove", result: "Diagnosis", causes: "Likely causes", none: "No cause stands out yet. Work through the general checks below from the top.",
      ruled: "Ruled out", fromMessage: "Read from the message shown", plan: "What to do, in order", min: "min", about: (m) => (m < 1 ? `about ${Math.round(m * 60)} s` : `about ${m} min`), sideEffects: "Side effects", next: "Other useful questions",
      done: "The leading cause is clear. Work through the plan in the result from the top.", showResult: "See the result",
      noMore: "No more questions. Work through the steps in the result from the top.",
      general: "General checks (when the cause cannot be narrowed down)", tried: "Done, still broken", triedList: "Steps done without success",
      copy: "Copy a message for Apple Support or your carrier", copied: "Copied. Paste it into your message to support.",
      pasteHint: "Have the bounce or the headers? Paste them to read this for you",
      copyFailed: "Could not copy. Select the text below and copy it.", consult: "Message for support",
      consultHelp: "Your answers and what the diagnosis suggests, ready to send. It holds no password or code. Fill in the ＿＿＿＿ blanks you can.",
      reset: "Start over", share: "Link to this diagnosis (without what you pasted)", confidence: "confidence",
      order: "Order", byValue: "Value for time", byStage: "The seven steps", why: "Why", steps: "Steps", stepsFor: (p) => `Steps (${p})`,
      verify: "How to check it worked", leading: "Most likely cause", first: "Try first", noCause: "No likely cause yet",
      generalFirst: "start with the general checks", toResult: "Result", pickOne: "Choose at least one, or choose \"I don't know\".",
      updated: (lead, step, done) => `Updated. ${lead} ${step}${done ? " No more questions." : ""}`,
      leadSay: (title, pct) => `The most likely cause is "${title}" (${pct}%).`, noLeadSay: "No likely cause yet.",
      stepSay: (title, time) => `Try first: "${title}" (${time}).`, triedSay: (title) => `Moved "${title}" to the steps done without success.`,
      paste: {
        title: "What the paste says", kind: "What this is", found: "What was found", line: "line", none: "Nothing the diagnosis can use was found. Choose an area to go on.",
        used: "The diagnosis uses what was found.", conflict: (obs, answered, found) => `"${obs}": your answer (${answered}) is kept; the pasted text says ${found}.`,
        symptoms: "Matching symptoms", clear: "Clear the pasted text", alert: "Matches a known on-screen message.", domain: "Judged from the recipient's domain.",
        kinds: { dsn: "delivery status notification (standard bounce)", bounce: "bounce (returned message)", headers: "headers of a received message", alert: "an alert shown on screen", text: "text (not recognised)" },
      },
    },
  }[lang];
  const t = (value) => (value && typeof value === "object" ? value[lang] || value.ja || value.en || "" : value == null ? "" : String(value));
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  };
  const plain = (md) => t(md).replace(/[*_`#>]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  // HTML rendered at build time by the site's Markdown renderer (raw HTML off, safe links only), never user input
  const trustedHtml = (html, tag, cls) => {
    const box = el(tag || "div", { class: cls || "small how-to-check" });
    const template = document.createElement("template");
    template.innerHTML = html;
    box.append(template.content);
    return box;
  };
  const $ = (id) => document.getElementById(id);

  // ---- the page's parts (in the HTML) ----
  const live = $("wizard-live");
  const summary = $("wizard-summary");
  const slot = $("wizard-question-slot");
  const areasForm = $("wizard-areas");
  const symptomForms = new Map([...slot.querySelectorAll("form[data-area]")].map((form) => [form.dataset.area, form]));
  const pasteBox = $("wizard-paste");
  const pasteText = $("wizard-paste-text");
  const pasteResult = $("wizard-paste-result");
  const after = $("wizard-after");
  const resultSlot = $("wizard-result-slot");

  let doc = null, prep = null, stepsDoc = null, book = null;
  let loading = null, stepsLoading = null, patternsLoading = null, scripts = null;
  let focusOn = null;  // a question picked from "other useful questions" (not part of the history)
  let unannounced = false;  // an answer given before the rules had loaded: announced once they are here
  let pasteCache = { text: null, read: null };

  // ---- loading (never blocks the first question) ----
  const getJson = (url) => fetch(url, { credentials: "same-origin" }).then((r) => { if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); });
  /** The engine's scripts, fetched in parallel and run in order (after the first question is on screen). */
  function loadScripts() {
    if (!scripts) {
      scripts = Promise.all(["rulelang.js", "evidence.js", "wizard-paste.js"].map((name) => new Promise((resolve, reject) => {
        const script = el("script", { src: root.dataset.assets + name });
        script.async = false;
        script.addEventListener("load", resolve);
        script.addEventListener("error", () => reject(new Error(name)));
        document.head.append(script);
      }))).then(() => { E = window.MailkbEngine; Paste = window.MailkbPaste; });
    }
    return scripts;
  }
  let patternsFetch = null;
  /** api/patterns.json, fetched once: the paste box reads with it, and the engine reads the error message with it (§12). */
  function getPatterns() {
    if (!patternsFetch) patternsFetch = getJson(root.dataset.patterns);
    return patternsFetch;
  }
  function loadRules() {
    if (!loading) {
      // without the patterns (a failed fetch) the engine still answers; it only reads no codes out of the message
      loading = Promise.all([getJson(root.dataset.rules), loadScripts(), getPatterns().catch(() => null)])
        .then(([json, , patterns]) => { doc = json; prep = E.prepare(doc, patterns); });
    }
    return loading;
  }
  function loadSteps() {
    if (!stepsLoading) stepsLoading = getJson(root.dataset.steps).then((json) => { stepsDoc = json; fillSteps(); }, (error) => console.warn(error));
    return stepsLoading;
  }
  function loadPatterns() {
    if (!patternsLoading) {
      patternsLoading = Promise.all([getPatterns(), loadScripts()])
        .then(([json]) => { book = Object.assign(window.MailkbEvidence.prepare(json), { meanings: json.meanings || {} }); });
    }
    return patternsLoading;
  }

  // ---- state <-> URL and history ----
  function params() { return new URLSearchParams(location.search); }
  function pastedNow() { return history.state && typeof history.state.pasted === "string" ? history.state.pasted : ""; }
  /** Whether the page is at its start: no answer yet (only an area chosen, perhaps), nothing pasted. */
  function atStart() {
    for (const key of params().keys()) if (key !== "area" && key !== "order") return false;
    return !pastedNow();
  }
  function areaNow() { const area = params().get("area"); return symptomForms.has(area) ? area : null; }

  function parseValue(obs, raw) {
    if (!obs || obs.derived) return undefined;
    switch (obs.type) {
      case "boolean": return raw === "true" ? true : raw === "false" ? false : undefined;
      case "enum": return (obs.values || []).some((v) => v.value === raw) ? raw : undefined;
      case "number": {
        if (raw.trim() === "") return undefined;
        const n = Number(raw);
        return Number.isFinite(n) && n >= obs.minimum && n <= obs.maximum ? n : undefined;
      }
      case "symptom_list": {
        const ids = [...new Set(raw.split(",").filter((id) => id in doc.symptoms))];
        return ids.length ? ids : undefined;
      }
      default: {
        if (!raw) return undefined;
        if (obs.pattern) { try { if (!new RegExp(obs.pattern, "u").test(raw)) return undefined; } catch (e) { return undefined; } }
        return raw;
      }
    }
  }
  /** The state of the current history entry (needs the rules). */
  function readState() {
    const p = params();
    const query = {};
    for (const [key, raw] of p) {
      if (PARAMS.includes(key)) continue;
      const value = parseValue(doc.observations[key], raw);
      if (value !== undefined) query[key] = value;
    }
    const list = (key, ok) => [...new Set((p.get(key) || "").split(",").filter(ok))];
    return {
      query,
      skip: list("skip", (id) => id in doc.observations && !doc.observations[id].derived && !(id in query)),
      tried: list("tried", (id) => id in doc.remedies),
      order: p.get("order") === "stages" ? "stages" : "value",
      area: areaNow(),
      pasted: pastedNow(),
    };
  }
  function urlOf(state) {
    const p = new URLSearchParams();
    for (const [key, value] of Object.entries(state.query)) p.set(key, Array.isArray(value) ? value.join(",") : String(value));
    if (state.skip.length) p.set("skip", state.skip.join(","));
    if (state.tried.length) p.set("tried", state.tried.join(","));
    if (state.area) p.set("area", state.area);
    if (state.order !== "value") p.set("order", state.order);
    const search = p.toString();
    return location.pathname + (search ? "?" + search : "");
  }
  /** One answer: a new history entry (Back undoes it), then the page for it. */
  function answer(change, said, focusPaste) {
    const state = doc ? readState() : { query: {}, skip: [], tried: [], order: "value", area: areaNow(), pasted: pastedNow() };
    change(state);
    history.pushState({ pasted: state.pasted }, "", urlOf(state));
    focusOn = null;
    if (!doc) unannounced = true;
    show(true, said, focusPaste);
  }
  window.addEventListener("popstate", () => { focusOn = null; show(true); });

  // ---- the paste box ----
  function pasteRead() {
    const text = pastedNow();
    if (!text || !book || !prep) return null;
    if (pasteCache.text !== text) pasteCache = { text, read: Paste.read(text, book, prep) };
    return pasteCache.read;
  }
  pasteText.addEventListener("focus", () => { loadPatterns().catch(() => {}); }, { once: true });
  $("wizard-paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = pasteText.value;
    answer((state) => { state.pasted = text.trim() ? text : ""; }, null, true);
  });

  /** The answers and what the paste adds (an explicit answer wins; docs/engine-semantics.md §12), for the engine. */
  function engineQuery(state, found) {
    const query = Object.assign({}, state.query);
    const conflicts = [];
    const taken = {};
    for (const [key, value] of Object.entries(found ? found.observations : {})) {
      if (!(key in doc.observations)) continue;
      if (key in state.query) { if (JSON.stringify(state.query[key]) !== JSON.stringify(value)) conflicts.push([key, state.query[key], value]); }
      else { query[key] = value; taken[key] = value; }
    }
    const unknown = state.skip.filter((id) => !(id in taken));
    if (unknown.length) query.unknown = unknown;
    if (state.tried.length) query.tried = state.tried.slice();
    return { query, conflicts, taken };
  }

  function pasteReport(found, merged) {
    if (!found) return null;
    const box = el("section", { id: "wizard-paste-report", "aria-labelledby": "wizard-paste-report-h", "data-kind": found.kind, "data-observations": JSON.stringify(found.observations) });
    box.append(el("h3", { id: "wizard-paste-report-h", tabindex: "-1", text: W.paste.title }));
    box.append(el("p", {}, el("strong", { text: `${W.paste.kind}${lang === "ja" ? "：" : ": "}` }), W.paste.kinds[found.kind] || found.kind));
    if (!found.findings.length) {
      box.append(el("p", { class: "notice", text: W.paste.none }));
      return box;
    }
    const list = el("ul", { class: "findings" });
    found.findings.forEach((finding, index) => {
      const meaning = finding.source === "alert" ? W.paste.alert
        : finding.source.endsWith(".domain") || finding.source === "domains.other" ? W.paste.domain
          : t(book.meanings[finding.source]);
      const item = el("li", { "data-observation": finding.observation, "data-value": JSON.stringify(finding.value) },
        el("strong", { text: obsTitle(finding.observation) }), `${lang === "ja" ? "：" : ": "}${valueText(finding.observation, finding.value)} `,
        el("span", { class: "small", text: `(${W.paste.line} ${finding.line})` }),
        meaning ? el("p", { class: "small", text: meaning }) : null);
      const following = found.findings[index + 1];
      if (!following || following.line !== finding.line || following.text !== finding.text) item.append(el("p", { class: "small quoted" }, el("code", { text: finding.text })));
      list.append(item);
    });
    box.append(el("p", {}, el("strong", { text: W.paste.found })), list);
    if (found.symptoms.length) box.append(el("p", {}, el("strong", { text: `${W.paste.symptoms}: ` }), found.symptoms.map((s) => t((doc.symptoms[s] || {}).title) || s).join(lang === "ja" ? "、" : " / ")));
    for (const [key, answered, value] of merged.conflicts) box.append(el("p", { class: "small conflict", text: W.paste.conflict(obsTitle(key), valueText(key, answered), valueText(key, value)) }));
    if (Object.keys(merged.taken).length) box.append(el("p", { class: "small", text: W.paste.used }));
    return box;
  }

  // ---- words ----
  const causeLink = (id) => el("a", { href: `${base}/causes/${id}/` }, t((doc.causes[id] || {}).title) || id);
  const remedyLink = (id) => el("a", { href: `${base}/remedies/${id}/` }, t((doc.remedies[id] || {}).title) || id);
  const obsTitle = (id) => t((doc.observations[id] || {}).title) || id;
  const obsQuestion = (id) => t((doc.observations[id] || {}).question) || obsTitle(id);
  function valueText(id, value) {
    const obs = doc.observations[id] || {};
    if (typeof value === "boolean") return value ? W.yes : W.no;
    if (Array.isArray(value)) return value.map((s) => t((doc.symptoms[s] || {}).title) || s).join(lang === "ja" ? "、" : ", ");
    const option = (obs.values || []).find((v) => v.value === value);
    return option ? t(option.label) : String(value);
  }

  // ---- questions ----
  function showStatic(form) {
    for (const node of slot.querySelectorAll(".wizard-step")) node.hidden = node !== form;
    const dynamic = $("wizard-question");
    if (dynamic && dynamic !== form) dynamic.remove();
  }
  areasForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const area = event.submitter && event.submitter.value;
    if (symptomForms.has(area)) answer((state) => { state.area = area; });
  });
  for (const [area, form] of symptomForms) {
    const hint = el("p", { class: "notice small", role: "alert", hidden: true, text: W.pickOne });
    form.querySelector(".actions").before(hint);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const picked = [...form.querySelectorAll("input[name=symptom]:checked")].map((input) => input.value);
      if (!picked.length) { hint.hidden = false; return; }
      hint.hidden = true;
      answer((state) => { state.area = area; state.query.symptoms = picked; state.skip = state.skip.filter((s) => s !== "symptoms"); });
    });
    form.querySelector("[data-other-area]").addEventListener("click", () => answer((state) => { state.area = null; }));
  }
  for (const button of slot.querySelectorAll("[data-dont-know]")) {
    button.addEventListener("click", () => answer((state) => { if (!state.skip.includes("symptoms")) state.skip.push("symptoms"); }));
  }
  /** The symptom question as two steps: the area, then its symptoms (none ticked: the question is open). */
  function symptomStep(area, fresh) {
    const form = area ? symptomForms.get(area) : areasForm;
    if (fresh) {
      for (const input of form.querySelectorAll("input[name=symptom]")) input.checked = false;
      for (const hint of slot.querySelectorAll("[role=alert]")) hint.hidden = true;
    }
    showStatic(form);
    return form;
  }

  function questionForm(question) {
    const id = question.observation;
    const obs = doc.observations[id];
    const form = el("form", { id: "wizard-question", class: "wizard-step", "data-observation": id });
    const fieldset = el("fieldset", {});
    fieldset.append(el("legend", {}, el("h2", { class: "question", id: "wizard-question-h", tabindex: "-1" }, el("span", { class: "small step-label", text: `${W.question}${lang === "ja" ? "：" : ": "}` }), obsQuestion(id))));
    if (obs.how_to_check_html) fieldset.append(trustedHtml(t(obs.how_to_check_html)));
    else if (obs.how_to_check) fieldset.append(el("p", { class: "small", text: plain(obs.how_to_check) }));
    const dontKnow = el("button", { type: "button", class: "secondary", id: "wizard-skip", text: W.dontKnow });
    dontKnow.addEventListener("click", () => answer((state) => { if (!state.skip.includes(id)) state.skip.push(id); }));
    const actions = el("p", { class: "actions" });
    let read = null;
    if (obs.type === "boolean" || obs.type === "enum") {
      // one tap answers: a button per answer, and "don't know" beside them
      const choices = obs.type === "boolean" ? [["true", W.yes], ["false", W.no]] : (obs.values || []).map((v) => [v.value, t(v.label)]);
      const buttons = el("div", { class: choices.length > 4 ? "answer-buttons many" : "answer-buttons" });
      for (const [value, label] of choices) buttons.append(el("button", { type: "submit", name: "answer", value, "data-value": value, text: label }), " ");
      buttons.append(dontKnow);
      fieldset.append(buttons);
      read = (event) => (event.submitter ? parseValue(obs, event.submitter.value) : undefined);
    } else {
      const inputId = `q-${id}-input`;
      const attrs = obs.type === "number" ? { type: "number", min: obs.minimum, max: obs.maximum, step: "any", inputmode: "decimal" } : { type: "text" };
      const unit = obs.unit && obs.type === "number" ? el("span", { class: "small", text: ` ${({ percent: "%", mb: "MB", minutes: W.min, bits: "bits" })[obs.unit] || ""}` }) : null;
      fieldset.append(el("p", {}, el("label", { for: inputId, class: "visually-hidden", text: obsQuestion(id) }), el("input", Object.assign({ id: inputId, name: "answer", required: true }, attrs)), unit));
      actions.append(el("button", { type: "submit", id: "wizard-answer", text: W.answer }), " ", dontKnow);
      fieldset.append(actions);
      read = () => parseValue(obs, form.querySelector("input[name=answer]").value);
    }
    if (question.why) fieldset.append(el("p", { class: "small why" }, el("strong", { text: `${W.why}${lang === "ja" ? "：" : ": "}` }), t(question.why)));
    form.append(fieldset);
    addPasteHint(form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = read(event);
      if (value === undefined) return;
      answer((state) => { state.query[id] = value; });
    });
    return form;
  }

  /** Under a question that a bounce or a header block answers (once the patterns are here): a way to the paste box. */
  function addPasteHint(form) {
    if (!form || !book || !(form.dataset.observation in book.observations) || form.querySelector("#wizard-paste-hint")) return;
    const hint = el("button", { type: "button", class: "secondary small-button", id: "wizard-paste-hint", text: W.pasteHint });
    hint.addEventListener("click", () => { pasteBox.open = true; pasteText.focus(); });
    form.querySelector("fieldset").append(el("p", { class: "small" }, hint));
  }

  function answersList(state) {
    const entries = Object.entries(state.query);
    if (!entries.length && !state.skip.length) return null;
    const list = el("ul", { class: "answers" });
    const item = (id, value, undo) => {
      const remove = el("button", { type: "button", class: "secondary small-button no-print", "aria-label": `${W.remove}: ${obsTitle(id)}`, text: W.remove });
      remove.addEventListener("click", () => answer(undo));
      return el("li", { "data-observation": id }, `${obsTitle(id)}${lang === "ja" ? "：" : ": "}`, el("strong", { text: value }), " ", remove);
    };
    for (const [id, value] of entries) list.append(item(id, valueText(id, value), (s) => { delete s.query[id]; }));
    for (const id of state.skip) list.append(item(id, W.dontKnow, (s) => { s.skip = s.skip.filter((x) => x !== id); }));
    return el("section", { "aria-labelledby": "wizard-answers-h", class: "answers-box" }, el("h2", { id: "wizard-answers-h", text: W.answers }), list);
  }

  // ---- the result ----
  function results(state, query, result) {
    const section = el("section", { id: "wizard-results", "aria-labelledby": "wizard-result-h" });
    section.append(el("h2", { id: "wizard-result-h", tabindex: "-1", text: W.result }));
    const read = (result.from_evidence || []).filter((e) => e.observation !== "symptoms");
    if (read.length) {  // what the evidence patterns read in the message (§12): the codes behind the causes below
      const list = el("ul", { id: "wizard-from-message", class: "small" });
      for (const e of read) list.append(el("li", { text: `${obsTitle(e.observation)}: ${valueText(e.observation, e.value)}` }));
      section.append(el("p", { class: "small", text: W.fromMessage }), list);
    }
    section.append(el("h3", { id: "wizard-causes-h", text: W.causes }));
    if (!result.causes.length) section.append(el("p", { text: W.none }));
    else {
      const list = el("ol", { class: "cause-list", id: "wizard-causes" });
      for (const cause of result.causes) {
        const percent = Math.round(cause.confidence * 100);
        const reasons = el("ul", { class: "small" });
        for (const item of cause.evidence) reasons.append(el("li", { text: t(item.because) }));
        list.append(el("li", { "data-cause": cause.id }, causeLink(cause.id), " ",
          el("span", { class: "confidence", text: `${percent}%` }), " ",
          el("meter", { min: "0", max: "1", value: String(cause.confidence), "aria-label": `${W.confidence} ${percent}%` }), reasons));
      }
      section.append(list);
    }
    if (result.ruled_out.length) {
      const list = el("ul", { id: "wizard-ruled-out" });
      const because = new Map(doc.rules.map((r) => [r.id, r.because]));
      for (const item of result.ruled_out) list.append(el("li", {}, el("s", {}, causeLink(item.id)), " — ", el("span", { class: "small", text: t(because.get(item.rule)) })));
      section.append(el("h3", { text: W.ruled }), list);
    }
    if (result.plan.length) section.append(...planPart(state, query, result));
    if (state.tried.length) {
      const list = el("ul", { id: "wizard-tried" });
      for (const remedy of state.tried) {
        const undo = el("button", { type: "button", class: "secondary small-button no-print", "aria-label": `${W.remove}: ${t((doc.remedies[remedy] || {}).title)}`, text: W.remove });
        undo.addEventListener("click", () => answer((s) => { s.tried = s.tried.filter((r) => r !== remedy); }));
        list.append(el("li", { "data-remedy": remedy }, remedyLink(remedy), " ", undo));
      }
      section.append(el("h3", { text: W.triedList }), list);
    }
    section.append(consultBox(query, result));
    return section;
  }

  function planPart(state, query, result) {
    const order = el("select", { id: "wizard-order" });
    for (const [value, label] of [["value", W.byValue], ["stages", W.byStage]]) order.append(el("option", { value, text: label, selected: state.order === value }));
    order.addEventListener("change", () => {
      const next = readState();
      next.order = order.value;
      history.replaceState(history.state, "", urlOf(next));
      show(false);
      $("wizard-order").focus();
    });
    const general = "general" in result.plan[0];
    const sections = new Map((((doc.guides || {}).general_checks || {}).sections || []).map((s) => [s.id, t(s.title)]));
    const list = el("ol", { id: "wizard-plan", "data-general": general ? "true" : "false" });
    let lastSection = null;
    result.plan.forEach((step, index) => {
      const remedy = doc.remedies[step.remedy] || {};
      let heading = null;  // the general checks' section, on its first step
      if (general && step.general !== lastSection) {
        lastSection = step.general;
        heading = el("strong", { class: "plan-section small", text: `${sections.get(step.general) || step.general}${lang === "ja" ? "：" : ": "}` });
      }
      const done = el("button", { type: "button", class: "secondary small-button no-print", "data-tried": step.remedy, text: W.tried, "aria-label": `${W.tried}: ${t(remedy.title)}` });
      done.addEventListener("click", () => answer((s) => { if (!s.tried.includes(step.remedy)) s.tried.push(step.remedy); }, W.triedSay(t(remedy.title))));
      const body = el("div", { class: "plan-steps", id: `plan-steps-${index}`, "data-remedy": step.remedy, "data-platform": query.platform || "", hidden: true });
      const toggle = el("button", { type: "button", class: "secondary small-button no-print", "aria-expanded": "false", "aria-controls": body.id, text: W.steps });
      toggle.addEventListener("click", () => {
        body.hidden = !body.hidden;
        toggle.setAttribute("aria-expanded", String(!body.hidden));
      });
      list.append(el("li", { "data-remedy": step.remedy }, heading, remedyLink(step.remedy),
        el("span", { class: "small", text: ` — ${W.about(step.minutes)}` }),
        remedy.side_effects_html ? el("div", { class: "small" }, el("strong", { text: `${W.sideEffects}: ` }), trustedHtml(t(remedy.side_effects_html)))
          : remedy.side_effects ? el("p", { class: "small", text: `${W.sideEffects}: ${plain(remedy.side_effects)}` }) : null,
        el("p", { class: "step-actions" }, toggle, " ", done), body));
    });
    return [el("h3", { id: "wizard-plan-h", text: general ? W.general : W.plan }),
      el("p", { class: "no-print" }, el("label", { for: "wizard-order", text: `${W.order}${lang === "ja" ? "：" : ": "}` }), order), list];
  }

  /** Each plan step's instructions (for the person's platform when it is known), once api/steps.<lang>.json is here. */
  function fillSteps() {
    if (!stepsDoc) return;
    for (const body of document.querySelectorAll(".plan-steps[data-remedy]")) {
      if (body.dataset.filled) continue;
      const entry = stepsDoc.remedies[body.dataset.remedy];
      if (!entry) continue;
      const platforms = Object.keys(entry.steps);
      const mine = body.dataset.platform && entry.steps[body.dataset.platform] ? [body.dataset.platform] : platforms;
      for (const platform of mine) {
        const name = stepsDoc.platforms[platform] || platform;
        body.append(el("p", { class: "small platform-name" }, el("strong", { text: mine.length > 1 || platforms.length > 1 ? W.stepsFor(name) : W.steps })));
        const list = el("ol", { class: "steps" });
        for (const html of entry.steps[platform]) list.append(trustedHtml(html, "li", "step"));
        body.append(list);
      }
      if (entry.verify) body.append(el("p", { class: "small" }, el("strong", { text: `${W.verify}${lang === "ja" ? "：" : ": "}` }), trustedHtml(entry.verify, "span", "verify")));
      body.dataset.filled = "true";
    }
  }

  // the consultation text for Apple Support or a carrier (the same as `mailkb diagnose --format consult`)
  function consultBox(query, result) {
    const text = E.consultation(prep, query, result, lang);
    const area = el("textarea", { id: "wizard-consult-text", rows: "12", readonly: true, "aria-labelledby": "wizard-consult-h" });
    area.value = text;
    const status = el("p", { class: "small", role: "status", "aria-live": "polite" });
    const copy = el("button", { type: "button", id: "wizard-copy", text: W.copy });
    copy.addEventListener("click", () => {
      const done = () => { status.textContent = W.copied; };
      const fallback = () => { area.closest("details").open = true; area.select(); status.textContent = W.copyFailed; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
    });
    return el("section", { id: "wizard-consult", class: "no-print", "aria-labelledby": "wizard-consult-h" },
      el("h3", { id: "wizard-consult-h", text: W.consult }), el("p", { class: "small", text: W.consultHelp }), el("p", {}, copy), status,
      el("details", {}, el("summary", { text: W.consult }), area));
  }

  // ---- what is said and shown about the leading cause ----
  function leadWords(result) {
    const cause = result.causes[0];
    const step = result.plan[0];
    const stepTitle = step ? t((doc.remedies[step.remedy] || {}).title) : "";
    return { cause, step, stepTitle, percent: cause ? Math.round(cause.confidence * 100) : 0 };
  }
  function summaryBar(result, visible) {
    summary.hidden = !visible;
    if (!visible) return;
    const { cause, step, stepTitle, percent } = leadWords(result);
    summary.replaceChildren(
      el("p", {}, el("span", { class: "small", text: `${cause ? W.leading : W.noCause}${cause ? (lang === "ja" ? "：" : ": ") : ""}` }),
        cause ? el("strong", { id: "wizard-summary-cause", "data-cause": cause.id, text: t((doc.causes[cause.id] || {}).title) }) : null,
        cause ? " " : null, cause ? el("span", { class: "confidence", text: `${percent}%` }) : null),
      step ? el("p", { class: "small" }, `${W.first}${lang === "ja" ? "：" : ": "}`, el("span", { id: "wizard-summary-step", "data-remedy": step.remedy, text: stepTitle }),
        " · ", el("a", { href: "#wizard-results", text: W.toResult })) : null);
  }
  function say(result, finished, extra) {
    const { cause, step, stepTitle, percent } = leadWords(result);
    const lead = cause ? W.leadSay(t((doc.causes[cause.id] || {}).title), percent) : W.noLeadSay;
    const text = (extra ? extra + " " : "") + W.updated(lead, step ? W.stepSay(stepTitle, W.about(step.minutes)) : "", finished);
    live.textContent = "";
    setTimeout(() => { live.textContent = text; }, 50);  // a fresh text, so that it is announced even if unchanged
  }

  // ---- the page for the current history entry ----
  function show(announce, said, focusPaste) {
    if (!doc) {
      if (atStart()) { symptomStep(areaNow(), announce); pasteBox.hidden = false; focusQuestion(announce); }
      else {
        showStatic(null);
        if (!$("wizard-wait")) slot.append(el("p", { id: "wizard-wait", class: "small", text: W.loading }));
      }
      return;
    }
    const waiting = $("wizard-wait");
    if (waiting) waiting.remove();
    const state = readState();
    if (state.pasted && !book) {  // the patterns are needed to read the paste
      loadPatterns().then(() => show(announce, said, focusPaste), fail);
      return;
    }
    pasteText.value = state.pasted;
    const found = pasteRead();
    const merged = engineQuery(state, found);
    let result;
    try {
      result = E.diagnose(prep, merged.query, state.order);
    } catch (error) {
      fail(error);
      return;
    }
    const pending = result.next_questions;  // never an answered or skipped question (they are `unknown`)
    const current = pending.find((q) => q.observation === focusOn) || pending[0];
    const started = !atStart();
    // the question
    if (!current) {
      showStatic(null);
      slot.append(el("p", { id: "wizard-question", class: "notice", "data-done": "true" }, W.noMore));
    } else if (current.observation === "symptoms") symptomStep(state.area, announce);
    else {
      const form = questionForm(current);
      showStatic(null);
      slot.append(form);
    }
    pasteBox.hidden = false;
    if (announce) pasteBox.open = !started || !!state.pasted;
    pasteResult.replaceChildren(...[pasteReport(found, merged), state.pasted ? clearPaste() : null].filter(Boolean));
    // beside it: the leader (on a phone, sticky above the question), other questions and the answers
    summaryBar(result, started);
    const parts = [];
    if (current && E.leads(result)) {
      const go = el("a", { href: "#wizard-results", text: W.showResult });
      go.addEventListener("click", (event) => { event.preventDefault(); focusResult(); });
      parts.push(el("p", { class: "notice", id: "wizard-done" }, W.done, " ", go));
    }
    const others = pending.filter((q) => q !== current);
    if (others.length && started) {
      const list = el("ul", { id: "wizard-other-questions" });
      for (const q of others) {
        const pick = el("button", { type: "button", class: "secondary small-button", text: obsQuestion(q.observation) });
        pick.addEventListener("click", () => { focusOn = q.observation; show(false); focusQuestion(true); });
        list.append(el("li", {}, pick, el("span", { class: "small", text: ` (${W.about(q.cost_minutes)})` })));
      }
      parts.push(el("section", { class: "no-print", "aria-labelledby": "wizard-other-h" }, el("h2", { id: "wizard-other-h", text: W.next }), list));
    }
    parts.push(answersList(state));
    parts.push(el("p", { class: "small no-print" }, el("a", { href: urlOf(state), id: "wizard-share", text: W.share }), " · ",
      el("a", { href: location.pathname, id: "wizard-reset", text: W.reset })));
    after.replaceChildren(...parts.filter(Boolean));
    resultSlot.replaceChildren(results(state, merged.query, result));
    root.dataset.ready = "true";
    root.dataset.top = result.causes.length ? result.causes[0].id : "";
    root.dataset.done = current ? "false" : "true";
    if (stepsDoc) fillSteps(); else loadSteps();
    if (announce) {
      say(result, !current, said);
      if (focusPaste && $("wizard-paste-report-h")) $("wizard-paste-report-h").focus();  // what was read, then the question
      else if (current) focusQuestion(true);
      else focusResult();
    }
  }
  function clearPaste() {
    const button = el("button", { type: "button", class: "secondary small-button", id: "wizard-paste-clear", text: W.paste.clear });
    button.addEventListener("click", () => answer((state) => { state.pasted = ""; }));
    return el("p", {}, button);
  }
  function focusQuestion(really) {
    if (!really) return;
    const heading = slot.querySelector(".wizard-step:not([hidden]) h2.question");
    if (heading) heading.focus();
  }
  function focusResult() {
    const heading = $("wizard-result-h");
    if (heading) heading.focus();
  }
  function fail(error) {
    resultSlot.replaceChildren(el("p", { class: "notice", role: "alert", text: W.failed }));
    console.warn(error);
  }

  // print: every step's instructions are printed (shown by the print style sheet once they are filled in)
  window.addEventListener("beforeprint", fillSteps);

  // start: the first question now, the rules meanwhile
  root.dataset.answerable = "true";
  show(false);
  loadRules().then(() => {
    show(unannounced);
    unannounced = false;
    if (location.hash === "#wizard-paste") { pasteBox.open = true; pasteText.focus(); }
    // the patterns are small: fetched when the network is idle, so that questions a bounce answers can offer the box
    setTimeout(() => loadPatterns().then(() => addPasteHint($("wizard-question")), () => {}), 1000);
  }, fail);
})();
