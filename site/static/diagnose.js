/* The diagnosis wizard: asks the next best question, shows ranked causes, ruled-out causes and the plan.
 * Everything runs here, from api/rules.json and rulelang.js; the answers live in the URL (?obs=value&skip=…&tried=…).
 * A skipped question is sent to the engine as `unknown` (another takes its place); a plan step ticked as
 * "done, still broken" is sent as `tried`. */
(function () {
  "use strict";
  const root = document.getElementById("wizard");
  if (!root || !window.MailkbEngine) return;
  const E = window.MailkbEngine;
  const AREAS = ["receive", "send", "connect", "auth", "delivery", "security"];
  const lang = root.dataset.lang === "en" ? "en" : "ja";
  const base = root.dataset.base || "";
  const W = {
    ja: {
      loading: "読み込んでいます…", failed: "診断データを読み込めませんでした。", message: "表示されたエラーメッセージ(任意)",
      messageHelp: "画面に出ている文言をそのまま貼り付けるか入力してください。", use: "この文言で診断", question: "次の質問",
      answer: "回答する", skip: "分からない(とばす)", yes: "はい", no: "いいえ", answers: "これまでの回答", remove: "取り消す",
      causes: "考えられる原因", none: "まだ原因を絞り込めていません。下の「一般的な確認」を上から試してください。",
      ruled: "除外された原因", plan: "直す順番", min: "分", sideEffects: "影響", stage: "段階", next: "ほかに役立つ質問",
      done: "原因をかなり絞り込めました。下の「直す順番」を上から試してください。", noMore: "これ以上役立つ質問はありません。下の手順を上から試してください。",
      general: "一般的な確認(原因を絞り込めないとき)", tried: "試したが直らない", triedList: "試したが直らなかった手順",
      copy: "Apple サポート・通信事業者に相談する文面をコピー", copied: "コピーしました。相談先にそのまま貼り付けられます。", consult: "相談用の文面",
      reset: "最初からやり直す", share: "この診断のリンク(共有・再読み込みしても残ります)", confidence: "確からしさ",
      order: "並べ方", byValue: "効果と手間の順", byStage: "7ステップの順", why: "理由", updated: (n) => `更新しました。原因の候補 ${n} 件。`,
      symptomsPick: "当てはまる症状を選んでください",
      areas: { receive: "受信", send: "送信", connect: "接続", auth: "サインイン・認証", delivery: "配信(相手に届かない)", security: "セキュリティ" },
    },
    en: {
      loading: "Loading…", failed: "Could not load the diagnosis data.", message: "The error message you see (optional)",
      messageHelp: "Paste or type the exact words on the screen.", use: "Diagnose this message", question: "Next question",
      answer: "Answer", skip: "I don't know (skip)", yes: "Yes", no: "No", answers: "Your answers", remove: "Remove",
      causes: "Likely causes", none: "No cause stands out yet. Work through the general checks below from the top.",
      ruled: "Ruled out", plan: "What to do, in order", min: "min", sideEffects: "Side effects", stage: "Stage", next: "Other useful questions",
      done: "The leading cause is clear. Work through the plan below from the top.", noMore: "No other question would help now. Work through the steps below from the top.",
      general: "General checks (when the cause cannot be narrowed down)", tried: "Done, still broken", triedList: "Steps done without success",
      copy: "Copy a message for Apple Support or your carrier", copied: "Copied. Paste it into your message to support.", consult: "Message for support",
      reset: "Start over", share: "Link to this diagnosis (survives reload, can be shared)", confidence: "confidence",
      order: "Order", byValue: "Value for time", byStage: "The seven steps", why: "Why", updated: (n) => `Updated. ${n} likely cause(s).`,
      symptomsPick: "Choose the symptoms that apply",
      areas: { receive: "Receiving", send: "Sending", connect: "Connecting", auth: "Sign-in and authentication", delivery: "Delivery (mail not reaching people)", security: "Security" },
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
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const plain = (md) => t(md).replace(/[*_`#>]/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
  // HTML rendered at build time by the site's Markdown renderer (raw HTML off, safe links only), never user input
  const trustedHtml = (html) => {
    const box = el("div", { class: "small how-to-check" });
    const template = document.createElement("template");
    template.innerHTML = html;
    box.append(template.content);
    return box;
  };

  let doc, prep;
  let focusOn = null;  // a question picked from "other useful questions" (not part of the shareable state)
  let state = { query: {}, skip: [], tried: [], order: "value" };

  // ---- state <-> URL ----
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
  function readUrl() {
    const params = new URLSearchParams(location.search);
    const query = {};
    for (const [key, raw] of params) {
      if (key === "skip" || key === "tried" || key === "order") continue;
      const value = parseValue(doc.observations[key], raw);
      if (value !== undefined) query[key] = value;
    }
    const skip = (params.get("skip") || "").split(",").filter((id) => id in doc.observations && !doc.observations[id].derived && !(id in query));
    const tried = (params.get("tried") || "").split(",").filter((id) => id in doc.remedies);
    return { query, skip: [...new Set(skip)], tried: [...new Set(tried)], order: params.get("order") === "stages" ? "stages" : "value" };
  }
  function writeUrl() {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state.query)) params.set(key, Array.isArray(value) ? value.join(",") : String(value));
    if (state.skip.length) params.set("skip", state.skip.join(","));
    if (state.tried.length) params.set("tried", state.tried.join(","));
    if (state.order !== "value") params.set("order", state.order);
    const search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  // ---- rendering ----
  const live = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const main = el("div", { class: "wizard" });
  root.replaceChildren(live, el("p", { text: W.loading }));

  const causeLink = (id) => el("a", { href: `${base}/causes/${id}/` }, t((doc.causes[id] || {}).title) || id);
  const remedyLink = (id) => el("a", { href: `${base}/remedies/${id}/` }, t((doc.remedies[id] || {}).title) || id);
  const obsTitle = (id) => t((doc.observations[id] || {}).question) || t((doc.observations[id] || {}).title) || id;
  function valueText(id, value) {
    const obs = doc.observations[id] || {};
    if (typeof value === "boolean") return value ? W.yes : W.no;
    if (Array.isArray(value)) return value.map((s) => t((doc.symptoms[s] || {}).title) || s).join(", ");
    const option = (obs.values || []).find((v) => v.value === value);
    return option ? t(option.label) : String(value);
  }

  function update(change) {
    change();
    focusOn = null;
    writeUrl();
    render(true);
  }

  function messageForm() {
    const form = el("form", { class: "message-form", id: "wizard-message" });
    const area = el("textarea", { id: "wizard-error-message", rows: "2", "aria-describedby": "wizard-message-help" });
    area.value = state.query.error_message || "";
    form.append(
      el("label", { for: "wizard-error-message" }, W.message),
      el("p", { class: "small", id: "wizard-message-help", text: W.messageHelp }),
      area,
      el("p", {}, el("button", { type: "submit", text: W.use })),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update(() => {
        const text = area.value.trim();
        if (text) state.query.error_message = text; else delete state.query.error_message;
      });
    });
    return form;
  }

  function questionForm(question) {
    const id = question.observation;
    const obs = doc.observations[id];
    const form = el("form", { id: "wizard-question", "data-observation": id });
    const fieldset = el("fieldset", {});
    fieldset.append(el("legend", { text: `${W.question}: ${obsTitle(id)}` }));
    if (obs.how_to_check_html) fieldset.append(trustedHtml(t(obs.how_to_check_html)));
    else if (obs.how_to_check) fieldset.append(el("p", { class: "small", text: plain(obs.how_to_check) }));
    const options = el("div", { class: "options" });
    let read;
    if (obs.type === "boolean" || obs.type === "enum") {
      const choices = obs.type === "boolean" ? [["true", W.yes], ["false", W.no]] : (obs.values || []).map((v) => [v.value, t(v.label)]);
      choices.forEach(([value, label], i) => {
        const inputId = `q-${id}-${i}`;
        options.append(el("span", {}, el("input", { type: "radio", name: "answer", id: inputId, value, required: i === 0 }), " ", el("label", { for: inputId, text: label })));
      });
      read = () => { const picked = form.querySelector("input[name=answer]:checked"); return picked ? parseValue(obs, picked.value) : undefined; };
    } else if (obs.type === "symptom_list") {
      options.classList.add("symptom-options");
      options.append(el("p", { class: "small", text: W.symptomsPick }));
      // grouped by area (receive, send, connect, auth, delivery, security), then by title
      const areaRank = (sid) => { const i = AREAS.indexOf(doc.symptoms[sid].area); return i < 0 ? AREAS.length : i; };
      const ordered = Object.keys(doc.symptoms).sort((a, b) => areaRank(a) - areaRank(b) || t(doc.symptoms[a].title).localeCompare(t(doc.symptoms[b].title), lang));
      let lastArea = null;
      ordered.forEach((sid, i) => {
        const area = doc.symptoms[sid].area;
        if (area !== lastArea) { options.append(el("p", { class: "small area-heading", text: W.areas[area] || area })); lastArea = area; }
        const inputId = `q-${id}-${i}`;
        options.append(el("span", {}, el("input", { type: "checkbox", name: "answer", id: inputId, value: sid }), " ", el("label", { for: inputId, text: t(doc.symptoms[sid].title) })));
      });
      read = () => parseValue(obs, [...form.querySelectorAll("input[name=answer]:checked")].map((x) => x.value).join(","));
    } else {
      const inputId = `q-${id}-input`;
      const attrs = obs.type === "number" ? { type: "number", min: obs.minimum, max: obs.maximum, step: "any" } : { type: "text" };
      options.append(el("label", { for: inputId, class: "visually-hidden", text: obsTitle(id) }), el("input", Object.assign({ id: inputId, name: "answer", required: true }, attrs)));
      read = () => parseValue(obs, form.querySelector("input[name=answer]").value);
    }
    fieldset.append(options);
    if (question.why) fieldset.append(el("p", { class: "small", text: `${W.why}: ${t(question.why)}` }));
    const skip = el("button", { type: "button", class: "secondary", id: "wizard-skip", text: W.skip });
    skip.addEventListener("click", () => update(() => { if (!state.skip.includes(id)) state.skip.push(id); }));
    fieldset.append(el("p", {}, el("button", { type: "submit", id: "wizard-answer", text: W.answer }), " ", skip));
    form.append(fieldset);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = read();
      if (value === undefined) return;
      update(() => { state.query[id] = value; });
    });
    return form;
  }

  function answersList() {
    const entries = Object.entries(state.query);
    if (!entries.length) return null;
    const list = el("ul", { class: "answers" });
    for (const [id, value] of entries) {
      const remove = el("button", { type: "button", class: "secondary", "aria-label": `${W.remove}: ${obsTitle(id)}`, text: W.remove });
      remove.addEventListener("click", () => update(() => { delete state.query[id]; state.skip = state.skip.filter((s) => s !== id); }));
      list.append(el("li", {}, `${t(doc.observations[id].title)}: `, el("strong", { text: valueText(id, value) }), " ", remove));
    }
    return el("section", { "aria-labelledby": "wizard-answers-h" }, el("h2", { id: "wizard-answers-h", text: W.answers }), list);
  }

  function results(result) {
    const section = el("section", { id: "wizard-results", "aria-labelledby": "wizard-causes-h" });
    section.append(el("h2", { id: "wizard-causes-h", text: W.causes }));
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
      section.append(el("h2", { text: W.ruled }), list);
    }
    if (result.plan.length) {
      const order = el("select", { id: "wizard-order", "aria-label": W.order });
      for (const [value, label] of [["value", W.byValue], ["stages", W.byStage]]) {
        const option = el("option", { value, text: label });
        if (state.order === value) option.selected = true;
        order.append(option);
      }
      order.addEventListener("change", () => update(() => { state.order = order.value; }));
      const general = "general" in result.plan[0];
      const sections = new Map((((doc.guides || {}).general_checks || {}).sections || []).map((s) => [s.id, t(s.title)]));
      const list = el("ol", { id: "wizard-plan", "data-general": general ? "true" : "false" });
      let lastSection = null;
      for (const step of result.plan) {
        const remedy = doc.remedies[step.remedy] || {};
        let heading = null;  // the general checks' section, on its first step
        if (general && step.general !== lastSection) {
          lastSection = step.general;
          heading = el("strong", { class: "plan-section small", text: `${sections.get(step.general) || step.general}: ` });
        }
        const done = el("button", { type: "button", class: "secondary", "data-tried": step.remedy, text: W.tried });
        done.addEventListener("click", () => update(() => { if (!state.tried.includes(step.remedy)) state.tried.push(step.remedy); }));
        list.append(el("li", { "data-remedy": step.remedy }, heading, remedyLink(step.remedy),
          el("span", { class: "small", text: ` — ${step.minutes} ${W.min} ` }), done,
          remedy.side_effects_html ? el("div", { class: "small" }, el("strong", { text: `${W.sideEffects}: ` }), trustedHtml(t(remedy.side_effects_html)))
            : remedy.side_effects ? el("p", { class: "small", text: `${W.sideEffects}: ${plain(remedy.side_effects)}` }) : null));
      }
      section.append(el("h2", { text: general ? W.general : W.plan }), el("p", {}, el("label", { for: "wizard-order", text: `${W.order}: ` }), order), list);
    }
    if (state.tried.length) {
      const list = el("ul", { id: "wizard-tried" });
      for (const remedy of state.tried) {
        const undo = el("button", { type: "button", class: "secondary", text: W.remove });
        undo.addEventListener("click", () => update(() => { state.tried = state.tried.filter((r) => r !== remedy); }));
        list.append(el("li", {}, remedyLink(remedy), " ", undo));
      }
      section.append(el("h2", { text: W.triedList }), list);
    }
    section.append(consultBox(result));
    return section;
  }

  function engineQuery() {
    const query = Object.assign({}, state.query);
    if (state.skip.length) query.unknown = state.skip.slice();
    if (state.tried.length) query.tried = state.tried.slice();
    return query;
  }

  // the consultation text for Apple Support or a carrier (the same as `mailkb diagnose --format consult`)
  function consultBox(result) {
    const text = E.consultation(prep, engineQuery(), result, lang);
    const area = el("textarea", { id: "wizard-consult-text", rows: "12", readonly: true, "aria-label": W.consult });
    area.value = text;
    const status = el("p", { class: "small", role: "status", "aria-live": "polite" });
    const copy = el("button", { type: "button", id: "wizard-copy", text: W.copy });
    copy.addEventListener("click", () => {
      const done = () => { status.textContent = W.copied; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, () => { area.select(); });
      else { area.select(); document.execCommand && document.execCommand("copy"); done(); }
    });
    return el("section", { id: "wizard-consult", "aria-labelledby": "wizard-consult-h" },
      el("h2", { id: "wizard-consult-h", text: W.consult }), el("p", {}, copy), status, el("details", {}, el("summary", { text: W.consult }), area));
  }

  function render(announce) {
    let result;
    try {
      result = E.diagnose(prep, engineQuery(), state.order);
    } catch (error) {
      root.replaceChildren(el("p", { class: "notice", text: W.failed }));
      throw error;
    }
    const pending = result.next_questions;  // never an answered or skipped question (they are `unknown`)
    const parts = [messageForm()];
    const current = pending.find((q) => q.observation === focusOn) || pending[0];
    if (E.leads(result)) parts.push(el("p", { class: "notice", id: "wizard-done", text: W.done }));
    if (current) parts.push(questionForm(current));
    else if (!E.leads(result)) parts.push(el("p", { id: "wizard-done", text: W.noMore }));
    const others = pending.filter((q) => q !== current);
    if (others.length) {
      const list = el("ul", { id: "wizard-other-questions" });
      for (const q of others) {
        const pick = el("button", { type: "button", class: "secondary", text: obsTitle(q.observation) });
        pick.addEventListener("click", () => { focusOn = q.observation; render(true); });
        list.append(el("li", {}, pick, el("span", { class: "small", text: ` (${q.cost_minutes} ${W.min})` })));
      }
      parts.push(el("h2", { text: W.next }), list);
    }
    const grid = el("div", { class: "wizard-grid" }, el("div", {}, ...parts, answersList()), results(result));
    const share = el("p", { class: "small" }, el("a", { href: location.href, id: "wizard-share", text: W.share }), " · ",
      el("a", { href: location.pathname, id: "wizard-reset", text: W.reset }));
    main.replaceChildren(grid, share);
    root.replaceChildren(live, main);
    root.dataset.ready = "true";
    root.dataset.top = result.causes.length ? result.causes[0].id : "";
    if (announce) {
      live.textContent = W.updated(result.causes.length);
      const next = document.querySelector("#wizard-question input");
      if (next) next.focus();
    }
  }

  fetch(root.dataset.rules)
    .then((response) => { if (!response.ok) throw new Error(response.statusText); return response.json(); })
    .then((json) => {
      doc = json;
      prep = E.prepare(doc);
      state = readUrl();
      render(false);
    })
    .catch((error) => {
      root.replaceChildren(el("p", { class: "notice", text: W.failed }));
      console.warn(error);
    });
})();
