"""The site as a person uses it, in Chromium: every page type, the whole link graph, search, the wizard, accessibility."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import pytest

from .browser import Watch, axe_script
from .htmlscan import scan

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"

# one page per type (paths without the /en prefix)
PAGE_TYPES = {
    "home": "/",
    "symptom": "/symptoms/cannot_get_mail/",
    "cause": "/causes/storage_full/",
    "remedy": "/remedies/{remedy}/",
    "observation": "/observations/webmail_works/",
    "platform": "/platforms/iphone/",
    "carrier": "/carriers/docomo/",
    "guide": "/guides/seven_steps/",
    "reference": "/reference/server_settings/",
    "list": "/symptoms/",
    "area": "/areas/receive/",
    "stage": "/stages/network/",
    "message_table": "/tables/messages/",
    "isolation_matrix": "/tables/isolation/",
    "check_sheet": "/tables/checksheet/",
    "search": "/search/?q=%E5%AE%B9%E9%87%8F",
    "wizard": "/diagnose/",
}

# seed cases for the wizard: it must reach the CLI's top cause
WIZARD_CASES = [
    {"error_message": "サーバへの接続に失敗しました。", "fails_on_other_network": False, "fails_on_other_device": False},
    {"symptoms": ["cannot_get_mail"], "storage_percent_used": 100},
    {"error_message": "メールを取得できません", "password_changed_recently": True},
    {"symptoms": ["cannot_send"], "smtp_port": 25},
    {"symptoms": ["verification_code_not_received"], "carrier": "docomo"},
]


def _first_remedy(site: Path) -> str:
    return sorted(p.name for p in (site / "remedies").iterdir() if p.is_dir())[0]


def _paths(site: Path) -> dict[str, str]:
    return {name: path.format(remedy=_first_remedy(site)) for name, path in PAGE_TYPES.items()}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_type_renders_without_console_errors(browser, server, site, lang):
    page = browser.new_page()
    watch = Watch(page, server)
    for name, path in _paths(site).items():
        url = server + ("/en" if lang == "en" else "") + path
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{name}: {url} -> {response and response.status}"
        assert page.locator("h1").count() == 1, name
        assert page.evaluate("document.documentElement.lang") == lang
        if name == "wizard":
            page.wait_for_selector("#wizard[data-ready=true]")
        if name == "search":
            page.wait_for_selector("body[data-search-done]")
    assert watch.errors == [] and watch.foreign == []
    missing = page.goto(server + ("/en" if lang == "en" else "") + "/no/such/page/")  # the browser logs the 404 itself
    assert missing is not None and missing.status == 404 and page.evaluate("document.documentElement.lang") == lang
    assert page.locator("link[rel=stylesheet]").count() == 1
    page.close()


def test_crawl_every_internal_link_and_anchor(server):
    """Breadth-first over every page reachable from / and /en/: each link answers 200 and each #anchor exists."""
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    queue = deque([server + "/", server + "/en/"])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url) as response:
                kind = response.headers.get("Content-Type", "")
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            pytest.fail(f"{url}: HTTP {err.code}")
        if "text/html" not in kind:
            continue
        scanned = scan(body)
        ids[url] = scanned.ids
        for tag, attrs in scanned.tags:
            target = attrs.get("href") if tag in ("a", "link") else attrs.get("src") if tag in ("script", "img") else None
            if not target or (tag == "link" and attrs.get("rel") in ("canonical", "alternate")):
                continue
            absolute = urljoin(url, target)
            if not absolute.startswith(server):
                continue
            page_url, fragment = urldefrag(absolute)
            if fragment:
                anchors.append((url, page_url, fragment))
            if page_url not in seen and not urlsplit(page_url).query:
                queue.append(page_url)
    assert len(seen) > 100
    bad = [f"{src}: #{frag} not on {dst}" for src, dst, frag in anchors if dst in ids and frag not in ids[dst]]
    assert bad == []


def _cli_top_cause(query: dict) -> str | None:
    proc = subprocess.run(
        [sys.executable, "-m", "mailkb", "diagnose", "--json"],
        input=json.dumps(query, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    causes = json.loads(proc.stdout)["causes"]
    return causes[0]["id"] if causes else None


def _wizard_url(server: str, query: dict) -> str:
    params = {k: (",".join(v) if isinstance(v, list) else json.dumps(v) if isinstance(v, bool) else str(v)) for k, v in query.items()}
    return f"{server}/diagnose/?{urlencode(params)}"


@pytest.mark.parametrize("query", WIZARD_CASES, ids=[str(i) for i in range(len(WIZARD_CASES))])
def test_wizard_reaches_the_cli_top_cause(browser, server, query):
    expected = _cli_top_cause(query)
    page = browser.new_page()
    page.goto(_wizard_url(server, query))
    page.wait_for_selector("#wizard[data-ready=true]")
    assert page.get_attribute("#wizard", "data-top") == (expected or "")
    page.close()


def test_screenshot_of_a_japanese_page(browser, server):
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(server + "/symptoms/cannot_get_mail/")
    page.screenshot(path=str(OUTPUT / "ja-symptom-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scrolling
    page.close()


@pytest.mark.parametrize(("lang", "scheme"), [("ja", "light"), ("en", "dark")])
def test_axe_reports_no_serious_violations(browser, server, site, lang, scheme):
    script = axe_script()
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # axe is injected as an inline script
    page = context.new_page()
    found = []
    for name, path in _paths(site).items():
        page.goto(server + ("/en" if lang == "en" else "") + path)
        if name == "wizard":
            page.wait_for_selector("#wizard[data-ready=true]")
        page.add_script_tag(path=str(script))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"][:3]]
                found.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    context.close()
    assert found == []
