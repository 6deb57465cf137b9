// The search page's query handling, without the page: which words of a query Pagefind should match, how the
// results of several Pagefind searches combine, how kinds of pages are weighted, and which symptoms the engine's
// message matcher recognises. Pure functions (search.js wires them to the page); docs/site.md ("Search").

// How much each kind of page counts: the pages that answer "what is wrong" first, then "how to fix it".
export const KIND_WEIGHT = { symptoms: 1.3, causes: 1.2, remedies: 1.0, carriers: 1.0, reference: 1.0, guides: 0.9, platforms: 0.8, tables: 0.8 };
const OTHER_KIND = 0.5;

// Pagefind's ranking: a page's key phrases ("keys": its title and search phrases; engine/sitebuild/searchkeys.py)
// count like its title. A symptom's messages are not metadata: they are in its text, and a pasted message is
// recognised by the matcher first. (Measured: messages as metadata, even at weight 0.3, draw a settings lookup such
// as 「imap.mail.me.com ポート」 to the symptoms whose alerts quote that host; the regression fell to 45/46.)
export const RANKING = { metaWeights: { title: 5.0, keys: 5.0 } };

// Words that carry no meaning of their own in a query: Japanese particles and verb endings as Intl.Segmenter cuts
// them, English function words. Pure-hiragana words are dropped too when the query has other words.
const STOP = new Set(
  ("を が は に へ の で と も や か な ね よ わ から まで より って ので のに けど けれど でも し て た だ ます ま せん ん ない なく なかっ " +
    "なる なっ なり っ です でし ある あり いる い する され れる られる かれる でき できる ませ " +
    "a an the to of for in on at by with from and or is are was be been it i my me you your this that can can't cant do does " +
    "doesn't doesnt don't dont won't wont isn't not no keeps keep up").split(" "),
);
const HIRAGANA = /^[\p{Script=Hiragana}ー]+$/u;
const KANA_LONG_END = /^(\p{Script=Katakana}{2,})ー$/u; // サーバー → サーバ (Apple's spelling); the prefix match still finds ルーター

/** The words of a query that Pagefind should match (lower case, NFKC, no particles, each once). */
export function contentWords(query, lang) {
  const text = query.normalize("NFKC").toLowerCase();
  const all =
    typeof Intl.Segmenter === "function"
      ? [...new Intl.Segmenter(lang, { granularity: "word" }).segment(text)].filter((s) => s.isWordLike).map((s) => s.segment)
      : text.split(/[\s\p{P}]+/u).filter(Boolean);
  const kept = all.filter((w) => !STOP.has(w)).map((w) => w.replace(KANA_LONG_END, "$1"));
  const meaningful = kept.filter((w) => !HIRAGANA.test(w));
  return [...new Set(meaningful.length ? meaningful : kept.filter((w) => w.length > 1))];
}

/**
 * Combine a search for all the words with a search for each word alone. A page that has every word scores twice
 * Pagefind's score for all of them (not that plus the words' own scores: a single word's search gives a title match
 * a boost of its own, which would count twice); a page that has some of them scores by its words' scores, times the
 * share of the query it covers, squared. The share counts each word by how rare it is (its inverse document frequency
 * over `pages` pages), so a page with the one telling word of a sentence ("junk" in "emails going to junk") beats
 * pages with only the common ones. So a sentence finds the pages that match most of its meaning, not only those
 * that match all of its words. `together` and each of `alone` are lists of {id, score}; returns [{result, score}].
 */
export function fuse(together, alone, pages) {
  const rarity = alone.map((results) => Math.log(1 + pages / (1 + results.length)));
  const total = rarity.reduce((a, b) => a + b, 0) || 1;
  const byId = new Map();
  const entry = (result) => {
    if (!byId.has(result.id)) byId.set(result.id, { result, together: 0, sum: 0, covered: 0, best: 0 });
    return byId.get(result.id);
  };
  for (const result of together) entry(result).together = result.score;
  alone.forEach((results, i) => {
    for (const result of results) {
      const hit = entry(result);
      hit.sum += result.score;
      hit.covered += rarity[i];
      if (!hit.together && result.score > hit.best) {
        hit.best = result.score;
        hit.result = result; // its excerpt marks the word it matched
      }
    }
  });
  return [...byId.values()]
    .map((hit) => ({ result: hit.result, score: hit.together ? 2 * hit.together : hit.sum * (hit.covered / total) ** 2 }))
    .sort((a, b) => b.score - a.score);
}

