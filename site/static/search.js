// Search page: Pagefind (extended build, segments Japanese) over the built pages. The query lives in ?q=.
const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const lang = document.documentElement.lang || "ja";
const words = {
  ja: { loading: "検索しています…", none: "見つかりませんでした。別の言葉で試すか、症状の一覧から探してください。", count: (n) => `${n} 件見つかりました。`, error: "検索を読み込めませんでした。" },
  en: { loading: "Searching…", none: "No results. Try other words, or browse the list of symptoms.", count: (n) => `${n} result${n === 1 ? "" : "s"}.`, error: "Search could not be loaded." },
}[lang === "en" ? "en" : "ja"];

let pagefind = null;

async function load() {
  if (!pagefind) {
    pagefind = await import(form.dataset.pagefind);
    await pagefind.options({ baseUrl: form.dataset.base || "/", excerptLength: 30 });
    await pagefind.init();
  }
  return pagefind;
}

// Pagefind's excerpt is text with <mark> around hits: rebuild it from text nodes and <mark> only.
function excerptNode(html) {
  const span = document.createElement("span");
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) span.append(node.textContent);
    else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      span.append(mark);
    } else span.append(node.textContent || "");
  }
  return span;
}

// Pagefind does not segment a Japanese query the way it segmented the pages ("取得できません" is one token in
// the query but 取得 / でき / … in most pages), so a query without spaces is also searched as its words.
const STOP = new Set(["ま", "せん", "ん", "ない", "ます", "ません", "を", "が", "は", "に", "の", "で", "と", "も", "た", "です"]);
function segmented(query) {
  if (!/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(query) || /\s/.test(query.trim()) || typeof Intl.Segmenter !== "function") return null;
  const words = [...new Intl.Segmenter("ja", { granularity: "word" }).segment(query)]
    .filter((s) => s.isWordLike && !STOP.has(s.segment))
    .map((s) => s.segment);
  return words.length > 1 ? words.join(" ") : null;
}

async function searchAll(engine, query) {
  const queries = [query];
  const split = segmented(query);
  if (split) queries.push(split);
  const found = new Map();
  for (const q of queries) {
    const search = await engine.search(q);
    for (const result of search.results) {
      const known = found.get(result.id);
      if (!known || known.score < result.score) found.set(result.id, result);
    }
  }
  return [...found.values()].sort((a, b) => b.score - a.score);
}

async function run(query) {
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "";
    return;
  }
  status.textContent = words.loading;
  try {
    const engine = await load();
    const all = await searchAll(engine, query);
    const results = await Promise.all(all.slice(0, 20).map((r) => r.data()));
    for (const result of results) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = result.url;
      link.textContent = (result.meta && result.meta.title) || result.url;
      const excerpt = document.createElement("p");
      excerpt.className = "small";
      excerpt.append(excerptNode(result.excerpt || ""));
      item.append(link, excerpt);
      list.append(item);
    }
    status.textContent = results.length ? words.count(all.length) : words.none;
    document.body.dataset.searchDone = query;
  } catch (error) {
    status.textContent = words.error;
    console.warn("search failed", error);
  }
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
