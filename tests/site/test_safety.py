"""Hostile Markdown and text in the knowledge base never reach a page as markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailkb.cli import main
from mailkb.sitebuild import build_site, load_config

from .conftest import TEST_CONFIG
from .htmlscan import scan
from .kbfactory import write_kb

HOSTILE_MD = """<script>alert("xss-md")</script>

[click](javascript:alert('xss-link')) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox(1)) [tab](java\tscript:alert(1))
[proto](//evil.example/x) <javascript:alert('autolink')>

<img src=x onerror="alert('xss-img')">

<iframe src="https://evil.example/"></iframe>

<a href="javascript:alert('raw-a')">a</a> ![img](javascript:alert('img')) <svg onload=alert(1)>

<object data="x"></object><embed src="x"><form action="https://evil.example/"><input></form>
"""
HOSTILE_TEXT = '</script><script>alert("xss-text")</script><img src=x onerror=alert(2)><iframe src=//evil.example>'
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")
FORBIDDEN_TAGS = {"iframe", "object", "embed", "frame", "frameset", "applet", "svg", "math", "base"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    kb = write_kb(root / "kb", md=HOSTILE_MD, text=HOSTILE_TEXT)
    build_site(kb, root / "out", config=load_config(**TEST_CONFIG), search=False, jobs=1)
    return root / "out"


def _pages(out: Path) -> list[Path]:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 40
    return pages


def test_hostile_entries_are_rendered_not_dropped(hostile_site):
    page = (hostile_site / "causes" / "storage_full" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in page  # the raw HTML is shown as text …
    assert "&lt;iframe" in page
    assert (hostile_site / "en" / "remedies" / "free_storage" / "index.html").is_file()


def test_no_hostile_markup_reaches_any_page(hostile_site):
    for path in _pages(hostile_site):
        scanned = scan(path.read_text(encoding="utf-8"))
        where = path.relative_to(hostile_site)
        for tag, attrs in scanned.tags:
            assert tag not in FORBIDDEN_TAGS, f"{where}: <{tag}>"
            if tag == "img":
                pytest.fail(f"{where}: an <img> from the data: {attrs}")
            for name, value in attrs.items():
                assert not name.startswith("on"), f"{where}: <{tag} {name}=…>"
                if name in ("href", "src", "action", "formaction", "xlink:href", "data"):
                    squashed = "".join(ch for ch in value if ch > " ").lower()
                    assert not squashed.startswith(BAD_SCHEMES), f"{where}: <{tag} {name}={value!r}>"
                    assert "evil.example" not in squashed, f"{where}: <{tag} {name}={value!r}>"
        for attrs, body in scanned.scripts:
            if attrs.get("type") == "application/ld+json":
                assert "<" not in body, f"{where}: markup inside JSON-LD"
                json.loads(body)
            else:
                assert attrs.get("src", "").startswith("/assets/"), f"{where}: inline or foreign script {attrs}"
                assert not body.strip(), f"{where}: inline script body"


def test_wizard_html_fragments_carry_no_markup_from_the_data(hostile_site):
    """api/rules.json carries pre-rendered Markdown the wizard inserts as HTML; it must be as safe as the pages."""
    document = json.loads((hostile_site / "api" / "rules.json").read_text(encoding="utf-8"))
    fragments = [
        html
        for section in ("observations", "remedies")
        for entry in document[section].values()
        for key, value in entry.items()
        if key.endswith("_html")
        for html in value.values()
    ]
    assert any("&lt;script&gt;" in html for html in fragments), "the hostile Markdown should be there, escaped"
    for html in fragments:
        scanned = scan(html)
        assert not scanned.scripts, html
        for tag, attrs in scanned.tags:
            assert tag not in FORBIDDEN_TAGS | {"img", "script"}, html
            for name, value in attrs.items():
                assert not name.startswith("on"), html
                squashed = "".join(ch for ch in value if ch > " ").lower()
                assert not squashed.startswith(BAD_SCHEMES), html


def test_markdown_links_keep_safe_schemes(hostile_site):
    page = (hostile_site / "symptoms" / "cannot_get_mail" / "index.html").read_text(encoding="utf-8")
    hrefs = [attrs.get("href", "") for tag, attrs in scan(page).tags if tag == "a"]
    assert all(h.startswith(("/", "https://", "http://", "#")) and not h.startswith("//") for h in hrefs), hrefs  # "//x" is another host


def test_strict_build_refuses_hostile_markdown(tmp_path, capsys):
    kb = write_kb(tmp_path / "kb", md=HOSTILE_MD)
    code = main(["build", "--kb", str(kb), "--out", str(tmp_path / "out"), "--strict", "--no-search"])
    assert code == 2
    assert "MK309" in capsys.readouterr().err