/** The kind of a page ("symptoms", "causes" …) from its URL, with or without the /en prefix and the base path. */
export function kindOf(url, base = "/") {
  const path = url.startsWith(base) ? url.slice(base.length) : url.replace(/^\//, "");
  const parts = path.split("/").filter(Boolean);
  return parts[0] === "en" ? parts[1] : parts[0];
}

export function kindWeight(url, base = "/") {
  return KIND_WEIGHT[kindOf(url, base)] || OTHER_KIND;
}

// A page whose title holds the query (ignoring spaces, punctuation and the long-vowel mark) is about it; one whose
// title holds every word of it is probably about it. Pagefind cannot see this for Japanese: it does not score
// words by being next to each other, and it keeps a Japanese title as one unsegmented word.
const TITLE_HAS_QUERY = 2.0;
const TITLE_HAS_WORDS = 1.4;
const NOISE = /[\p{P}\p{S}\p{Z}\s\u30fc]/gu;
const squeeze = (text) => text.normalize("NFKC").toLowerCase().replace(NOISE, "");

export function titleWeight(title, query, words) {
  const heading = squeeze(title || "");
  const whole = squeeze(query);
  if (whole && heading.includes(whole)) return TITLE_HAS_QUERY;
  if (words.length && words.every((word) => heading.includes(squeeze(word)))) return TITLE_HAS_WORDS;
  return 1;
}

// How a typed query resembles a symptom's title and search phrases: the share of features they have in common
// (cosine of the two sets). Japanese runs give their character pairs (bigrams) and their kanji, the usual way to
// compare Japanese without a dictionary, so particles, okurigana (遅い, 遅れて), the long-vowel mark and word order
// cost little; Latin words give a crude stem (receive, receiving → receiv; goes, going → go), "email" counting as
// "mail", function words and single letters left out.
const RUNS = /[\u3005\u3041-\u30ff\u4e00-\u9fff]+|[0-9a-z][0-9a-z.@_+'’-]*/gu;
const SUFFIX = /(?:ing|ed|es|e|s)$/;
const KANJI = /[\u3005\u4e00-\u9fff]/u;

function stem(word) {
  const bare = word.replace(/[.'’-]+$/, "");
  const root = bare.length > 3 ? bare.replace(SUFFIX, "") : bare;
  const stemmed = root.length >= 2 ? root : bare;
  return stemmed === "email" ? "mail" : stemmed;
}

function features(text) {
  const found = new Set();
  for (const [run] of text.normalize("NFKC").toLowerCase().replace(/\u30fc/g, "").matchAll(RUNS)) {
    if (/^[0-9a-z]/.test(run)) {
      if (run.length > 1 && !STOP.has(run)) found.add(stem(run));
      continue;
    }
    if (run.length === 1) found.add(run);
    for (let i = 0; i + 1 < run.length; i++) found.add(run.slice(i, i + 2));
    for (const ch of run) if (KANJI.test(ch)) found.add(ch);
  }
  return found;
}

export function likeness(query, texts) {
  const asked = features(query);
  let best = 0;
  for (const text of texts) {
    const known = features(text);
    if (!asked.size || !known.size) continue;
    let shared = 0;
    for (const feature of asked) if (known.has(feature)) shared += 1;
    best = Math.max(best, shared / Math.sqrt(asked.size * known.size));
  }
  return best;
}

const LIKENESS_WEIGHT = 1.0; // a symptom whose phrases read like the query gains up to this much (the best page scores 1)
const LIKENESS_FLOOR = 0.3; // below this, a likeness is chance overlap

/**
 * The final order. `pages` are Pagefind's candidates [{url, score, title}] (score from fuse), `likes` maps a symptom
 * page's URL to its likeness to the query. Each page scores its Pagefind score relative to the best one, times its
 * kind's weight and its title's weight, plus its likeness; a symptom that reads like the query but that Pagefind did
 * not find is added with its likeness alone. Returns [{url, score}], best first.
 */
export function rank(pages, likes, query, words, base = "/") {
  const top = Math.max(0, ...pages.map((page) => page.score)) || 1;
  const scored = new Map();
  for (const page of pages) {
    const relative = (page.score / top) * kindWeight(page.url, base) * titleWeight(page.title, query, words);
    scored.set(page.url, relative);
  }
  for (const [url, like] of likes) {
    if (like >= LIKENESS_FLOOR) scored.set(url, (scored.get(url) || 0) + LIKENESS_WEIGHT * like);
  }
  return [...scored].map(([url, score]) => ({ url, score })).sort((a, b) => b.score - a.score || (a.url < b.url ? -1 : 1));
}

/**
 * The symptoms the engine's matcher (`match`, from rulelang.js) recognises in the query, the most specific first:
 * by the length of the longest of its messages or search phrases that the matcher finds in the query on its own
 * (a matcher over that one text, from `makeMatcher`, so the engine's normalisation, typed placeholders and partial
 * rule decide). `isMessage` says whether one of its messages matched (else a search phrase). Returns [{id, isMessage}].
 */
export function recognised(query, match, symptoms, makeMatcher) {
  const found = [];
  for (const id of match(query)) {
    const symptom = symptoms[id] || {};
    let longest = 0;
    let isMessage = false;
    for (const [field, message] of [
      ["messages", true],
      ["search_phrases", false],
    ]) {
      for (const text of symptom[field] || []) {
        if (!text || !makeMatcher({ [id]: { [field]: [text] } })(query).length) continue;
        const length = Math.max(...Object.values(text).map((value) => [...String(value)].length));
        if (length > longest || (length === longest && message)) longest = length;
        isMessage ||= message;
      }
    }
    found.push({ id, length: longest, isMessage });
  }
  found.sort((x, y) => y.length - x.length || Number(y.isMessage) - Number(x.isMessage) || (x.id < y.id ? -1 : 1));
  return found.map(({ id, isMessage }) => ({ id, isMessage }));
}
