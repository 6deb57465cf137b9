"""The built site: pages for every kind in both languages, links, exports, sitemap and the no-other-host rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mailkb.cli import main

from .htmlscan import scan
from .linkcheck import broken_links

ENTRY_PAGES = [
    "symptoms/cannot_get_mail",
    "causes/storage_full",
    "remedies/free_storage",
    "observations/webmail_works",
    "platforms/iphone",
    "carriers/docomo",
    "guides/seven_steps",
    "reference/server_settings",
]
INDEX_PAGES = [
    "",
    "symptoms",
    "causes",
    "remedies",
    "areas/receive",
    "stages/receive",
    "platforms",
    "carriers",
    "tables/messages",
    "tables/isolation",
    "tables/checksheet",
    "search",
    "diagnose",
]


def _read(out: Path, rel: str) -> str:
    return (out / rel / "index.html").read_text(encoding="utf-8") if not rel.endswith(".html") else (out / rel).read_text(encoding="utf-8")


def test_every_page_type_in_both_languages(small_site):
    for rel in ENTRY_PAGES + INDEX_PAGES:
        for prefix, lang in (("", "ja"), ("en/", "en")):
            html = _read(small_site, prefix + rel)
            assert f'<html lang="{lang}">' in html, rel
    assert (small_site / "404.html").is_file() and (small_site / "en" / "404.html").is_file()


def test_language_switch_and_hreflang(small_site):
    ja = _read(small_site, "causes/storage_full")
    assert 'href="/en/causes/storage_full/" hreflang="en"' in ja
    assert '<link rel="alternate" hreflang="en" href="https://example.test/kb/en/causes/storage_full/">' in ja
    en = _read(small_site, "en/causes/storage_full")
    assert 'href="/causes/storage_full/" hreflang="ja"' in en


def test_symptom_page_leads_with_what_to_do(small_site):
    """What to try first, then the causes in plain words; the conditions, weights and reasons only in a collapsed section."""
    main = _read(small_site, "symptoms/cannot_get_mail").split("<main", 1)[1]
    checks, causes, reasoning = main.index('id="first-checks"'), main.index('id="causes"'), main.index('<details class="reasoning">')
    assert checks < causes < reasoning
    # the engine's plan for this symptom alone: storage_rule suspects storage_full, fixed by free_storage (10 minutes, irreversible)
    first = main[checks:causes]
    assert 'href="/remedies/free_storage/"' in first and "10 分" in first and "元に戻せません" in first
    assert 'href="/causes/storage_full/"' in main[causes:reasoning]
    assert "症状題名：メールを取得できません題名" in main[reasoning:] and "理由題名" in main[reasoning:] and "50%" in main[reasoning:]
    assert "症状題名：" not in main[:reasoning] and "重み" not in main[:reasoning] and "理由題名" not in main[:reasoning]


def test_cause_lists_remedies_with_minutes_and_side_effects(small_site):
    html = _read(small_site, "en/causes/storage_full")
    assert 'href="/en/remedies/free_storage/"' in html
    assert "10 min" in html and "Side effects" in html


def test_remedy_has_per_platform_steps_and_verify(small_site):
    html = _read(small_site, "remedies/free_storage")
    assert 'id="steps-iphone"' in html and 'id="steps-any"' in html and 'id="verify"' in html


def test_sources_edit_link_updated_and_jsonld(small_site):
    html = _read(small_site, "symptoms/cannot_get_mail")
    assert "https://support.apple.com/ja-jp/102562" in html
    assert "https://git.example.test/team/mailkb/edit/main/knowledge/symptoms/cannot_get_mail.yaml" in html
    assert '<time datetime="2026-11-28">' in html
    blocks = [json.loads(body) for attrs, body in scan(html).scripts if attrs.get("type") == "application/ld+json"]
    types = {b["@type"] for b in blocks}
    assert types == {"BreadcrumbList", "Article"}
    article = next(b for b in blocks if b["@type"] == "Article")
    assert article["inLanguage"] == "ja" and article["dateModified"] == "2026-11-28"


def test_tables_are_generated_from_data(small_site):
    messages = _read(small_site, "tables/messages")
    assert (
        "メールを取得できません題名" in messages
        and 'href="/causes/storage_full/"' in messages
        and 'href="/remedies/free_storage/"' in messages
    )
    isolation = _read(small_site, "tables/isolation")
    assert 'id="rule-webmail_rule"' in isolation
    sheet = _read(small_site, "tables/checksheet")
    assert 'href="/guides/final_check/"' in sheet


def test_no_request_to_any_other_host_and_csp(small_site):
    for page in small_site.rglob("*.html"):
        tags = scan(page.read_text(encoding="utf-8")).tags
        csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "script-src 'self' 'wasm-unsafe-eval';" in csp[0] and "unsafe-inline" not in csp[0], page
        for tag, attrs in tags:
            if tag in ("script", "img", "iframe", "link", "source", "video", "audio") and tag != "a":
                url = attrs.get("src") or (
                    attrs.get("href") if tag == "link" and attrs.get("rel") not in ("canonical", "alternate") else ""
                )
                assert not url or url.startswith("/"), f"{page}: {tag} {url}"
    css = (small_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert not re.search(r"url\(|@import", css)


def test_exports_sitemap_and_robots(small_site):
    kb = json.loads((small_site / "api" / "kb.json").read_text(encoding="utf-8"))
    assert kb["format"] == 1 and "storage_full" in kb["kinds"]["causes"] and "receive" in kb["rules"]
    rules = json.loads((small_site / "api" / "rules.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in rules["rules"]} == {"storage_rule", "webmail_rule"}
    assert (small_site / "schemas" / "cause.schema.json").is_file()
    sitemap = (small_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.test/kb/causes/storage_full/</loc>" in sitemap
    assert "<loc>https://example.test/kb/en/causes/storage_full/</loc>" in sitemap
    assert "404" not in sitemap
    assert "Sitemap: https://example.test/kb/sitemap.xml" in (small_site / "robots.txt").read_text(encoding="utf-8")


def test_every_internal_link_and_anchor_resolves(small_site):
    assert broken_links(small_site) == []


def test_bundled_knowledge_base_builds_and_links_resolve(tmp_path):
    assert main(["build", "--out", str(tmp_path / "site"), "--no-search"]) == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert broken_links(tmp_path / "site") == []


def test_build_errors_exit_2(tmp_path, capsys):
    assert main(["build", "--kb", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err


def test_site_under_a_base_path(tmp_path):
    """GitHub Pages serves a project site under /<repo>/: every internal link carries the base path."""
    from mailkb.sitebuild import build_site, load_config

    from .kbfactory import write_kb

    out = tmp_path / "out"
    build_site(
        write_kb(tmp_path / "kb"), out, config=load_config(site_url="https://example.test/kbx", base_path="kbx"), search=False, jobs=1
    )
    assert broken_links(out, base="/kbx/") == []
    html = _read(out, "en/causes/storage_full")
    assert 'href="/kbx/assets/site.css"' in html and 'href="/kbx/causes/storage_full/" hreflang="ja"' in html
    assert 'data-rules="/kbx/api/rules.ja.json"' in _read(out, "diagnose")
