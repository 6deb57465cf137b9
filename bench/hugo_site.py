"""The same number of Markdown pages, of similar size, as a Hugo site (ja and en), for the site benchmark."""

from __future__ import annotations

import random
from pathlib import Path

from synthetic_kb import EN, JA

CONFIG = """baseURL = "https://example.test/"
defaultContentLanguage = "ja"
disableKinds = ["taxonomy", "term", "RSS"]
[languages]
  [languages.ja]
    contentDir = "content/ja"
    weight = 1
  [languages.en]
    contentDir = "content/en"
    weight = 2
[markup.goldmark.renderer]
  unsafe = false
"""

BASEOF = """<!doctype html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | mailkb</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
<link rel="stylesheet" href="/assets/site.css"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">mailkb</a>
<nav><ul>{{ range .Translations }}<li><a href="{{ .RelPermalink }}">{{ .Language.Lang }}</a></li>{{ end }}</ul></nav></header>
<nav class="breadcrumb"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
<main><h1>{{ .Title }}</h1>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ .Lastmod.Format "2006-01-02" }}</p>{{ with .File }}<p><a href="https://example.test/edit/{{ .Path }}">edit</a></p>{{ end }}</footer></body></html>
"""
SINGLE = """{{ define "main" }}<p class="meta">{{ .Params.area }}</p>{{ .Content }}
<h2>Related</h2><ul>{{ range .Params.related }}<li><a href="{{ relLangURL . }}">{{ . }}</a></li>{{ end }}</ul>
<h2>Sources</h2><ul>{{ range .Params.sources }}<li><a href="{{ .url }}">{{ .title }}</a> {{ .kind }}</li>{{ end }}</ul>{{ end }}
"""
LIST = """{{ define "main" }}{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> — {{ .Summary | plainify | truncate 90 }}</li>{{ end }}</ul>{{ end }}
"""


def write_hugo_site(root: Path, counts: dict[str, int], seed: int = 7) -> int:
    """One page per entity and language, in folders like ours; returns the number of content pages."""
    rng = random.Random(seed)
    (root / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "baseof.html").write_text(BASEOF, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    pages = 0
    for lang, sentence in (("ja", JA), ("en", EN)):
        for kind, count in counts.items():
            folder = root / "content" / lang / kind
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "_index.md").write_text(f"---\ntitle: {kind}\n---\n", encoding="utf-8")
            for i in range(count):
                paragraphs = "\n\n".join(f"**{k + 1}.** {sentence} {rng.randint(1, 999)}" for k in range(8))
                steps = "\n".join(f"{k + 1}. {sentence}" for k in range(6))
                front = (
                    f'---\ntitle: "{kind} {i}"\nlastmod: 2026-11-28\nparams:\n  area: receive\n'
                    f'related: ["/{kind}/{kind}_{(i + 1) % count}/", "/{kind}/{kind}_{(i + 2) % count}/"]\n'
                    'sources:\n  - {url: "https://support.apple.com/ja-jp/102562", title: "iCloud", kind: official}\n---\n'
                )
                (folder / f"{kind}_{i}.md").write_text(front + paragraphs + "\n\n## Steps\n\n" + steps + "\n", encoding="utf-8")
                pages += 1
    return pages
