// Search page. Two steps, both in this browser:
// 1. The site's own message matcher (rulelang.js, the engine's normalisation) on the query: a pasted alert, or a
//    query that contains one, is recognised, and its symptom page comes first with what the message means.
// 2. Pagefind over the built pages, queried with the content words of the query (particles and verb endings
//    dropped), all words together and each word alone, so that a sentence finds the pages that match most of it.
//    Results are weighted by kind (symptoms and causes first). docs/site.md ("Search") explains the choices.
// The query lives in ?q=.
import { RANKING, contentWords, fuse, kindOf, likeness, rank, recognised } from "./searchquery.js";

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const lang = document.documentElement.lang === "en" ? "en" : "ja";
const base = form.dataset.base || "/";
const kindNames = JSON.parse(form.dataset.kinds || "{}");
const words = {
  ja: {
    loading: "検索しています…",
    none: "見つかりませんでした。別の言葉で試すか、症状の一覧から探してください。",
    count: (n) => `${n} 件見つかりました。`,
    error: "検索を読み込めませんでした。",
    message: "表示されたメッセージの意味",
    symptom: "当てはまる症状",
  },
  en: {
    loading: "Searching…",
    none: "No results. Try other words, or browse the list of symptoms.",
    count: (n) => `${n} result${n === 1 ? "" : "s"}.`,
    error: "Search could not be loaded.",
    message: "What this message means",
    symptom: "Matching symptom",
  },
}[lang];

const CANDIDATES = 30; // results whose page data is loaded to weigh them by kind
const SHOWN = 20;

let pagefind = null;
async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ baseUrl: base, excerptLength: 30, ranking: RANKING });
    await pagefind.init();
  }
  return pagefind;
}

let matcher = null;
let symptoms = {};
async function loadMatcher() {
  if (!matcher) {
    const response = await fetch(form.dataset.messages);
    symptoms = (await response.json()).symptoms;
    matcher = window.MailkbEngine.makeMatcher(symptoms);
  }
  return matcher;
}

let pageCount = 0;
/** Pagefind results for the words: all of them together, and each alone (see fuse). */
async function pagefindHits(engine, terms) {
  if (!terms.length) return [];
  if (!pageCount) pageCount = (await engine.search(null)).results.length; // every indexed page
  const runs = [engine.search(terms.join(" "))];
  if (terms.length > 1) for (const term of terms) runs.push(engine.search(term));
  const [together, ...alone] = await Promise.all(runs);
  return fuse(together.results, alone.map((search) => search.results), pageCount);
}

// Pagefind's excerpt is text with <mark> around hits: rebuild it from text nodes and <mark> only.
function excerptNode(html) {
  const span = document.createElement("span");
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      span.append(mark);
    } else span.append(node.textContent || "");
  }
  return span;
}

function item({ url, title, kind, text, label }) {
  const li = document.createElement("li");
  if (label) {
    li.className = "search-meaning";
    const strong = document.createElement("strong");
    strong.className = "search-label";
    strong.textContent = label;
    li.append(strong);
  } else if (kindNames[kind]) {
    const tag = document.createElement("span");
    tag.className = "kind";
    tag.textContent = kindNames[kind];
    li.append(tag, " ");
  }
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title;
  const excerpt = document.createElement("p");
  excerpt.className = "small";
  excerpt.append(text);
  li.append(link, excerpt);
  return li;
}

async function run(query) {
  list.replaceChildren();
  delete document.body.dataset.searchDone;
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = words.loading;
  try {
    const [engine, match] = await Promise.all([loadPagefind(), loadMatcher()]);
    const known = recognised(query, match, symptoms, window.MailkbEngine.makeMatcher);
    const prefix = lang === "en" ? "en/" : "";
    const shown = new Set();
    const items = [];
    for (const { id, isMessage } of known) {
      const url = `${base}${prefix}symptoms/${id}/`;
      shown.add(url);
      const title = symptoms[id].title[lang] || symptoms[id].title.ja;
      const meaning = symptoms[id].meaning[lang] || "";
      items.push(item({ url, title, text: meaning, label: isMessage ? words.message : words.symptom }));
    }
    const terms = contentWords(query, lang);
    const hits = (await pagefindHits(engine, terms)).slice(0, CANDIDATES);
    const found = new Map();
    await Promise.all(
      hits.map(async (hit) => {
        const data = await hit.result.data();
        found.set(data.url, { data, score: hit.score, title: (data.meta && data.meta.title) || data.url });
      }),
    );
    const likes = new Map();
    for (const [id, symptom] of Object.entries(symptoms)) {
      const texts = [symptom.title, ...(symptom.search_phrases || [])].map((text) => (text && text[lang]) || "");
      likes.set(`${base}${prefix}symptoms/${id}/`, likeness(query, texts));
    }
    const pages = [...found].map(([url, page]) => ({ url, score: page.score, title: page.title }));
    for (const { url } of rank(pages, likes, query, terms, base)) {
      if (shown.has(url) || items.length >= SHOWN) continue;
      shown.add(url);
      const page = found.get(url);
      if (page) items.push(item({ url, title: page.title, kind: kindOf(url, base), text: excerptNode(page.data.excerpt || "") }));
      else {
        const id = url.split("/").filter(Boolean).pop();
        const symptom = symptoms[id];
        items.push(item({ url, title: symptom.title[lang] || symptom.title.ja, kind: "symptoms", text: symptom.meaning[lang] || "" }));
      }
    }
    list.append(...items);
    status.textContent = items.length ? words.count(shown.size) : words.none;
  } catch (error) {
    status.textContent = words.error;
    console.warn("search failed", error);
  }
  document.body.dataset.searchDone = query;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  const url = new URL(location.href);
  url.searchParams.set("q", query);
  history.replaceState(null, "", url);
  run(query);
});

const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
if (initial) run(initial);
